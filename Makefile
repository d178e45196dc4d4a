# collabtui -- build, test, benchmark, install.
#
#   make            build ./collabtui
#   make run        build and launch it on the default dataset (ARGS=options)
#   make check      every test, then again under ASan+UBSan (build-asan/),
#                   TSan, and each fuzz harness for a short while
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS each (build-fuzz/)
#   make bench      the benchmarks in bench/
#   make data       download MovieLens 100K into data/ml-100k (checksum verified)
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall
#
# Sources are found by wildcard: a new engine/*/*.c, app/*.c, cli/*.c,
# tui/*.c or tests/test_*.c is built without touching this file.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/collabtui
CC        ?= cc
PKG_CONFIG ?= pkg-config

# Where the real MovieLens copies live for the integration tests; .ci/run
# passes it explicitly.
DATASETS  ?= $(abspath ../shared/datasets)

# curses is for tui/ only: its pkg-config flags (-D_XOPEN_SOURCE=600) would
# narrow what the engine sees of POSIX.
PKGS      := openblas yaml-0.1 jansson
TUI_PKGS  := ncursesw
TEST_PKGS := criterion

# Nothing below runs pkg-config until a target needs it, so `make deps`
# can report missing packages before the compiler trips over them.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
TUI_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TUI_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) $(TUI_PKGS) 2>/dev/null)
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# -O3 so the numeric loops vectorise (gcc's -O2 cost model refuses most);
# -fno-math-errno so sqrtf can be a single instruction, since nothing reads
# errno after math calls.  No -march: the binary runs on any x86-64 and the
# hot kernels pick AVX2 at run time.
OPT       ?= -O3 -g
ALL_CFLAGS = $(CSTD) $(OPT) -fno-math-errno $(WARN) -pthread -DCOLLABTUI_VERSION='"$(VERSION)"' \
             -DCOLLABTUI_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS) $(CFLAGS)
ALL_LDLIBS = $(PKG_LIBS) -lm -pthread $(LDLIBS)

# --- layers -------------------------------------------------------------
# Folders are layers and the include path is what enforces them; arrows
# point one way:
#
#     main.c  ->  tui/, cli/  ->  app/  ->  engine/*.h
#
# engine/'s public headers sit at its root; its internals live in its
# sub-folders, on no include path but the engine's own (and the tests' and
# benchmarks', which exercise internals directly).
ENGINE_DIRS := core data models train query util
ENGINE_INC  := -Iengine $(ENGINE_DIRS:%=-Iengine/%)
# The front ends see engine/'s root only: eng.h (the API), msg.h (the
# messages it carries), history.h, synth.h, afile.h and text.h.
FRONT_ENGINE_INC := -Iengine
APP_INC     := -Iapp $(FRONT_ENGINE_INC)
CLI_INC     := -Icli $(APP_INC)
TUI_INC     := -Itui $(APP_INC)
MAIN_INC    := -Icli -Itui $(APP_INC)
TEST_INC    := -Itests -Icli -Itui -Iapp $(ENGINE_INC)

# B is the build directory: build/ normally, build-asan/ for the sanitizer run.
B         ?= build
ENGINE_SRC := $(wildcard engine/*/*.c)
APP_SRC    := $(wildcard app/*.c)
CLI_SRC    := $(wildcard cli/*.c)
TUI_SRC    := $(wildcard tui/*.c)
TEST_SRC   := $(wildcard tests/test_*.c tests/*/test_*.c)
BENCH_SRC  := $(wildcard bench/bench_*.c)
BENCH_BIN   = $(BENCH_SRC:%.c=$(B)/%)
ENGINE_OBJ  = $(ENGINE_SRC:%.c=$(B)/%.o)
APP_OBJ     = $(APP_SRC:%.c=$(B)/%.o)
CLI_OBJ     = $(CLI_SRC:%.c=$(B)/%.o)
TUI_OBJ     = $(TUI_SRC:%.c=$(B)/%.o)
TEST_OBJ    = $(TEST_SRC:%.c=$(B)/%.o)
# Every module but main(), linked into the unit tests.
FRONT_OBJ   = $(APP_OBJ) $(CLI_OBJ) $(TUI_OBJ)
BIN         = $(if $(filter build,$(B)),collabtui,$(B)/collabtui)

.PHONY: all run check test tsan-test fuzz fuzz-run bench data deps install uninstall clean

all: deps-build $(BIN)

# --- dependencies --------------------------------------------------------
# scripts/deps.sh checks pkg-config for each package and installs what is
# missing with apt-get (as root or through sudo), or prints the command.
.PHONY: deps-build deps-test
deps-build:
	@sh scripts/deps.sh build
deps-test:
	@sh scripts/deps.sh test
deps: deps-test

# --- build ----------------------------------------------------------------
$(B)/engine/%.o: engine/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ENGINE_INC) -MMD -MP -c $< -o $@

$(B)/app/%.o: app/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(APP_INC) -MMD -MP -c $< -o $@

$(B)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CLI_INC) -MMD -MP -c $< -o $@

$(B)/tui/%.o: tui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_INC) $(TUI_CFLAGS) -MMD -MP -c $< -o $@

$(B)/main.o: main.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(MAIN_INC) -MMD -MP -c $< -o $@

$(BIN): $(B)/main.o $(FRONT_OBJ) $(ENGINE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_INC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tests/run: $(TEST_OBJ) $(FRONT_OBJ) $(ENGINE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(ALL_LDLIBS)

# With no DATA and no data/ml-100k, fetch it (as `make data`); when that
# fails (offline: data/fetch-ml100k.sh gives up in seconds and says in one
# line how else to get it), open the interface on the demo set instead.
# ARGS: more options, passed through (make run ARGS='--item-key title').
run: all
ifneq ($(DATA),)
	./collabtui --data '$(DATA)' $(ARGS)
else
	@if [ -f data/ml-100k/u.data ] || { sh scripts/deps.sh data && sh data/fetch-ml100k.sh data; }; \
	then echo ./collabtui $(ARGS); ./collabtui $(ARGS); \
	else echo "./collabtui --demo $(ARGS)  # the synthetic demo set, not MovieLens"; ./collabtui --demo $(ARGS); fi
endif

# --- tests ----------------------------------------------------------------
# The suite runs twice: a normal build, then an ASan+UBSan build in
# build-asan/.  Tests find the binary and the datasets through the
# environment.  Criterion forks a process per test; -j2 matches the CI box.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check: deps-test
	$(MAKE) B=build test
	$(MAKE) B=build-asan OPT="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" test
	$(MAKE) B=build-tsan OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" tsan-test
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS)

# The fixtures are tiny invented files in MovieLens's formats, kept as
# NAME.in so that no file in the repository bears a MovieLens file name (the
# project never commits MovieLens data); a test run copies them to
# $(B)/fixtures/NAME.
FIXTURE_IN := $(shell find tests/fixtures -type f -name '*.in')
FIXTURES    = $(FIXTURE_IN:tests/fixtures/%.in=$(B)/fixtures/%)
$(B)/fixtures/%: tests/fixtures/%.in
	@mkdir -p $(dir $@)
	cp $< $@

# The benchmarks are built too (not run), so a change that breaks one
# fails here rather than at the next `make bench`.
test: $(BIN) $(B)/tests/run $(FIXTURES) $(BENCH_BIN)
	COLLABTUI_BIN=$(abspath $(BIN)) COLLABTUI_DATASETS=$(DATASETS) \
	COLLABTUI_FIXTURES=$(abspath $(B)/fixtures) \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	UBSAN_OPTIONS=print_stacktrace=1 \
	$(B)/tests/run -j2 --short-filename

# The lock-free ring and the engine thread once more, under ThreadSanitizer
# (build-tsan/).  Criterion's runner cannot start under TSan, so these test
# files are compiled against tests/tsan/'s stand-in for its macros.
# OpenBLAS keeps to one thread there: its own threads are not instrumented.
TSAN_TEST_SRC := $(filter %/test_ring.c %/test_engthread.c,$(TEST_SRC)) tests/tsan/runner.c
# The stand-in's macros expand a message-less assertion to an empty format
# and a Test() without options to a partial initializer, as Criterion's own
# do; the two warnings about exactly that are off for these files.
$(B)/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_INC) -Wno-format-zero-length -Wno-missing-field-initializers \
		-Itests/tsan -MMD -MP -c $< -o $@

$(B)/tests/run-tsan: $(TSAN_TEST_SRC:%.c=$(B)/tsan/%.o) $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

tsan-test: $(B)/tests/run-tsan $(FIXTURES)
	COLLABTUI_FIXTURES=$(abspath $(B)/fixtures) OPENBLAS_NUM_THREADS=1 \
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $(B)/tests/run-tsan

# --- fuzzing ----------------------------------------------------------------
# One libFuzzer harness per parser: tests/fuzz/fuzz_NAME.c, its hand-written
# seeds in tests/fuzz/NAME/ (tests/fuzz/fuzz.h says how an input becomes
# files).  Built with clang under ASan+UBSan in build-fuzz/; each runs for
# FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600), or FUZZ_CHECK_SECONDS under
# make check, so regressions keep being looked for.  What a run finds
# new goes to build-fuzz/fuzz/corpus/NAME (the seeds stay as written); a
# crash, a leak or a UBSan report stops it, leaves the input as
# build-fuzz/fuzz/crash-NAME-* and fails the target: make it a
# regression test in the normal suite.
FUZZ_SECONDS       ?= 60
FUZZ_CHECK_SECONDS ?= 12
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN    = $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

fuzz: deps-test
	$(MAKE) B=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" fuzz-run

# theme.h is the interface's, with curses.h: its flags too.
$(B)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_INC) $(TUI_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/%: $(B)/tests/fuzz/fuzz_%.o $(FRONT_OBJ) $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

fuzz-run: $(FUZZ_BIN)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(B)/fuzz/corpus/$$n; \
		UBSAN_OPTIONS=print_stacktrace=1 $(B)/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(B)/fuzz/crash-$$n- $(B)/fuzz/corpus/$$n tests/fuzz/$$n \
			>$(B)/fuzz/$$n.log 2>&1 || \
			{ tail -n 60 $(B)/fuzz/$$n.log; echo "fuzz $$n: FAILED (log: $(B)/fuzz/$$n.log)"; exit 1; }; \
		printf 'fuzz %-9s %3s s, %s inputs run, corpus %s\n' $$n $(FUZZ_SECONDS) \
			"$$(sed -n 's/^stat::number_of_executed_units: *//p' $(B)/fuzz/$$n.log)" \
			"$$(ls $(B)/fuzz/corpus/$$n | wc -l)"; \
	done

# --- benchmarks -----------------------------------------------------------
# Each bench/bench_NAME.c is a program of its own, linked with the engine;
# bench/run.sh runs them all into one table.  ONLY=PATTERN (a shell glob
# on the task or dataset column) runs some lines: make bench ONLY='query-*'.
bench: deps-test $(BIN) $(BENCH_BIN)
	@ONLY='$(ONLY)' sh bench/run.sh $(abspath $(BIN)) $(DATASETS) $(abspath $(B))/bench

$(B)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ibench $(ENGINE_INC) -MMD -MP -c $< -o $@

$(B)/bench/%: $(B)/bench/%.o $(ENGINE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

# --- data -----------------------------------------------------------------
data:
	@sh scripts/deps.sh data
	sh data/fetch-ml100k.sh data

# --- install --------------------------------------------------------------
# DATADIR is compiled into the modules that look for the installed config
# and themes; a stamp that changes with it rebuilds them, so that
# `make install PREFIX=/usr` never installs a binary looking in /usr/local.
$(B)/datadir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(B)/app/paths.o $(B)/tui/theme.o $(B)/tests/app/test_paths.o: $(B)/datadir.stamp
.PHONY: FORCE
FORCE:

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes
	install -m 755 collabtui $(DESTDIR)$(BINDIR)/collabtui
	# the manual names the data directory this build looks in
	sed 's|/usr/local/share/collabtui|$(DATADIR)|g' man/collabtui.1 > $(B)/collabtui.1
	install -m 644 $(B)/collabtui.1 $(DESTDIR)$(MANDIR)/man1/collabtui.1
	install -m 644 config.yaml $(DESTDIR)$(DATADIR)/config.yaml
	for f in themes/*.yaml; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/themes/; done; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/collabtui $(DESTDIR)$(MANDIR)/man1/collabtui.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-tsan build-fuzz collabtui

-include $(wildcard $(B)/*.d $(B)/*/*.d $(B)/*/*/*.d $(B)/*/*/*/*.d)
