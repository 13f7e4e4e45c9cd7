# kith: one Makefile for build, test, run, bench, fuzz and install.
#
#   make          build/kith (release, -O2)
#   make test     ASan+UBSan build, unit, CLI, e2e, browser and crash tests
#   make run      build and run kith serve (creates ~/.kith with demo data)
#   make bench    benchmarks (results: bench/RESULTS.md)
#   make install  build/kith -> $(PREFIX)/bin (PREFIX=/usr/local)
#
# Missing Debian packages are installed by scripts/install-deps, which the
# build runs on its own the first time (it needs root or sudo).

PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = sqlite3 jansson libcurl libmicrohttpd
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo yes)
ifneq ($(DEPS_OK),yes)
ifeq ($(filter clean format,$(MAKECMDGOALS)),)
$(info kith: installing missing build dependencies (scripts/install-deps))
DEPS_RC := $(shell scripts/install-deps >&2; echo $$?)
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo yes)
$(if $(DEPS_OK),,$(error scripts/install-deps could not install the build dependencies))
endif
endif

CSTD     = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
           -Wwrite-strings -Wpointer-arith -Wformat=2 -Wvla -Wundef \
           -Wcast-qual -fno-common
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_COMMON = $(CSTD) $(WARN) -Isrc $(PKG_CFLAGS) -MMD -MP
RELEASE  = -O2 -g -DNDEBUG -D_FORTIFY_SOURCE=2
SAN      = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

LIB_SRC  = $(wildcard src/base/*.c src/db/*.c src/crm/*.c src/llm/*.c \
             src/agent/*.c)
CLI_SRC  = $(wildcard src/cli/*.c src/http/*.c src/mcp/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
# The web UI (web/*), embedded by tools/embed.sh into a generated C file.
WEB_FILES = $(wildcard web/*)

# BUILD=dir builds elsewhere (two builds of one tree at once).
BUILD   ?= build
rel_obj  = $(patsubst %.c,$(BUILD)/rel/%.o,$(1))
san_obj  = $(patsubst %.c,$(BUILD)/san/%.o,$(1))

ASSETS_C = $(BUILD)/gen/assets.c
KITH     = $(BUILD)/kith
KITH_SAN = $(BUILD)/san/kith
UNITS    = $(patsubst tests/unit/%.c,$(BUILD)/san/unit/%,$(UNIT_SRC))
BENCH    = $(BUILD)/bench-insert
BENCH_SEARCH = $(BUILD)/bench-search
BENCH_QUERY = $(BUILD)/bench-query
BENCH_LLM = $(BUILD)/bench-llm
BENCH_AGENT = $(BUILD)/bench-agent

.PHONY: all test run install bench clean lint format fuzz
# Keep object files of pattern-rule chains (and keep "make test"'s last line
# the test summary).
.SECONDARY:
all: lint $(KITH)

# Banned functions (git's banned.h, enforced by the build).
lint:
	@! grep -nE '\b(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|gets)\(' \
	    src/*/*.c src/*/*.h || (echo "banned function used (see above)"; false)

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(RELEASE) -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN) -c $< -o $@

$(ASSETS_C): tools/embed.sh $(WEB_FILES)
	@mkdir -p $(dir $@)
	tools/embed.sh web $@

$(KITH): $(call rel_obj,$(LIB_SRC) $(CLI_SRC) src/main.c $(ASSETS_C))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

$(KITH_SAN): $(call san_obj,$(LIB_SRC) $(CLI_SRC) src/main.c $(ASSETS_C))
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/san/unit/%: $(BUILD)/san/tests/unit/%.o $(call san_obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lm

$(BENCH): $(BUILD)/rel/bench/bench_insert.o $(call rel_obj,$(LIB_SRC))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

$(BENCH_SEARCH): $(BUILD)/rel/bench/bench_search.o $(call rel_obj,$(LIB_SRC))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

$(BENCH_QUERY): $(BUILD)/rel/bench/bench_query.o $(call rel_obj,$(LIB_SRC))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

$(BENCH_LLM): $(BUILD)/rel/bench/bench_llm.o \
              $(call rel_obj,$(LIB_SRC))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

$(BENCH_AGENT): $(BUILD)/rel/bench/bench_agent.o $(call rel_obj,$(LIB_SRC))
	$(CC) $(RELEASE) -o $@ $^ $(PKG_LIBS) -lm

# Every suite; tests/run prints the closing "N passed, N failed" line.
test: lint $(KITH_SAN) $(UNITS) $(BENCH)
	KITH_BIN=$(KITH_SAN) BENCH_BIN=$(BENCH) tests/run $(UNITS)

run: $(KITH)
	$(KITH) serve

install: $(KITH)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(KITH) $(DESTDIR)$(PREFIX)/bin/kith

bench: $(KITH) $(BENCH) $(BENCH_SEARCH) $(BENCH_QUERY) $(BENCH_LLM) \
       $(BENCH_AGENT)
	bench/run

format:
	clang-format -i src/*/*.c src/*/*.h src/main.c tests/unit/*.c bench/*.c

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# libFuzzer targets (clang), one per parser of outside bytes: fuzz/fuzz_*.c.
# make fuzz runs each for FUZZ_SECONDS, growing its corpus in fuzz/corpus/.
FUZZ_SECONDS ?= 30
FUZZERS = $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS = $(CSTD) -Isrc $(PKG_CFLAGS) -g -O1 \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm
# fuzz_mcp also needs the MCP protocol, which lives with the front ends.
$(BUILD)/fuzz/fuzz_mcp: src/mcp/mcp.c

fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do \
	    mkdir -p fuzz/corpus/$$f; \
	    echo "== $$f ($(FUZZ_SECONDS) s)"; \
	    $(BUILD)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	        fuzz/corpus/$$f || exit 1; \
	done
