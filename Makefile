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

.PHONY: all modules clean help check-kdir example

all: modules

check-kdir:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
	  echo "error: no kernel tree: install linux-headers-amd64 (tests/setup.sh) or set KDIR=" >&2; \
	  exit 1; }

modules: check-kdir
	$(MAKE) -C $(KDIR) $(KBUILD_OPTS) modules

# A vendor driver outside the tree, built the way a vendor would build it
# against us (see Documentation/vfio-core.rst); needs `make modules` first.
EXAMPLE := $(TOP)/Documentation/examples/mdev-hello

example: check-kdir
	$(MAKE) -C $(EXAMPLE) MDEVFW=$(TOP) KDIR=$(KDIR)

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) $(KBUILD_OPTS) clean
	@test -z "$(KDIR)" || $(MAKE) -C $(EXAMPLE) KDIR=$(KDIR) clean

help:
	@echo "make            build every module against KDIR=$(KDIR)"
	@echo "make W=1 C=1    the same with extra warnings and sparse"
	@echo "make example    build Documentation/examples/mdev-hello out of tree"
	@echo "make check      build, lint and run every test in the VM (T=glob for some)"
	@echo "make check-runner  self-test of the test runner"
	@echo "make check-debug   the suite on a KASAN/lockdep/kmemleak kernel (T=glob for some)"
	@echo "make demo       boot the VM and show the modules at work"
	@echo "make install    the built modules to /lib/modules/KVER/updates/mdevfw, then depmod"
	@echo "make uninstall  remove them again; make deb / dkms-deb: packages in build/deb"

# ---------------------------------------------------------------------------
# Tests (tests/vm/): everything runs in a QEMU VM booted on the 6.1 target
# kernel; modules are never loaded into this machine's own kernel.
#
#   make check [T=glob]   install what is missing, build with W=1 C=1 (any
#                         warning in our files fails), build the tests, run
#                         them in the VM; ends with "N passed, N failed"
#   make check-runner     prove the runner catches WARNINGs, stuck modules,
#                         failed assertions, timeouts and panics
#   make demo             boot the VM and run tests/demo/demo.sh live

.PHONY: check check-runner demo setup tests

setup:
	@$(TOP)/tests/setup.sh

tests:
	$(MAKE) -C $(TOP)/tests

check:
	@$(TOP)/tests/vm/check $(if $(T),'$(T)')

# The same suite on a debug build of linux-source-6.1 (KASAN, lockdep,
# kmemleak, fault injection), built once into ~/.cache/mdevfw/debug-kernel;
# our modules are rebuilt for it in build/debug/src (tests/debug/check).
.PHONY: check-debug
check-debug:
	@$(TOP)/tests/debug/check $(if $(T),'$(T)')

# A sub-make each, so KDIR is looked up again after setup installed it.
check-runner: setup
	@$(MAKE) --no-print-directory modules
	@$(MAKE) --no-print-directory -C $(TOP)/tests -s
	@$(TOP)/tests/vm/selftest

demo: setup
	@$(MAKE) --no-print-directory modules
	@$(MAKE) --no-print-directory -C $(TOP)/tests -s
	@$(TOP)/tests/vm/run --live --exec tests/demo/demo.sh

# ---------------------------------------------------------------------------
# Documentation: Documentation/*.rst to HTML in build/htmldocs/ with Debian's
# python3-sphinx (tests/setup.sh installs it).  Warnings are errors.
# Documentation/api.rst pulls kernel-doc comments through the target tree's
# scripts/kernel-doc (Documentation/sphinx/kdoc.py), found via KDIR.

SPHINXBUILD ?= sphinx-build

.PHONY: htmldocs

htmldocs:
	@command -v $(SPHINXBUILD) >/dev/null || { \
	  echo "error: $(SPHINXBUILD) not found: install python3-sphinx (tests/setup.sh)" >&2; \
	  exit 1; }
	KDIR=$(KDIR) $(SPHINXBUILD) -b html -W --keep-going -q \
	  -d $(TOP)/build/htmldocs/.doctrees $(TOP)/Documentation $(TOP)/build/htmldocs

# ---------------------------------------------------------------------------
# make bench: one VM boot, the same benchmark on the in-tree Linux 6.1
# vfio/mdev stack and then on ours (tests/bench/, Documentation/performance.rst).
# mtty is built a second time against the kernel's own headers; only our
# compat header is added, after the kernel's include path, so linux/vfio.h
# and linux/mdev.h stay the kernel's (checked below).  mdpy and the test
# parent likewise.  BENCH_* variables of make's environment (BENCH_ROUNDS,
# BENCH_SIZES, ...: tests/bench/run.sh) reach the guest through build/bench/env.
BENCH_INTREE := $(TOP)/build/bench-intree

.PHONY: bench
bench: setup
	@$(MAKE) --no-print-directory modules
	@$(MAKE) --no-print-directory -C $(TOP)/tests -s
	@mkdir -p $(BENCH_INTREE)/inc/compat $(TOP)/build/bench
	@cp $(TOP)/samples/mtty.c $(TOP)/samples/mdpy.c $(TOP)/samples/mdpy_defs.h $(BENCH_INTREE)/
	@cp $(TOP)/tests/kmod/mdev_testparent.c $(TOP)/tests/kmod/mdev_testparent.h $(BENCH_INTREE)/
	@cp $(TOP)/include/compat/kcompat.h $(BENCH_INTREE)/inc/compat/
	@printf 'obj-m := mtty.o mdpy.o mdev_testparent.o\nccflags-y += -I%s/inc\n' \
	  $(BENCH_INTREE) > $(BENCH_INTREE)/Kbuild
	$(MAKE) -C $(KDIR) M=$(BENCH_INTREE) modules
	@for o in mtty mdev_testparent; do \
	  grep -q 'include/linux/vfio.h' $(BENCH_INTREE)/.$$o.o.cmd && \
	  ! grep -q '$(TOP)/include/linux/vfio.h' $(BENCH_INTREE)/.$$o.o.cmd || \
	  { echo "bench: in-tree $$o did not use the kernel's linux/vfio.h" >&2; exit 1; }; \
	done
	@env | sed -n 's/^\(BENCH_[A-Z_]*\)=\(.*\)/\1="\2"/p' > $(TOP)/build/bench/env
	gcc -Wall -Wextra -O2 -g -I$(TOP)/tests/lib -o $(TOP)/build/bench/vfio_bench \
	  $(TOP)/tests/bench/vfio_bench.c $(TOP)/tests/lib/vfio_util.c
	@rm -f $(TOP)/build/artifacts/bench*.txt $(TOP)/build/artifacts/bench.json
	TEST_TIMEOUT=3300 $(TOP)/tests/vm/run --live --timeout 3600 --exec tests/bench/run.sh
	@python3 $(TOP)/tests/bench/report.py $(TOP)/build/artifacts/bench-intree.txt \
	  $(TOP)/build/artifacts/bench-ours.txt $(TOP)/build/artifacts/bench.json

# ---------------------------------------------------------------------------
# Installing (Documentation/install.rst).  The modules go to
# /lib/modules/$(KVER)/updates/mdevfw/, which depmod ranks above the in-tree
# kernel/ directory, so modprobe loads ours instead of the in-tree modules
# of the same names.  kbuild's modules_install copies them; our own depmod
# follows, because Debian's headers have no System.map and kbuild skips it.
# INSTALL_MOD_PATH (or DESTDIR) stages under another root; depmod runs only
# where that root holds the kernel's own modules.  install does not build,
# so it works from a read-only checkout; the test-only modules of
# tests/kmod are left out.  A manifest beside the modules lets uninstall
# remove exactly what install put there, even after make clean.  Lazy
# variables (=): a plain make never runs the awk and sed below.

KVER             ?= $(shell awk -F'"' '/UTS_RELEASE/ { print $$2 }' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR  ?= updates/mdevfw
DEPMOD           ?= /sbin/depmod
MODDIR            = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)
MANIFEST          = $(MODDIR)/$(INSTALL_MOD_DIR)/mdevfw.manifest
PKG_VERSION       = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)

define run_depmod
	@if [ -e $(MODDIR)/modules.builtin ]; then \
	  echo "  DEPMOD  $(KVER)"; $(DEPMOD) -b "$(or $(INSTALL_MOD_PATH),/)" $(KVER); \
	else \
	  echo "  DEPMOD  skipped: no $(MODDIR)/modules.builtin (a staging root)"; \
	fi
endef

.PHONY: install uninstall deb dkms-deb dkms-check check-install

install: check-kdir
	@test -n "$(KVER)" || { echo "install: cannot tell the kernel release of $(KDIR)" >&2; exit 1; }
	@test -s $(TOP)/modules.order || { echo "install: nothing built: run make first" >&2; exit 1; }
	@order=$$(mktemp) && grep -v '^$(TOP)/tests/' $(TOP)/modules.order > $$order && \
	  $(MAKE) -C $(KDIR) $(KBUILD_OPTS) KERNELRELEASE=$(KVER) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
	    INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) MODORDER=$$order CONFIG_MODULE_SIG_ALL= modules_install && \
	  sed 's|^$(TOP)/||' $$order > $(MANIFEST); rc=$$?; rm -f $$order; exit $$rc
	$(run_depmod)

uninstall:
	@test -n "$(KVER)" || { echo "uninstall: set KVER= or KDIR=" >&2; exit 1; }
	@test -f $(MANIFEST) || { echo "uninstall: nothing installed ($(MANIFEST) not found)" >&2; exit 1; }
	@cd $(MODDIR)/$(INSTALL_MOD_DIR) && while read -r f; do \
	  echo "  RM      $(MODDIR)/$(INSTALL_MOD_DIR)/$$f"; rm -f "$$f"; \
	  rmdir -p --ignore-fail-on-non-empty "$$(dirname "$$f")" 2>/dev/null || :; \
	done < $(MANIFEST) && rm -f $(MANIFEST) && cd / && \
	  rmdir $(MODDIR)/$(INSTALL_MOD_DIR) 2>/dev/null || :
	$(run_depmod)

# make deb: the built modules as a binary package for one kernel,
# build/deb/mdevfw-modules-$(KVER)_$(PKG_VERSION)_amd64.deb, which runs
# depmod when installed and removed.
# make dkms-deb: the source as mdevfw-dkms_$(PKG_VERSION)_all.deb, which
# builds and installs through DKMS for every kernel with headers, now and
# on each kernel update.  dkms refuses to replace an in-tree module of the
# same version (vfio 0.3) without --force-version-override; the package
# asks for that through dkms's modules_to_force_install list.
DEB_DIR := $(TOP)/build/deb

define deb_scripts
	{ echo '#!/bin/sh'; echo 'set -e'; printf '%s\n' $(1); } > $(2)/DEBIAN/postinst
	{ echo '#!/bin/sh'; echo 'set -e'; printf '%s\n' $(3); } > $(2)/DEBIAN/$(4)
	chmod 0755 $(2)/DEBIAN/postinst $(2)/DEBIAN/$(4)
endef

deb: check-kdir
	@rm -rf $(DEB_DIR)/modules && mkdir -p $(DEB_DIR)/modules/DEBIAN
	@$(MAKE) --no-print-directory install INSTALL_MOD_PATH=$(DEB_DIR)/modules KVER=$(KVER)
	@printf '%s\n' 'Package: mdevfw-modules-$(KVER)' 'Version: $(PKG_VERSION)' \
	  'Architecture: amd64' 'Maintainer: mdevfw developers <root@localhost>' \
	  'Depends: linux-image-$(KVER), kmod' 'Section: kernel' 'Priority: optional' \
	  'Description: VFIO core, mdev bus and sample drivers for Linux $(KVER)' \
	  ' Out-of-tree vfio, vfio_virqfd, vfio_iommu_type1, mdev and the mdev sample' \
	  ' drivers, installed in updates/ so that they replace the in-tree modules.' \
	  > $(DEB_DIR)/modules/DEBIAN/control
	@$(call deb_scripts,'depmod -a $(KVER)',$(DEB_DIR)/modules,'depmod -a $(KVER) || true',postrm)
	dpkg-deb --root-owner-group -Zxz --build $(DEB_DIR)/modules \
	  $(DEB_DIR)/mdevfw-modules-$(KVER)_$(PKG_VERSION)_amd64.deb

DKMS_SRC = usr/src/mdevfw-$(PKG_VERSION)

dkms-deb:
	@rm -rf $(DEB_DIR)/dkms && mkdir -p $(DEB_DIR)/dkms/DEBIAN $(DEB_DIR)/dkms/$(DKMS_SRC) \
	  $(DEB_DIR)/dkms/usr/share/dkms/modules_to_force_install
	@git -C $(TOP) ls-files --cached --others --exclude-standard | tar -C $(TOP) -T - --ignore-failed-read -cf - | \
	  tar -C $(DEB_DIR)/dkms/$(DKMS_SRC) -xf -
	@echo mdevfw_version-override > $(DEB_DIR)/dkms/usr/share/dkms/modules_to_force_install/mdevfw
	@printf '%s\n' 'Package: mdevfw-dkms' 'Version: $(PKG_VERSION)' 'Architecture: all' \
	  'Maintainer: mdevfw developers <root@localhost>' 'Depends: dkms, make, gcc' \
	  'Section: kernel' 'Priority: optional' \
	  'Description: VFIO core, mdev bus and sample drivers (DKMS source)' \
	  ' DKMS builds and installs the modules for each kernel with headers, and' \
	  ' again whenever a new kernel is installed.' > $(DEB_DIR)/dkms/DEBIAN/control
	@$(call deb_scripts,'dkms add -m mdevfw -v $(PKG_VERSION) || true' \
	  'for b in /lib/modules/*/build; do [ -d "$$b" ] || continue; k=$${b%/build}; k=$${k##*/}; dkms install -m mdevfw -v $(PKG_VERSION) -k "$$k" || echo "mdevfw: no build for $$k"; done',$(DEB_DIR)/dkms, \
	  'dkms remove -m mdevfw -v $(PKG_VERSION) --all || true',prerm)
	dpkg-deb --root-owner-group -Zxz --build $(DEB_DIR)/dkms $(DEB_DIR)/mdevfw-dkms_$(PKG_VERSION)_all.deb

# ---------------------------------------------------------------------------
# arm64 (Documentation/platform.rst).  `make ARCH=arm64` cross-builds every
# module, the Arm backends of core/platform and core/fsl-mc included, against
# an arm64 6.1 tree that tests/arm64/prepare.sh prepares once in
# ~/.cache/mdevfw/arm64 (Debian's source, arm64 config and Module.symvers, so
# the modules load into Debian's arm64 kernel).  It builds in a copy of the
# checkout, build/arm64/src, so the x86 .ko files here stay as they are.
# `make check-arm64` boots Debian's arm64 kernel under qemu-system-aarch64
# and binds the board's PL031 RTC and a virtio-mmio slot to our drivers.
ARM64_SRC   := $(TOP)/build/arm64/src
ARM64_CROSS ?= aarch64-linux-gnu-

.PHONY: modules-arm64 check-arm64
ifeq ($(ARCH),arm64)
.DEFAULT_GOAL := modules-arm64
endif

modules-arm64:
	@kdir=$$($(TOP)/tests/arm64/prepare.sh | tail -n1) && mkdir -p $(ARM64_SRC) && \
	  git -C $(TOP) ls-files -z --cached --others --exclude-standard | \
	  rsync -a --from0 --files-from=- --ignore-missing-args $(TOP)/ $(ARM64_SRC)/ && \
	  $(MAKE) -C $$kdir ARCH=arm64 CROSS_COMPILE=$(ARM64_CROSS) M=$(ARM64_SRC) \
	    NOSTDINC_FLAGS="-I$(ARM64_SRC)/include" modules

check-arm64:
	@$(MAKE) --no-print-directory ARCH=arm64 modules-arm64
	@$(TOP)/tests/arm64/run

# DKMS add/build/install/remove of the mdevfw-dkms package, on this machine
# but with every dkms tree redirected into build/dkms; loads nothing.
dkms-check: dkms-deb
	@$(TOP)/tests/install/dkms_host.sh

# tests/install/test_install.sh against the real /lib/modules (an overlayfs
# in the VM) with a depmod over every module of the kernel: minutes under
# TCG, so not part of make check, which stages into a small tree instead.
check-install:
	@TEST_TIMEOUT=1500 $(TOP)/tests/vm/run --live --timeout 1800 --exec tests/install/install_system.sh
