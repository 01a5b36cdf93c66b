# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree build of the VFIO core, the mdev bus, the samples and the
# tests.  KDIR selects the kernel tree; by default the newest Debian 12
# (6.1) headers installed on this machine.  The running kernel is not the
# target and usually has no headers, so it is never a fallback.

KDIR ?= $(lastword $(sort $(wildcard /lib/modules/6.1.0-*-amd64/build)))
TOP  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# Our include/ must win over the kernel's own include/linux/{vfio,mdev}.h.
# NOSTDINC_FLAGS comes before LINUXINCLUDE on the compiler command line;
# ccflags-y would come after it and lose.
KBUILD_OPTS := M=$(TOP) NOSTDINC_FLAGS="-I$(TOP)/include"

.PHONY: all modules clean help check-kdir

all: modules

check-kdir:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
	  echo "error: no kernel tree: install linux-headers-amd64 (tests/setup.sh) or set KDIR=" >&2; \
	  exit 1; }

modules: check-kdir
	$(MAKE) -C $(KDIR) $(KBUILD_OPTS) modules

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) $(KBUILD_OPTS) clean

help:
	@echo "make            build every module against KDIR=$(KDIR)"
	@echo "make W=1 C=1    the same with extra warnings and sparse"
