#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test_install.sh against the real /lib/modules (under an overlayfs in the
# VM), with a depmod over every module of the kernel: too slow under TCG
# for the default suite.  make check-install runs it.
exec "$(dirname "$0")/test_install.sh" --system
