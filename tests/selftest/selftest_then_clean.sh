#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: runs after the guest panicked; must pass in a fresh VM.
echo "1..1"
grep -q "^runner_selftest " /proc/modules && echo "ok 1 - fresh modules" ||
	echo "not ok 1 - fresh modules"
