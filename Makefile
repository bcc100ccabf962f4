# nsxlate - see README.md.  `make run` runs the suite, `make check` the tests.
# Adding a case is adding cases/<name>.c and expected/<name>.out: both are
# found by wildcard.

CC      ?= cc
B       ?= build
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wshadow
# Messages are cut to fixed buffers on purpose; gcc warns about it, clang cannot.
WARN    += $(if $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo y),-Wno-format-truncation)
ifeq ($(CI),true)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)
RUNFLAGS ?=

CASE_NAMES := $(patsubst cases/%.c,%,$(sort $(wildcard cases/*.c)))
LIB_SRC    := $(sort $(wildcard lib/*.c))
RUNNER_SRC := $(filter-out runner/main.c,$(sort $(wildcard runner/*.c)))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(B)/%.o)
RUNNER     := $(B)/runner/nsxrun
CASE_BINS  := $(CASE_NAMES:%=$(B)/cases/%)
HDRS       := $(wildcard lib/*.h runner/*.h cases/*.h)

.PHONY: all run bless check unit sanitize deps clean format format-check
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
# A case whose source is gone must not run from a stale binary.
run: all
	@for f in $(B)/cases/*; do case " $(CASE_BINS) " in *" $$f "*) ;; \
	  *) if [ -f "$$f" ]; then echo "make: removing stale $$f"; rm -f "$$f"; fi;; esac; done
	$(RUNNER) --cases $(B)/cases --out $(B)/out $(RUNFLAGS)

# Write expected/<case>.out from clean runs of the named cases; review the diff.
bless: all
	@test -n "$(CASES)" || { echo 'make: name the cases: make bless CASES="pid_views ..."'; exit 2; }
	$(RUNNER) --cases $(B)/cases --out $(B)/out --bless $(CASES)

# ---- unit tests (Check) --------------------------------------------------
# On a fresh Debian 12 machine, as root, the packages are installed here.
# What is missing: Debian package names, found by what they install.
MISSING = $(strip $(if $(shell pkg-config --exists check 2>/dev/null && echo y),,check) \
	$(if $(shell command -v pkg-config),,pkg-config) \
	$(if $(shell command -v strace),,strace) \
	$(if $(shell command -v diff),,diffutils))
deps:
	@m="$(MISSING)"; if [ -n "$$m" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing $$m with apt-get"; mkdir -p $(B); \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$m || \
	      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$m; }; \
	    } >$(B)/apt.log 2>&1 || { tail -20 $(B)/apt.log; echo "make: apt-get install $$m failed"; exit 1; }; \
	  else \
	    echo "make: missing Debian packages: $$m (as root: apt-get install $$m)"; exit 1; \
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

# Unit tests, then --strace (the trace must carry strace's pid translation),
# then the suite, whose "N passed, N failed, N skipped" is the last line.
check: unit
	$(RUNNER) --cases $(B)/cases --out $(B)/out-strace --strace $(B)/strace pid_views >/dev/null
	@grep -q "in strace's PID NS" $(B)/strace/pid_views.strace || \
	  { echo "make: $(B)/strace/pid_views.strace has no pid translation"; exit 1; }
	@echo "strace evidence: $(B)/strace/pid_views.strace"
	$(MAKE) --no-print-directory run

# ASan + UBSan build of lib/, runner/, their unit tests and the cases; runs both.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	$(MAKE) --no-print-directory B=build/san OPT="-O1 -g" \
	  EXTRA_CFLAGS="$(SAN)" EXTRA_LDFLAGS="$(SAN)" unit run

format:
	clang-format -i $(wildcard lib/*.[ch] lib/tests/*.c runner/*.[ch] runner/tests/*.c cases/*.[ch])

format-check:
	clang-format --dry-run -Werror $(wildcard lib/*.[ch] lib/tests/*.c runner/*.[ch] runner/tests/*.c cases/*.[ch])

clean:
	rm -rf build
