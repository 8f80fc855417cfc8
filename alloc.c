/* alloc.c: droplet's malloc, linked into the static musl build only (the
 * glibc/ASan and fuzz builds keep their own). musl's mallocng gives freed
 * groups back with munmap, and on a VM every munmap is a TLB shoot-down of
 * tens of microseconds: a `run` made 37 mmap/munmap calls, about 1 ms of a
 * 12 ms container start. Here blocks come in power-of-two classes with one
 * free list each, carved from 256 KiB chunks that are never returned, so a
 * freed block is reused by the next request of its class and a steady loop
 * (the shim, events) stays bounded. Blocks over 128 KiB are mapped and
 * unmapped on their own. droplet is single-threaded: no locks.
 * The unit test builds this file with ALLOC_NAME renaming the functions. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifndef ALLOC_NAME
#define ALLOC_NAME(f) f
#endif

#define MIN_SHIFT  4  /* 16-byte blocks: the header alone */
#define MAX_SHIFT  17 /* 128 KiB; larger blocks are mapped one by one */
#define CHUNK_SIZE ((size_t)256 << 10)
#define LARGE      ((size_t)1) /* in hdr.size: a mapping of its own */

/* Before every pointer handed out. size: the block's size with this header
 * (a power of two), or the mapping's length | LARGE. off: for
 * aligned_alloc, how far the pointer lies past the block's own one. */
struct hdr {
	size_t size, off;
};
#define HDR sizeof(struct hdr)

static void *free_list[MAX_SHIFT + 1];
static char *chunk_cur, *chunk_end;

static struct hdr *hdr_of(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;
	return h->off ? (struct hdr *)((char *)p - h->off) - 1 : h;
}

static void *large_alloc(size_t n)
{
	size_t len = (n + HDR + 4095) & ~(size_t)4095;
	if (len < n)
		return errno = ENOMEM, NULL;
	struct hdr *h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return errno = ENOMEM, NULL;
	h->size = len | LARGE;
	h->off = 0;
	return h + 1;
}

void *ALLOC_NAME(malloc)(size_t n)
{
	if (n > ((size_t)1 << MAX_SHIFT) - HDR)
		return large_alloc(n);
	unsigned shift = MIN_SHIFT;
	while (((size_t)1 << shift) < n + HDR)
		shift++;
	size_t size = (size_t)1 << shift;
	struct hdr *h = free_list[shift];
	if (h) {
		free_list[shift] = *(void **)h;
	} else {
		if ((size_t)(chunk_end - chunk_cur) < size) {
			char *c = mmap(NULL, CHUNK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (c == MAP_FAILED)
				return errno = ENOMEM, NULL;
			chunk_cur = c, chunk_end = c + CHUNK_SIZE;
		}
		h = (struct hdr *)chunk_cur;
		chunk_cur += size;
	}
	h->size = size;
	h->off = 0;
	return h + 1;
}

void ALLOC_NAME(free)(void *p)
{
	if (!p)
		return;
	struct hdr *h = hdr_of(p);
	if (h->size & LARGE) {
		munmap(h, h->size & ~LARGE);
		return;
	}
	unsigned shift = MIN_SHIFT;
	while (((size_t)1 << shift) < h->size)
		shift++;
	*(void **)h = free_list[shift];
	free_list[shift] = h;
}

size_t ALLOC_NAME(malloc_usable_size)(void *p)
{
	if (!p)
		return 0;
	struct hdr *h = hdr_of(p);
	return (h->size & ~LARGE) - HDR - (size_t)((char *)p - (char *)(h + 1));
}

void *ALLOC_NAME(calloc)(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		return errno = ENOMEM, NULL;
	void *p = ALLOC_NAME(malloc)(a * b);
	if (p)
		memset(p, 0, a * b);
	return p;
}

void *ALLOC_NAME(realloc)(void *p, size_t n)
{
	if (!p)
		return ALLOC_NAME(malloc)(n);
	size_t have = ALLOC_NAME(malloc_usable_size)(p);
	if (n <= have)
		return p;
	void *q = ALLOC_NAME(malloc)(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	ALLOC_NAME(free)(p);
	return q;
}

void *ALLOC_NAME(aligned_alloc)(size_t align, size_t n)
{
	if (align & (align - 1))
		return errno = EINVAL, NULL;
	if (align <= HDR)
		return ALLOC_NAME(malloc)(n);
	if (n > SIZE_MAX - align)
		return errno = ENOMEM, NULL;
	char *p = ALLOC_NAME(malloc)(n + align);
	if (!p)
		return NULL;
	char *q = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (q != p) {
		struct hdr *h = (struct hdr *)q - 1; /* inside the block: q - p >= 16 */
		h->size = 0;
		h->off = (size_t)(q - p);
	}
	return q;
}

int ALLOC_NAME(posix_memalign)(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *))
		return EINVAL;
	void *p = ALLOC_NAME(aligned_alloc)(align, n);
	if (!p)
		return errno;
	*out = p;
	return 0;
}

void *ALLOC_NAME(memalign)(size_t align, size_t n)
{
	return ALLOC_NAME(aligned_alloc)(align, n);
}
