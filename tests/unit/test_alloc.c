/* test_alloc.c: the static build's allocator (alloc.c), built here under
 * other names next to the sanitizers' own malloc. */
#define ALLOC_NAME(f) ut_##f
#include "alloc.c"

#include "unit.h"

TEST(classes_and_reuse)
{
	char *a = ut_malloc(1), *b = ut_malloc(100), *c = ut_malloc(4000);
	CHECK(a && b && c);
	CHECK((uintptr_t)a % 16 == 0 && (uintptr_t)b % 16 == 0 && (uintptr_t)c % 16 == 0);
	CHECK_INT(ut_malloc_usable_size(a), 16);
	CHECK_INT(ut_malloc_usable_size(b), 112);
	CHECK_INT(ut_malloc_usable_size(c), 4096 - 16);
	memset(c, 0xab, 4000);
	ut_free(c);
	char *d = ut_malloc(3000); /* same class: the freed block comes back */
	CHECK(d == c);
	ut_free(b);
	ut_free(a);
	ut_free(d);
	CHECK(ut_malloc(0) != NULL);
	ut_free(NULL);
}

TEST(large_blocks_are_mapped_alone)
{
	size_t n = (size_t)1 << 20;
	char *p = ut_malloc(n);
	CHECK(p != NULL);
	CHECK(ut_malloc_usable_size(p) >= n);
	memset(p, 1, n);
	ut_free(p);
	errno = 0;
	CHECK(ut_malloc(SIZE_MAX - 8) == NULL && errno == ENOMEM);
}

TEST(calloc_zeroes_a_reused_block)
{
	char *p = ut_malloc(200);
	memset(p, 0xff, 200);
	ut_free(p);
	char *q = ut_calloc(10, 20);
	CHECK(q == p);
	int nonzero = 0;
	for (int i = 0; i < 200; i++)
		nonzero |= q[i];
	CHECK_INT(nonzero, 0);
	errno = 0;
	CHECK(ut_calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
}

TEST(realloc_keeps_content)
{
	char *p = ut_realloc(NULL, 10);
	memcpy(p, "droplet!!", 10);
	CHECK(ut_realloc(p, 12) == p); /* still fits its 32-byte block */
	char *q = ut_realloc(p, 5000);
	CHECK(q != NULL && q != p);
	CHECK_STR(q, "droplet!!");
	char *r = ut_realloc(q, 300000); /* into a mapping of its own */
	CHECK_STR(r, "droplet!!");
	ut_free(r);
}

TEST(aligned)
{
	for (size_t align = 8; align <= 4096; align *= 2) {
		char *p = ut_aligned_alloc(align, 100);
		CHECK(p && (uintptr_t)p % align == 0);
		CHECK(ut_malloc_usable_size(p) >= 100);
		memset(p, 2, 100);
		ut_free(p);
	}
	void *m = NULL;
	CHECK_INT(ut_posix_memalign(&m, 64, 10), 0);
	CHECK(m && (uintptr_t)m % 64 == 0);
	ut_free(m);
	CHECK_INT(ut_posix_memalign(&m, 3, 10), EINVAL);
	CHECK(ut_aligned_alloc(24, 10) == NULL);
}

int main(void)
{
	RUN(classes_and_reuse);
	RUN(large_blocks_are_mapped_alone);
	RUN(calloc_zeroes_a_reused_block);
	RUN(realloc_keeps_content);
	RUN(aligned);
	UNIT_DONE();
}
