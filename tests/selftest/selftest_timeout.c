// SPDX-License-Identifier: GPL-2.0-only
/* Runner self-test: a test that hangs must be failed by the harness timeout. */
#define HARNESS_TIMEOUT 2
#include "harness.h"

FIXTURE(hang)
{
	int dummy;
};

FIXTURE_SETUP(hang)
{
}

FIXTURE_TEARDOWN(hang)
{
	TH_LOG("teardown ran after the timeout");
}

TEST_F(hang, sleeps_forever)
{
	for (;;)
		pause();
}

TEST_HARNESS_MAIN
