// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner self-test: a test program whose assertions fail.  The runner must
 * report it red.  Also shows what failures look like: a failed ASSERT still
 * runs the teardown, an EXPECT carries on, a crash is caught.
 */
#include <fcntl.h>
#include <sys/ioctl.h>

#include "harness.h"

TEST(passes)
{
	ASSERT_EQ(1, 1);
}

TEST(assert_eq_fails)
{
	int fd = open("/nonexistent", O_RDONLY);

	ASSERT_EQ(fd, 0) TH_LOG("open() of a missing file, as intended");
	TH_LOG("never reached");
}

TEST(expect_continues)
{
	EXPECT_EQ(0x12345678, 0x1234567);
	TH_LOG("reached after a failed EXPECT");
}

TEST(errno_mismatch)
{
	ASSERT_ERRNO(ioctl(0, 0xdead), EINVAL);
}

FIXTURE(td)
{
	int x;
};

FIXTURE_SETUP(td)
{
	self->x = 1;
}

FIXTURE_TEARDOWN(td)
{
	TH_LOG("teardown ran, x = %d", self->x);
}

TEST_F(td, assert_runs_teardown)
{
	self->x = 2;
	ASSERT_TRUE(0);
}

TEST_F(td, crash_runs_teardown)
{
	volatile int *p = NULL;

	self->x = 3;
	*p = 1;
}

TEST_HARNESS_MAIN
