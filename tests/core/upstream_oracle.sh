#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Not a test: runs tests that need no mediated device against the
# distribution's own Linux 6.1 vfio modules, as an oracle of upstream
# behaviour.  tests/vm/run --exec tests/core/upstream_oracle.sh
names=$(sed -e 's|.*/||' -e 's|\.ko$||' "$TOP/tests/modules.load" | tac)
for pass in 1 2 3 4; do
	for m in $names; do rmmod "$m" 2>/dev/null; done
done
modprobe vfio_iommu_type1 || echo "# modprobe failed"
lsmod | grep vfio | sed 's/^/# /'
"$TOP"/tests/bin/test_container check_extension set_iommu_without unknown_ioctl_without api_version
rmmod vfio_iommu_type1 vfio 2>/dev/null
exit 0
