// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exercises tests/lib/harness.h: plain tests, every assertion in its
 * passing form, a fixture with variants, teardown and SKIP.  Every case here
 * must pass (or skip); the failing cases live in selftest_*.c and are run by
 * tests/vm/selftest only.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#include "harness.h"

TEST(compare_mixed_types)
{
	size_t sz = 4;
	ssize_t neg = -1;
	unsigned long long big = ~0ULL;
	void *p = NULL;

	ASSERT_EQ(sz, 4);
	ASSERT_NE(neg, 0);
	ASSERT_LT(neg, 0);
	ASSERT_LE(sz, 4);
	ASSERT_GT(sz, 3);
	ASSERT_GE(sz, 4);
	ASSERT_EQ(big, -1);
	ASSERT_EQ(p, NULL);
	ASSERT_TRUE(sz);
	ASSERT_FALSE(p);
	EXPECT_EQ(1 + 1, 2);
	EXPECT_TRUE(1) TH_LOG("not printed: only runs on failure");
}

TEST(errno_checks)
{
	ASSERT_ERRNO(open("/nonexistent/harness", O_RDONLY), ENOENT);
	ASSERT_ERRNO(close(-1), EBADF);
}

TEST(skip_reports_reason)
{
	SKIP("skipping on purpose (%d)", 42);
	TH_LOG("never reached");
	ASSERT_TRUE(0);
}

static void *thread_fn(void *arg)
{
	int *x = arg;

	ASSERT_EQ(*x, 7);
	*x = 8;
	return NULL;
}

TEST(assert_in_thread)
{
	pthread_t th;
	int x = 7;

	ASSERT_EQ(pthread_create(&th, NULL, thread_fn, &x), 0);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(x, 8);
}

FIXTURE(tmpfile)
{
	char path[64];
	int fd;
};

FIXTURE_VARIANT(tmpfile)
{
	int size;
};

FIXTURE_VARIANT_ADD(tmpfile, small) { .size = 1 };
FIXTURE_VARIANT_ADD(tmpfile, page) { .size = 4096 };

FIXTURE_SETUP(tmpfile)
{
	snprintf(self->path, sizeof(self->path), "/tmp/harness-%d", getpid());
	self->fd = open(self->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(ftruncate(self->fd, variant->size), 0);
}

FIXTURE_TEARDOWN(tmpfile)
{
	if (self->fd >= 0)
		close(self->fd);
	unlink(self->path);
}

TEST_F(tmpfile, size_matches_variant)
{
	struct stat st;

	ASSERT_EQ(fstat(self->fd, &st), 0);
	ASSERT_EQ(st.st_size, variant->size);
}

TEST_F(tmpfile, write_then_read)
{
	char buf[4] = { 0 };

	ASSERT_EQ(pwrite(self->fd, "abc", 3, 0), 3);
	ASSERT_EQ(pread(self->fd, buf, 3, 0), 3);
	ASSERT_EQ(strcmp(buf, "abc"), 0);
}

/* A fixture without variants or teardown. */
FIXTURE(counter)
{
	int n;
};

FIXTURE_SETUP(counter)
{
	self->n = 41;
}

TEST_F(counter, setup_ran)
{
	self->n++;
	ASSERT_EQ(self->n, 42);
}

TEST_HARNESS_MAIN
