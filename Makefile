# nsxlate - see README.md.  `make run` runs the suite, `make check` the tests.
# Adding a case is adding cases/<name>.c and expected/<name>.out: both are
# found by wildcard.

CC      ?= cc
B       ?= build
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wshadow -Wno-format-truncation
ifeq ($(CI),true)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)
RUNFLAGS ?=

CASES      := $(patsubst cases/%.c,%,$(sort $(wildcard cases/*.c)))
LIB_SRC    := $(sort $(wildcard lib/*.c))
RUNNER_SRC := $(filter-out runner/main.c,$(sort $(wildcard runner/*.c)))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(B)/%.o)
RUNNER     := $(B)/runner/nsxrun
CASE_BINS  := $(CASES:%=$(B)/cases/%)
HDRS       := $(wildcard lib/*.h runner/*.h)

.PHONY: all run check unit sanitize deps clean format format-check
.DELETE_ON_ERROR:

all: $(RUNNER) $(CASE_BINS)

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib -Irunner -c $< -o $@

$(B)/lib/libnsx.a: $(LIB_OBJ)
	ar rcs $@ $^

$(RUNNER): $(B)/runner/main.o $(RUNNER_OBJ)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) -o $@

$(B)/cases/%: cases/%.c $(B)/lib/libnsx.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib $< $(B)/lib/libnsx.a $(LDFLAGS) -o $@

# The suite: KTAP on stdout, last line "N passed, N failed, N skipped".
run: all
	$(RUNNER) --cases $(B)/cases --out $(B)/out $(RUNFLAGS)

# ---- unit tests (Check) --------------------------------------------------
# On a fresh Debian 12 machine, as root, the packages are installed here.
deps:
	@if ! pkg-config --exists check 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing check and pkg-config with apt-get"; \
	    (apt-get install -y -q check pkg-config || \
	     (apt-get update -q && apt-get install -y -q check pkg-config)) >$(B)-apt.log 2>&1 || \
	     { cat $(B)-apt.log; echo "make: apt-get install check pkg-config failed"; exit 1; }; \
	  else \
	    echo "make: the unit tests need the Debian packages 'check' and 'pkg-config' (apt-get install check pkg-config)"; exit 1; \
	  fi; \
	fi

UNIT_SRC := $(sort $(wildcard lib/tests/*.c runner/tests/*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)

$(B)/lib/tests/%: lib/tests/%.c $(B)/lib/libnsx.a $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib $$(pkg-config --cflags check) $< $(B)/lib/libnsx.a \
	  $$(pkg-config --libs check) $(LDFLAGS) -o $@

$(B)/runner/tests/%: runner/tests/%.c $(RUNNER_OBJ) $(B)/lib/libnsx.a $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib -Irunner $$(pkg-config --cflags check) $< $(RUNNER_OBJ) \
	  $(B)/lib/libnsx.a $$(pkg-config --libs check) $(LDFLAGS) -o $@

unit: deps $(UNIT_BIN) $(RUNNER) $(CASE_BINS)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; NSX_BUILD=$(B) $$t; done

check: unit
	$(MAKE) --no-print-directory run

# ASan + UBSan build of lib/, runner/ and the cases, then the suite.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	$(MAKE) --no-print-directory B=build/san OPT="-O1 -g" \
	  EXTRA_CFLAGS="$(SAN)" EXTRA_LDFLAGS="$(SAN)" run

format:
	clang-format -i $(wildcard lib/*.[ch] lib/tests/*.c runner/*.[ch] runner/tests/*.c cases/*.c)

format-check:
	clang-format --dry-run -Werror $(wildcard lib/*.[ch] lib/tests/*.c runner/*.[ch] runner/tests/*.c cases/*.c)

clean:
	rm -rf build
