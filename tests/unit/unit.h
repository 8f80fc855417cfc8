/* unit.h: a minimal unit-test harness. Each test file defines tests with
 * TEST(name) and lists them in main via RUN(name). The last line printed is
 * "N passed, N failed". */
#ifndef DROPLET_UNIT_H
#define DROPLET_UNIT_H
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

static int unit_failed_checks;
static int unit_passed, unit_failed;

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                     \
			unit_failed_checks++;                                                                          \
		}                                                                                                      \
	} while (0)
#define CHECK_STR(a, b)                                                                                                \
	do {                                                                                                           \
		const char *a_ = (a), *b_ = (b);                                                                       \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                               \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)",         \
			        b_ ? b_ : "(null)");                                                                   \
			unit_failed_checks++;                                                                          \
		}                                                                                                      \
	} while (0)
#define CHECK_INT(a, b)                                                                                                \
	do {                                                                                                           \
		long long a_ = (long long)(a), b_ = (long long)(b);                                                    \
		if (a_ != b_) {                                                                                        \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_);       \
			unit_failed_checks++;                                                                          \
		}                                                                                                      \
	} while (0)

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                                                      \
	do {                                                                                                           \
		int before_ = unit_failed_checks;                                                                      \
		test_##name();                                                                                         \
		if (unit_failed_checks == before_) {                                                                   \
			unit_passed++;                                                                                 \
			printf("ok - %s\n", #name);                                                                    \
		} else {                                                                                               \
			unit_failed++;                                                                                 \
			printf("not ok - %s\n", #name);                                                                \
		}                                                                                                      \
	} while (0)
#define UNIT_DONE()                                                                                                    \
	do {                                                                                                           \
		printf("%d passed, %d failed\n", unit_passed, unit_failed);                                            \
		return unit_failed ? 1 : 0;                                                                            \
	} while (0)
#endif
