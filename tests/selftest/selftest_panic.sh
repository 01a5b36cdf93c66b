#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: panics the guest kernel.  The runner must fail this test
# and go on with the next ones in a fresh VM.
echo "1..1"
sync
echo 1 > /sys/kernel/debug/runner_selftest/panic
echo "ok 1 - still alive?"
