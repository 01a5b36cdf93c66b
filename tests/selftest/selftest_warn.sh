#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: makes the kernel print a WARNING; the runner's kernel
# log scan must fail the test although its own TAP says ok.
echo "1..1"
echo 1 > /sys/kernel/debug/runner_selftest/warn && echo "ok 1 - warned" ||
	echo "not ok 1 - warned"
