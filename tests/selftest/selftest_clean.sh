#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: a clean test with the runner_selftest module loaded.
# Must pass.
echo "1..2"
if [ -d /sys/kernel/debug/runner_selftest ]; then
	echo "ok 1 - runner_selftest is loaded"
else
	echo "not ok 1 - runner_selftest is loaded"
fi
echo "ok 2 - a skipped one # SKIP on purpose"
