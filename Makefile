# Droplet: one static musl binary.
#   make            bin/droplet (static, musl, stripped)
#   make test       unit tests (ASan+UBSan) + fuzz smoke + bats suites
#   make unit       unit tests only
#   make asan       glibc build with AddressSanitizer+UBSan (bin/droplet-asan)
#   make fuzz       libFuzzer targets (build/fuzz/*)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
CC_MUSL ?= musl-gcc
CC_ASAN ?= gcc
CLANG ?= clang
FUZZ_SECONDS ?= 60

SRCS := $(sort $(wildcard *.c))
LIB_SRCS := $(filter-out droplet.c alloc.c,$(SRCS))
HDRS := $(wildcard *.h)
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
DEFS := -D_GNU_SOURCE
KINC := build/kinc

CFLAGS_MUSL := -std=gnu11 -Os $(WARN) $(HARDEN) $(DEFS) -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -idirafter $(KINC)
LDFLAGS_MUSL := -static -s -Wl,--gc-sections
CFLAGS_ASAN := -std=gnu11 -O1 -g $(WARN) $(DEFS) -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

MUSL_OBJS := $(patsubst %.c,build/musl/%.o,$(SRCS))
ASAN_LIB_OBJS := $(patsubst %.c,build/asan/%.o,$(LIB_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/%,$(UNIT_SRCS))
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))

all: bin/droplet

$(KINC):
	@mkdir -p $(KINC)
	@ln -sfn /usr/include/linux $(KINC)/linux
	@ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(KINC)/asm
	@ln -sfn /usr/include/asm-generic $(KINC)/asm-generic

build/musl/%.o: %.c $(HDRS) Makefile | $(KINC)
	@mkdir -p build/musl
	@echo "  CC      $<"
	@$(CC_MUSL) $(CFLAGS_MUSL) -c $< -o $@

bin/droplet: $(MUSL_OBJS)
	@mkdir -p bin
	$(CC_MUSL) $(CFLAGS_MUSL) $(LDFLAGS_MUSL) $^ -o $@

build/asan/%.o: %.c $(HDRS)
	@mkdir -p build/asan
	@echo "  CC-ASAN $<"
	@$(CC_ASAN) $(CFLAGS_ASAN) -c $< -o $@

build/asan/libdroplet.a: $(ASAN_LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

build/asan/test_%: tests/unit/test_%.c tests/unit/unit.h build/asan/libdroplet.a alloc.c
	@echo "  LD-ASAN $@"
	@$(CC_ASAN) $(CFLAGS_ASAN) -iquote . $< build/asan/libdroplet.a -o $@

bin/droplet-asan: build/asan/droplet.o build/asan/libdroplet.a
	@mkdir -p bin
	$(CC_ASAN) $(CFLAGS_ASAN) $^ -o $@

asan: bin/droplet-asan $(UNIT_BINS)

# Static helper programs for the bats suites: the probe run inside test
# containers, the console-socket receiver, and drivers for net and rootfs.
TEST_CFLAGS := -std=gnu11 -Os -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation $(DEFS) -idirafter $(KINC) -iquote . -static -s
TEST_BINS := bin/probe bin/console_recv bin/net_driver bin/rootfs_driver
bin/probe bin/console_recv: bin/%: tests/%.c | $(KINC)
	@mkdir -p bin
	@echo "  CC      $@"
	@$(CC_MUSL) $(TEST_CFLAGS) $< -o $@
bin/net_driver: tests/net_driver.c net.c common.c $(HDRS) | $(KINC)
	@echo "  CC      $@"
	@$(CC_MUSL) $(TEST_CFLAGS) tests/net_driver.c net.c common.c -o $@
bin/rootfs_driver: tests/rootfs_driver.c $(filter-out droplet.c,$(SRCS)) $(HDRS) | $(KINC)
	@echo "  CC      $@"
	@$(CC_MUSL) $(TEST_CFLAGS) -ffunction-sections -Wl,--gc-sections tests/rootfs_driver.c $(LIB_SRCS) -o $@

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p build/fuzz
	$(CLANG) -std=gnu11 -g -O1 $(DEFS) -iquote . -fsanitize=fuzzer,address,undefined $< $(LIB_SRCS) -o $@

fuzz: $(FUZZ_BINS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "# $$t"; $$t; done

fuzz-run: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build/corpus/$$n; \
	  echo "# $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 build/corpus/$$n fuzz/seeds 2>build/fuzz/$$n.log \
	  || { tail -40 build/fuzz/$$n.log; exit 1; }; tail -1 build/fuzz/$$n.log; done

bats: bin/droplet $(TEST_BINS)
	bats tests/

# cgroup v2 for real: a throw-away qemu VM with all controllers (tests/vm/run.sh)
vmtest: bin/droplet bin/probe
	tests/vm/run.sh tests/cgroup.bats tests/devices.bats tests/initramfs.bats

demo: bin/droplet
	tools/demo.sh

test: format-check unit fuzz-run bats vmtest

format-check:
	clang-format --dry-run --Werror $(SRCS) $(HDRS) tests/unit/*.c tests/unit/*.h tests/*.c fuzz/*.c bench/*.c

install: bin/droplet
	install -D -m 0755 bin/droplet $(DESTDIR)$(PREFIX)/bin/droplet

clean:
	rm -rf build bin

.PHONY: all asan fuzz fuzz-run unit bats vmtest demo test install clean format-check
