// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user-memory bitmap of dirty IOVA pages, as filled in by
 * VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT.
 *
 * The user's bitmap may be far larger than we want to hold in the kernel,
 * so it is walked in chunks of one page of bits: each chunk is read in (bits
 * are only ever set, never cleared), the driver's callback marks the dirty
 * pages of the IOVA span the chunk covers with iova_bitmap_set(), and the
 * chunk is written back.
 */
#include <linux/iova_bitmap.h>
#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vfio.h"

#define IOVA_BITMAP_CHUNK_WORDS	(PAGE_SIZE / sizeof(u64))
#define IOVA_BITMAP_CHUNK_BITS	(IOVA_BITMAP_CHUNK_WORDS * BITS_PER_TYPE(u64))

/**
 * struct iova_bitmap - a walk over a user's dirty bitmap
 * @iova: first IOVA of the whole range; bit 0 of the bitmap
 * @length: bytes of IOVA in the range
 * @pgshift: log2 of the bytes each bit stands for
 * @data: the user's bitmap
 * @chunk: the part of the bitmap being worked on
 * @chunk_bit: index of the first bit in @chunk
 * @chunk_nbits: valid bits in @chunk
 */
struct iova_bitmap {
	unsigned long	iova;
	size_t		length;
	unsigned int	pgshift;
	u64 __user	*data;
	u64		*chunk;
	unsigned long	chunk_bit;
	unsigned long	chunk_nbits;
};

/**
 * iova_bitmap_alloc - start a walk over a user's dirty bitmap
 * @iova: IOVA that bit 0 stands for
 * @length: bytes of IOVA the bitmap covers
 * @page_size: bytes per bit, a power of two
 * @data: the user's bitmap, DIV_ROUND_UP(@length / @page_size, 64) u64s
 *
 * Return: the walk, or an ERR_PTR(); free it with iova_bitmap_free().
 */
struct iova_bitmap *iova_bitmap_alloc(unsigned long iova, size_t length,
				      unsigned long page_size,
				      u64 __user *data)
{
	struct iova_bitmap *bitmap;

	if (!is_power_of_2(page_size))
		return ERR_PTR(-EINVAL);

	bitmap = kzalloc(sizeof(*bitmap), GFP_KERNEL);
	if (!bitmap)
		return ERR_PTR(-ENOMEM);

	bitmap->chunk = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bitmap->chunk) {
		kfree(bitmap);
		return ERR_PTR(-ENOMEM);
	}
	bitmap->iova = iova;
	bitmap->length = length;
	bitmap->pgshift = ilog2(page_size);
	bitmap->data = data;
	return bitmap;
}

/**
 * iova_bitmap_free - end a walk
 * @bitmap: from iova_bitmap_alloc()
 */
void iova_bitmap_free(struct iova_bitmap *bitmap)
{
	kfree(bitmap->chunk);
	kfree(bitmap);
}

/**
 * iova_bitmap_for_each - call @fn for each chunk of the bitmap
 * @bitmap: from iova_bitmap_alloc()
 * @opaque: last argument of @fn
 * @fn: marks the dirty pages of an IOVA span with iova_bitmap_set()
 *
 * Return: 0, -EFAULT if the user's bitmap is not accessible, or the first
 * error @fn returns.
 */
int iova_bitmap_for_each(struct iova_bitmap *bitmap, void *opaque,
			 iova_bitmap_fn_t fn)
{
	unsigned long mask = (1UL << bitmap->pgshift) - 1;
	unsigned long total, bit;
	int ret;

	total = (bitmap->length >> bitmap->pgshift) + !!(bitmap->length & mask);

	for (bit = 0; bit < total; bit += bitmap->chunk_nbits) {
		unsigned long offset = bit << bitmap->pgshift;
		size_t words, span;

		bitmap->chunk_bit = bit;
		bitmap->chunk_nbits = min_t(unsigned long, total - bit,
					    IOVA_BITMAP_CHUNK_BITS);
		words = DIV_ROUND_UP(bitmap->chunk_nbits, BITS_PER_TYPE(u64));
		if (copy_from_user(bitmap->chunk, bitmap->data + bit / 64,
				   words * sizeof(u64)))
			return -EFAULT;

		span = bitmap->length - offset;
		if (bitmap->chunk_nbits < (ULONG_MAX >> bitmap->pgshift))
			span = min_t(unsigned long, span,
				     bitmap->chunk_nbits << bitmap->pgshift);
		ret = fn(bitmap, bitmap->iova + offset, span, opaque);
		if (ret)
			return ret;

		if (copy_to_user(bitmap->data + bit / 64, bitmap->chunk,
				 words * sizeof(u64)))
			return -EFAULT;
		cond_resched();
	}
	return 0;
}

/**
 * iova_bitmap_set - mark IOVA pages dirty
 * @bitmap: the bitmap handed to the driver's log_read_and_clear()
 * @iova: first dirty byte
 * @length: dirty bytes from @iova
 *
 * Pages outside the span the callback was asked about are ignored.
 */
void iova_bitmap_set(struct iova_bitmap *bitmap, unsigned long iova,
		     size_t length)
{
	unsigned long first, last, chunk_last;

	if (!length || iova + length - 1 < bitmap->iova)
		return;
	if (iova < bitmap->iova) {
		length -= bitmap->iova - iova;
		iova = bitmap->iova;
	}

	first = (iova - bitmap->iova) >> bitmap->pgshift;
	last = (iova + length - 1 - bitmap->iova) >> bitmap->pgshift;
	chunk_last = bitmap->chunk_bit + bitmap->chunk_nbits - 1;

	first = max(first, bitmap->chunk_bit);
	last = min(last, chunk_last);
	if (first > last)
		return;

	bitmap_set((unsigned long *)bitmap->chunk, first - bitmap->chunk_bit,
		   last - first + 1);
}
EXPORT_SYMBOL_GPL(iova_bitmap_set);
