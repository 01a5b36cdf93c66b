/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.h - a small single-header TAP test harness for our userspace tests.
 *
 *	#include "harness.h"
 *	TEST(api_version) { ASSERT_EQ(ioctl(fd, VFIO_GET_API_VERSION), VFIO_API_VERSION); }
 *	FIXTURE(mdev) { int device_fd; };
 *	FIXTURE_VARIANT(mdev) { const char *type; };
 *	FIXTURE_VARIANT_ADD(mdev, one_port) { .type = "mtty-1" };
 *	FIXTURE_SETUP(mdev) { self->device_fd = -1; ... }
 *	FIXTURE_TEARDOWN(mdev) { ... }
 *	TEST_F(mdev, read_config) { ... self->device_fd ... variant->type ... }
 *	TEST_HARNESS_MAIN
 *
 * Design: tests register themselves from constructors into one list kept in
 * source order.  main() runs every selected test (for a fixture with
 * variants: every test times every variant, named "fixture.variant.test") in
 * a forked child, so a crash or a hang only costs that one test.  Inside
 * the child a failed ASSERT, a SKIP, a fatal signal or the timeout jump
 * (siglongjmp) to the end of the current phase, and the fixture teardown
 * still runs.  The verdict travels back to the parent through a small
 * shared page; the parent prints TAP.
 *
 * Values of ASSERT_EQ() and friends are compared as long long, so int, long,
 * size_t and pointers mix without sign-compare warnings (a u64 >= 2^63 is
 * negative for LT/GT; EQ/NE are exact).
 *
 * Options: `test_foo [-l] [name...]`: -l lists the tests; names select tests
 * whose full name contains any of the given strings.
 * The per-test timeout is HARNESS_TIMEOUT seconds (default 60); define it
 * before including this file to change it for a whole test program.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HARNESS_TIMEOUT
#define HARNESS_TIMEOUT 60
#endif

#define TH_UNUSED	__attribute__((unused))
#define TH_FN		static __attribute__((unused))

/* ------------------------------------------------------------------ */
/* Registry                                                           */

struct th_variant {
	const char *name;
	const void *data;
	int line;
	struct th_variant *next;
};

struct th_fixture {
	const char *name;
	void (*setup)(void *self, const void *variant);
	void (*teardown)(void *self, const void *variant);
	struct th_variant *variants;	/* sorted by source line */
};

struct th_test {
	const char *name;
	int line;
	struct th_fixture *fx;		/* NULL for a plain TEST() */
	size_t self_size;
	void (*run)(void *self, const void *variant);
	struct th_test *next;		/* sorted by source line */
};

static struct th_test *th_tests;

TH_FN void th_add_test(struct th_test *t)
{
	struct th_test **p = &th_tests;

	while (*p && (*p)->line < t->line)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

TH_FN void th_add_variant(struct th_fixture *fx, struct th_variant *v)
{
	struct th_variant **p = &fx->variants;

	while (*p && (*p)->line < v->line)
		p = &(*p)->next;
	v->next = *p;
	*p = v;
}

/* ------------------------------------------------------------------ */
/* Definitions                                                        */

#define TEST(t)								\
	static void th_tbody_##t(void);					\
	static void th_trun_##t(void *s TH_UNUSED, const void *v TH_UNUSED) \
	{ th_tbody_##t(); }						\
	static struct th_test th_test_##t = {				\
		.name = #t, .line = __LINE__, .run = th_trun_##t,	\
	};								\
	static void __attribute__((constructor)) th_treg_##t(void)	\
	{ th_add_test(&th_test_##t); }					\
	static void th_tbody_##t(void)

#define FIXTURE(f)							\
	struct th_self_##f;						\
	struct th_vdata_##f;						\
	static struct th_fixture th_fx_##f = { .name = #f };		\
	struct th_self_##f

#define FIXTURE_VARIANT(f)	struct th_vdata_##f

#define FIXTURE_VARIANT_ADD(f, v)					\
	static const struct th_vdata_##f th_vd_##f##_##v;		\
	static struct th_variant th_var_##f##_##v = {			\
		.name = #v, .data = &th_vd_##f##_##v, .line = __LINE__,	\
	};								\
	static void __attribute__((constructor)) th_vreg_##f##_##v(void) \
	{ th_add_variant(&th_fx_##f, &th_var_##f##_##v); }		\
	static const struct th_vdata_##f th_vd_##f##_##v =

#define TH_FIXTURE_HOOK(f, hook)					\
	static void th_##hook##_body_##f(struct th_self_##f *self,	\
		const struct th_vdata_##f *variant);			\
	static void th_##hook##_##f(void *self, const void *variant)	\
	{ th_##hook##_body_##f(self, variant); }			\
	static void __attribute__((constructor)) th_##hook##_reg_##f(void) \
	{ th_fx_##f.hook = th_##hook##_##f; }				\
	static void th_##hook##_body_##f(struct th_self_##f *self TH_UNUSED, \
		const struct th_vdata_##f *variant TH_UNUSED)

#define FIXTURE_SETUP(f)	TH_FIXTURE_HOOK(f, setup)
#define FIXTURE_TEARDOWN(f)	TH_FIXTURE_HOOK(f, teardown)

#define TEST_F(f, t)							\
	static void th_fbody_##f##_##t(struct th_self_##f *self,	\
		const struct th_vdata_##f *variant);			\
	static void th_frun_##f##_##t(void *self, const void *variant)	\
	{ th_fbody_##f##_##t(self, variant); }				\
	static struct th_test th_ftest_##f##_##t = {			\
		.name = #t, .line = __LINE__, .fx = &th_fx_##f,		\
		.self_size = sizeof(struct th_self_##f),		\
		.run = th_frun_##f##_##t,				\
	};								\
	static void __attribute__((constructor)) th_freg_##f##_##t(void) \
	{ th_add_test(&th_ftest_##f##_##t); }				\
	static void th_fbody_##f##_##t(struct th_self_##f *self TH_UNUSED, \
		const struct th_vdata_##f *variant TH_UNUSED)

/* ------------------------------------------------------------------ */
/* State of the running test (in the forked child)                    */

enum th_verdict { TH_PASS, TH_SKIP, TH_FAIL };

/* Shared with the parent (MAP_SHARED), so grandchildren can fail a test. */
struct th_result {
	int verdict;
	char why[256];
};

enum th_phase { TH_SETUP, TH_BODY, TH_TEARDOWN };

static struct th_result *th_res;
static sigjmp_buf th_jmp;		/* end of the current phase */
static volatile sig_atomic_t th_phase;
static volatile sig_atomic_t th_timed_out;
static pid_t th_pid;			/* pid of the test process */
static pid_t th_tid;			/* its main thread */
static const char *th_name;

TH_FN void th_vlog(const char *file, int line, const char *fmt, va_list ap)
{
	char buf[4096], *s, *nl;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (s = buf; ; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (file)
			printf("# %s:%d: %s\n", file, line, s);
		else
			printf("# %s\n", s);
		if (!nl || !nl[1])
			break;
		file = NULL;
	}
	fflush(stdout);
}

TH_FN __attribute__((format(printf, 3, 4)))
void th_log(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	th_vlog(file, line, fmt, ap);
	va_end(ap);
}

#define TH_LOG(fmt, ...) th_log(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

TH_FN const char *th_errname(int e)
{
	switch (e) {
#define TH_E(x) case x: return #x
	TH_E(EPERM); TH_E(ENOENT); TH_E(ESRCH); TH_E(EINTR); TH_E(EIO);
	TH_E(ENXIO); TH_E(E2BIG); TH_E(ENOEXEC); TH_E(EBADF); TH_E(ECHILD);
	TH_E(EAGAIN); TH_E(ENOMEM); TH_E(EACCES); TH_E(EFAULT); TH_E(EBUSY);
	TH_E(EEXIST); TH_E(EXDEV); TH_E(ENODEV); TH_E(ENOTDIR); TH_E(EISDIR);
	TH_E(EINVAL); TH_E(ENFILE); TH_E(EMFILE); TH_E(ENOTTY); TH_E(EFBIG);
	TH_E(ENOSPC); TH_E(ESPIPE); TH_E(EROFS); TH_E(EPIPE); TH_E(ERANGE);
	TH_E(EDEADLK); TH_E(ENAMETOOLONG); TH_E(ENOSYS); TH_E(ENOTEMPTY);
	TH_E(ELOOP); TH_E(ENODATA); TH_E(EOVERFLOW); TH_E(EOPNOTSUPP);
	TH_E(ETIMEDOUT); TH_E(ECANCELED); TH_E(EHWPOISON);
#undef TH_E
	case 512: return "ERESTARTSYS";
	case 524: return "ENOTSUPP";
	case 0: return "0";
	}
	return "E?";
}

/* Ends the current phase: never returns. */
TH_FN __attribute__((noreturn)) void th_bail(void)
{
	if (getpid() != th_pid) {
		/* A process the test forked: report through the shared page. */
		fflush(stdout);
		_exit(th_res->verdict == TH_FAIL);
	}
	if ((pid_t)syscall(SYS_gettid) != th_tid)
		pthread_exit(NULL);
	siglongjmp(th_jmp, 1);
}

TH_FN void th_mark_failed(void)
{
	if (th_res)
		th_res->verdict = TH_FAIL;
}

TH_FN __attribute__((noreturn, format(printf, 1, 2)))
void th_skip(const char *fmt, ...)
{
	va_list ap;

	if (th_res && th_res->verdict != TH_FAIL) {
		th_res->verdict = TH_SKIP;
		va_start(ap, fmt);
		vsnprintf(th_res->why, sizeof(th_res->why), fmt, ap);
		va_end(ap);
		/* TAP directives end at a newline */
		th_res->why[strcspn(th_res->why, "\n")] = '\0';
	}
	th_bail();
}

#define SKIP(fmt, ...) th_skip(fmt, ##__VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Assertions                                                         */

struct th_check {
	long long a, b;
	int err;
	int todo;	/* the for() below runs its body once */
	int ok;
	int fatal;
};

#define th_ll(x) ((long long)(uintptr_t)(x))

TH_FN void th_put_value(const char *expr, long long v)
{
	if (v > 4096 || v < -4096)
		printf("#   %s = %lld (%#llx)\n", expr, v, (unsigned long long)v);
	else
		printf("#   %s = %lld\n", expr, v);
}

TH_FN int th_report(struct th_check *c, const char *file, int line,
		    const char *macro, const char *ea, const char *eb)
{
	th_mark_failed();
	if (eb) {
		printf("# %s:%d: %s(%s, %s) failed\n", file, line, macro, ea, eb);
		th_put_value(ea, c->a);
		th_put_value(eb, c->b);
	} else {
		printf("# %s:%d: %s(%s) failed\n", file, line, macro, ea);
		th_put_value(ea, c->a);
	}
	printf("#   errno = %d (%s: %s)\n", c->err, th_errname(c->err),
	       strerror(c->err));
	fflush(stdout);
	return 1;
}

TH_FN int th_report_errno(struct th_check *c, const char *file, int line,
			  const char *macro, const char *ea, const char *eb)
{
	th_mark_failed();
	printf("# %s:%d: %s(%s, %s) failed\n", file, line, macro, ea, eb);
	th_put_value(ea, c->a);
	printf("#   expected -1 with errno %s (%d: %s)\n", eb, (int)c->b,
	       strerror((int)c->b));
	printf("#   errno = %d (%s: %s)\n", c->err, th_errname(c->err),
	       strerror(c->err));
	fflush(stdout);
	return 1;
}

TH_FN void th_check_done(struct th_check *c)
{
	c->todo = 0;
	if (!c->ok && c->fatal)
		th_bail();
}

/*
 * Two nested for() loops make each assertion one statement that may be
 * followed by a statement run only on failure:
 *	ASSERT_EQ(ret, 0) TH_LOG("while mapping %d", i);
 * and still end with a plain `;`.
 */
#define TH_CHECK(fatal_, cond_, report_)				\
	for (struct th_check __th = { .todo = 1, .fatal = (fatal_) };	\
	     __th.todo && ((cond_), __th.ok || (report_), 1);		\
	     th_check_done(&__th))					\
		for (int __th_show = !__th.ok; __th_show; __th_show = 0)

/* The expressions are stringified here, before macro expansion. */
#define TH_CMP(fatal, macro, x, op, y, sx, sy)				\
	TH_CHECK(fatal,							\
		 (__th.a = th_ll(x), __th.b = th_ll(y), __th.err = errno, \
		  __th.ok = __th.a op __th.b),				\
		 th_report(&__th, __FILE__, __LINE__, macro, sx, sy))

#define TH_BOOL(fatal, macro, x, want, sx)				\
	TH_CHECK(fatal,							\
		 (__th.a = th_ll(x), __th.err = errno,			\
		  __th.ok = !!__th.a == (want)),			\
		 th_report(&__th, __FILE__, __LINE__, macro, sx, NULL))

#define TH_ERRNO(fatal, macro, x, e, sx, se)				\
	TH_CHECK(fatal,							\
		 (errno = 0, __th.a = th_ll(x), __th.err = errno,	\
		  __th.b = (e), __th.ok = __th.a == -1 && __th.err == __th.b), \
		 th_report_errno(&__th, __FILE__, __LINE__, macro, sx, se))

#define ASSERT_EQ(a, b)	TH_CMP(1, "ASSERT_EQ", a, ==, b, #a, #b)
#define ASSERT_NE(a, b)	TH_CMP(1, "ASSERT_NE", a, !=, b, #a, #b)
#define ASSERT_LT(a, b)	TH_CMP(1, "ASSERT_LT", a, <, b, #a, #b)
#define ASSERT_LE(a, b)	TH_CMP(1, "ASSERT_LE", a, <=, b, #a, #b)
#define ASSERT_GT(a, b)	TH_CMP(1, "ASSERT_GT", a, >, b, #a, #b)
#define ASSERT_GE(a, b)	TH_CMP(1, "ASSERT_GE", a, >=, b, #a, #b)
#define ASSERT_TRUE(a)	TH_BOOL(1, "ASSERT_TRUE", a, 1, #a)
#define ASSERT_FALSE(a)	TH_BOOL(1, "ASSERT_FALSE", a, 0, #a)
#define ASSERT_ERRNO(x, e) TH_ERRNO(1, "ASSERT_ERRNO", x, e, #x, #e)

#define EXPECT_EQ(a, b)	TH_CMP(0, "EXPECT_EQ", a, ==, b, #a, #b)
#define EXPECT_NE(a, b)	TH_CMP(0, "EXPECT_NE", a, !=, b, #a, #b)
#define EXPECT_LT(a, b)	TH_CMP(0, "EXPECT_LT", a, <, b, #a, #b)
#define EXPECT_LE(a, b)	TH_CMP(0, "EXPECT_LE", a, <=, b, #a, #b)
#define EXPECT_GT(a, b)	TH_CMP(0, "EXPECT_GT", a, >, b, #a, #b)
#define EXPECT_GE(a, b)	TH_CMP(0, "EXPECT_GE", a, >=, b, #a, #b)
#define EXPECT_TRUE(a)	TH_BOOL(0, "EXPECT_TRUE", a, 1, #a)
#define EXPECT_FALSE(a)	TH_BOOL(0, "EXPECT_FALSE", a, 0, #a)
#define EXPECT_ERRNO(x, e) TH_ERRNO(0, "EXPECT_ERRNO", x, e, #x, #e)

/* ------------------------------------------------------------------ */
/* Running one test in a child                                        */

static const char *const th_phase_name[] = { "setup", "test", "teardown" };

/* Fatal signal or timeout inside the test process: finish with teardown. */
TH_FN void th_on_signal(int sig)
{
	char msg[160];
	int n;

	if (getpid() != th_pid || (pid_t)syscall(SYS_gettid) != th_tid) {
		/* not the test's main thread: let the default action kill us */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	th_res->verdict = TH_FAIL;
	if (sig == SIGALRM) {
		th_timed_out = 1;
		n = snprintf(msg, sizeof(msg),
			     "# %s: timeout after %d s in %s\n", th_name,
			     HARNESS_TIMEOUT, th_phase_name[th_phase]);
	} else {
		n = snprintf(msg, sizeof(msg), "# %s: signal %d (%s) in %s\n",
			     th_name, sig, strsignal(sig),
			     th_phase_name[th_phase]);
	}
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(3);
	if (th_phase == TH_TEARDOWN)
		_exit(2);
	/* leave a few seconds for the teardown to clean up */
	alarm(10);
	siglongjmp(th_jmp, 1);
}

/* Statics rather than locals: they must survive siglongjmp(). */
static const struct th_test *th_cur_test;
static const void *th_cur_vdata;
static void *th_cur_self;

TH_FN __attribute__((noreturn)) void th_child(void)
{
	static const int sigs[] = { SIGALRM, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = th_on_signal };
	sigset_t none;
	unsigned int i;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	th_pid = getpid();
	th_tid = (pid_t)syscall(SYS_gettid);
	sa.sa_flags = SA_NODEFER;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	alarm(HARNESS_TIMEOUT);

	th_cur_self = calloc(1, th_cur_test->self_size ? th_cur_test->self_size : 1);
	if (!th_cur_self)
		_exit(1);
	if (!sigsetjmp(th_jmp, 1)) {
		th_phase = TH_SETUP;
		if (th_cur_test->fx && th_cur_test->fx->setup)
			th_cur_test->fx->setup(th_cur_self, th_cur_vdata);
		th_phase = TH_BODY;
		th_cur_test->run(th_cur_self, th_cur_vdata);
	}
	if (th_cur_test->fx && th_cur_test->fx->teardown && !sigsetjmp(th_jmp, 1)) {
		th_phase = TH_TEARDOWN;
		th_cur_test->fx->teardown(th_cur_self, th_cur_vdata);
	}
	alarm(0);
	fflush(stdout);
	fflush(stderr);
	_exit(th_res->verdict == TH_FAIL);
}

static double th_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns the verdict; prints the TAP line. */
TH_FN int th_run_one(int num, const char *name, const struct th_test *t,
		     const struct th_variant *v)
{
	/* the child has 10 s more than its own alarm to run its teardown */
	double deadline = th_now() + HARNESS_TIMEOUT + 15;
	sigset_t chld;
	int status = 0, verdict;
	pid_t pid, r;

	memset(th_res, 0, sizeof(*th_res));
	th_name = name;
	printf("# RUN %s\n", name);
	fflush(stdout);
	fflush(stderr);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		printf("not ok %d - %s\n", num, name);
		return TH_FAIL;
	}
	if (pid == 0) {
		th_cur_test = t;
		th_cur_vdata = v ? v->data : NULL;
		th_child();
	}

	for (;;) {
		struct timespec ts;
		double left;

		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		left = deadline - th_now();
		if (left <= 0) {
			printf("# %s: still running %d s after its timeout, killed\n",
			       name, 15);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			th_res->verdict = TH_FAIL;
			break;
		}
		if (left > 1)
			left = 1;	/* SIGCHLD may be lost to a race */
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		sigtimedwait(&chld, NULL, &ts);
	}

	verdict = th_res->verdict;
	if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d (%s)\n", name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		verdict = TH_FAIL;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) && verdict != TH_FAIL) {
		printf("# %s: exited with status %d\n", name, WEXITSTATUS(status));
		verdict = TH_FAIL;
	}

	if (verdict == TH_FAIL)
		printf("not ok %d - %s\n", num, name);
	else if (verdict == TH_SKIP)
		printf("ok %d - %s # SKIP %s\n", num, name, th_res->why);
	else
		printf("ok %d - %s\n", num, name);
	fflush(stdout);
	return verdict;
}

/* ------------------------------------------------------------------ */
/* main                                                               */

struct th_case {
	const struct th_test *t;
	const struct th_variant *v;
	char name[256];
};

TH_FN int th_selected(const char *name, int argc, char **argv)
{
	int i, any = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (strstr(name, argv[i]))
			return 1;
	}
	return !any;
}

TH_FN int th_main(int argc, char **argv)
{
	int i, n = 0, ncases = 0, list = 0, counts[3] = { 0 };
	const struct th_variant *v;
	const struct th_test *t;
	struct th_case *cases;
	sigset_t chld;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			list = 1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: %s [-l] [test-name-substring...]\n",
				argv[0]);
			return 2;
		}
	}

	for (t = th_tests; t; t = t->next)
		for (v = t->fx ? t->fx->variants : NULL; ; v = v->next) {
			ncases++;
			if (!v || !v->next)
				break;
		}
	cases = calloc(ncases ? ncases : 1, sizeof(*cases));
	if (!cases)
		return 1;
	for (t = th_tests; t; t = t->next) {
		for (v = t->fx ? t->fx->variants : NULL; ; v = v->next) {
			struct th_case *c = &cases[n];

			if (!t->fx)
				snprintf(c->name, sizeof(c->name), "%s", t->name);
			else if (!v)
				snprintf(c->name, sizeof(c->name), "%s.%s",
					 t->fx->name, t->name);
			else
				snprintf(c->name, sizeof(c->name), "%s.%s.%s",
					 t->fx->name, v->name, t->name);
			c->t = t;
			c->v = v;
			if (th_selected(c->name, argc, argv))
				n++;
			if (!v || !v->next)
				break;
		}
	}

	if (list) {
		for (i = 0; i < n; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}

	th_res = mmap(NULL, sizeof(*th_res), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (th_res == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* SIGCHLD stays blocked in the parent; sigtimedwait() collects it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++)
		counts[th_run_one(i + 1, cases[i].name, cases[i].t, cases[i].v)]++;
	printf("# Totals: pass:%d fail:%d skip:%d\n",
	       counts[TH_PASS], counts[TH_FAIL], counts[TH_SKIP]);
	fflush(stdout);
	free(cases);
	return counts[TH_FAIL] ? 1 : 0;
}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv) { return th_main(argc, argv); }

#endif /* TESTS_HARNESS_H */
