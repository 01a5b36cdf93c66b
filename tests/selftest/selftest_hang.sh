#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runner self-test: never ends; the runner's own timeout must fail it.
# runner-timeout: 5
echo "1..1"
sleep 1000
echo "ok 1 - woke up"
