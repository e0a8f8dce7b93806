# tgpipe: Unix filters that turn Telegram web-preview dumps into clean,
# deduplicated, tagged, compressed JSON Lines.
#
#   make            build the programs into bin/
#   make demo       install what is missing, build, run the pipeline on samples/
#   make check      install what is missing, build, run every test (also
#                   under ASan+UBSan); ends with "N passed, N failed"
#   make check-valgrind   the golden cases under valgrind
#   make bench      benchmarks beside jq, python3, uconv, awk and zstd
#   make fuzz FUZZ_SECONDS=N   each libFuzzer target for N seconds
#   make coverage   line coverage of filters/ from the whole suite (gcov)
#   make install PREFIX=/usr/local

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
CFLAGS	?= -O2 -g
STD	 = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror
PKGS	 = icu-uc icu-i18n libxxhash libzstd
PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))
PKG_LIBS   = $$(pkg-config --libs $(PKGS)) -lpthread

# Where a build goes: bin/ and build/ by default; the sanitizer build
# reuses these rules with O=build/asan.
O	?= build
BIN	?= bin

PROGRAMS = $(patsubst filters/%.c,%,$(wildcard filters/*.c))
LIB_SRC	 = $(wildcard filters/lib/*.c)
LIB_HDR	 = $(wildcard filters/lib/*.h)
LIB_OBJ	 = $(LIB_SRC:filters/lib/%.c=$(O)/lib/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS	 = $(UNIT_SRC:tests/unit/%.c=$(O)/unit/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOLS	 = $(TOOL_SRC:tests/tools/%.c=$(O)/tools/%)
MANS	 = $(wildcard filters/*.1)

ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=all

all: $(PROGRAMS:%=$(BIN)/%) $(UNITS) $(TOOLS)

$(O)/lib/%.o: filters/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(O)/libtg.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BIN)/%: filters/%.c $(O)/libtg.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(O)/libtg.a $(PKG_LIBS)

$(O)/unit/%: tests/unit/%.c tests/unit/unit.h $(O)/libtg.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(PKG_CFLAGS) -Ifilters/lib -o $@ $< \
	    $(O)/libtg.a $(PKG_LIBS)

$(O)/tools/%: tests/tools/%.c $(O)/libtg.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(PKG_CFLAGS) -Ifilters/lib -o $@ $< \
	    $(O)/libtg.a $(PKG_LIBS)

asan:
	$(MAKE) O=build/asan BIN=build/asan/bin CC=clang \
	    CFLAGS="$(ASAN_FLAGS)" all

deps:
	@tests/install-deps

deps-demo:
	@tests/install-deps --demo

deps-test:
	@tests/install-deps --test

demo: deps-demo all
	@pipelines/demo

check: deps-test all asan
	@TEST_CONFIGS="plain:bin:build asan:build/asan/bin:build/asan" \
	    tests/run

check-valgrind: deps-test all
	@TEST_CONFIGS="valgrind:bin:build" TEST_WRAPPER=valgrind tests/run

bench: deps-test all
	@tests/bench/run

coverage: deps-test
	@tests/coverage

FUZZ_SECONDS ?= 60
fuzz: deps-test
	@tests/fuzz/run $(FUZZ_SECONDS)

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	for p in $(PROGRAMS); do \
	    install -m 755 $(BIN)/$$p $(DESTDIR)$(PREFIX)/bin/$$p || exit; \
	done
	for m in $(MANS); do \
	    install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/ || exit; \
	done

clean:
	rm -rf bin build

.PHONY: all asan deps deps-demo deps-test demo check check-valgrind bench fuzz coverage \
	install clean
.SECONDARY:
