/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz.h - the pieces of the uAPI fuzzer (tests/fuzz/test_fuzz.c) that do
 * not depend on its op table: a seeded random generator, boundary values,
 * errno sets and a scratch arena that ends in a guard page.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* splitmix64: tiny, seedable, and every seed gives a good stream */
struct fz_rng {
	uint64_t s;
};

static inline uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0) */
static inline uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return n ? fz_next(r) % n : 0;
}

/* true with probability 1/n */
static inline int fz_one_in(struct fz_rng *r, unsigned int n)
{
	return fz_below(r, n) == 0;
}

/* A value near an edge: sizes, offsets and flags break there. */
static inline uint64_t fz_boundary(struct fz_rng *r)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 24, 31, 32, 63, 64, 255, 256,
		4095, 4096, 4097, 65535, 65536, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, (1ULL << 40) - 1, 1ULL << 40,
		(1ULL << 40) + 1, 1ULL << 52, 1ULL << 63, ~0ULL, ~0ULL - 4095,
	};

	if (fz_one_in(r, 4))
		return fz_next(r);
	return v[fz_below(r, sizeof(v) / sizeof(v[0]))];
}

/* A hash to derive a case's own seed from the run's seed and its name. */
static inline uint64_t fz_hash(uint64_t seed, const char *s)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

/* errno sets, 0-terminated */
static inline int fz_errno_in(int err, const int *set)
{
	for (; *set; set++)
		if (*set == err)
			return 1;
	return 0;
}

/*
 * A scratch arena for ioctl arguments and read/write buffers: FZ_ARENA
 * bytes followed by a PROT_NONE guard, so whatever length the kernel is
 * told, it can only write into the arena or fault.
 */
#define FZ_ARENA	(64 * 1024)
#define FZ_PAGE		4096

static inline uint8_t *fz_arena_alloc(void)
{
	uint8_t *p = mmap(NULL, FZ_ARENA + FZ_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + FZ_ARENA, FZ_PAGE, PROT_NONE)) {
		munmap(p, FZ_ARENA + FZ_PAGE);
		return NULL;
	}
	return p;
}

/* The address of the guard page: a pointer the kernel must fault on. */
static inline void *fz_guard(uint8_t *arena)
{
	return arena + FZ_ARENA;
}

#endif /* TESTS_FUZZ_H */
