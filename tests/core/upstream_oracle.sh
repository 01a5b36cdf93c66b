#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Not a test of ours: runs our core tests against the distribution's own
# Linux 6.1 vfio, vfio_iommu_type1 and mdev modules, as an oracle of
# upstream behaviour.  mdev_testparent is source-compatible with 6.1, so a
# copy built against the distribution's headers drives the real thing:
#
#   mkdir -p build/oracle
#   cp tests/kmod/mdev_testparent.[ch] build/oracle/
#   printf 'obj-m := mdev_testparent.o\nccflags-y += -I%s/include\n' $PWD > build/oracle/Kbuild
#   make -C /lib/modules/6.1.0-56-amd64/build M=$PWD/build/oracle modules
#   tests/vm/run --exec tests/core/upstream_oracle.sh
#
# ORACLE_TESTS may name the test programs to run (default: all of tests/core).
names=$(sed -e 's|.*/||' -e 's|\.ko$||' "$TOP/tests/modules.load" | tac)
for pass in 1 2 3 4; do
	for m in $names; do rmmod "$m" 2>/dev/null; done
done
modprobe vfio_iommu_type1 || echo "# modprobe vfio_iommu_type1 failed"
ko="$TOP/build/oracle/mdev_testparent.ko"
if [ -f "$ko" ]; then
	modprobe mdev || echo "# modprobe mdev failed"
	insmod "$ko" || echo "# insmod $ko failed"
	export TP_KO=$ko	# for test_mdev_sysfs's reload
fi
lsmod | grep -E "vfio|mdev" | sed 's/^/# /'
# test_mdev_sysfs reloads mdev_testparent from tests/kmod (ours): last
tests=${ORACLE_TESTS:-$(cd "$TOP/tests/core" && ls test_*.c | sed 's/\.c$//' |
			grep -v test_mdev_sysfs) test_mdev_sysfs}
rc=0
for t in $tests; do
	echo "# ==== $t"
	"$TOP/tests/bin/$t" || rc=1
done
rmmod mdev_testparent mdev vfio_iommu_type1 vfio 2>/dev/null
exit $rc
