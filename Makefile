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
	@echo "make demo       boot the VM and show the modules at work"

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
# and linux/mdev.h stay the kernel's (checked below).  mdpy likewise.
BENCH_INTREE := $(TOP)/build/bench-intree

.PHONY: bench
bench: setup
	@$(MAKE) --no-print-directory modules
	@$(MAKE) --no-print-directory -C $(TOP)/tests -s
	@mkdir -p $(BENCH_INTREE)/inc/compat $(TOP)/build/bench
	@cp $(TOP)/samples/mtty.c $(TOP)/samples/mdpy.c $(TOP)/samples/mdpy_defs.h $(BENCH_INTREE)/
	@cp $(TOP)/include/compat/kcompat.h $(BENCH_INTREE)/inc/compat/
	@printf 'obj-m := mtty.o mdpy.o\nccflags-y += -I%s/inc\n' $(BENCH_INTREE) > $(BENCH_INTREE)/Kbuild
	$(MAKE) -C $(KDIR) M=$(BENCH_INTREE) modules
	@grep -q 'include/linux/vfio.h' $(BENCH_INTREE)/.mtty.o.cmd && \
	  ! grep -q '$(TOP)/include/linux/vfio.h' $(BENCH_INTREE)/.mtty.o.cmd || \
	  { echo "bench: in-tree mtty did not use the kernel's linux/vfio.h" >&2; exit 1; }
	gcc -Wall -Wextra -O2 -g -I$(TOP)/tests/lib -o $(TOP)/build/bench/vfio_bench \
	  $(TOP)/tests/bench/vfio_bench.c $(TOP)/tests/lib/vfio_util.c
	@rm -f $(TOP)/build/artifacts/bench*.txt $(TOP)/build/artifacts/bench.json
	TEST_TIMEOUT=1500 $(TOP)/tests/vm/run --live --timeout 1800 --exec tests/bench/run.sh
	@python3 $(TOP)/tests/bench/report.py $(TOP)/build/artifacts/bench-intree.txt \
	  $(TOP)/build/artifacts/bench-ours.txt $(TOP)/build/artifacts/bench.json
