#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: leaves runner_selftest pinned, so the runner's rmmod
# fails; that must fail the test although its own TAP says ok.
echo "1..1"
echo 1 > /sys/kernel/debug/runner_selftest/hold && echo "ok 1 - module pinned" ||
	echo "not ok 1 - module pinned"
