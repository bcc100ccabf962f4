# nsxlate - see README.md.  `make run` runs the suite, `make check` the tests.
# Adding a case is adding cases/<name>.c and expected/<name>.out: both are
# found by wildcard.  A case named <name>-musl (cases/<name>-musl.c, which
# includes cases/<name>.c) is built with musl-gcc, or as a stub that skips
# saying why when musl-gcc is not there.

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
DEPFLAGS = -MMD -MP
LDFLAGS += $(EXTRA_LDFLAGS)
RUNFLAGS ?=

MUSL_SRC   := $(sort $(wildcard cases/*-musl.c))
CASE_NAMES := $(patsubst cases/%.c,%,$(filter-out $(MUSL_SRC),$(sort $(wildcard cases/*.c))))
LIB_SRC    := $(sort $(wildcard lib/*.c))
RUNNER_SRC := $(filter-out runner/main.c,$(sort $(wildcard runner/*.c)))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(B)/%.o)
RUNNER     := $(B)/runner/nsxrun
CASE_BINS  := $(CASE_NAMES:%=$(B)/cases/%) $(MUSL_SRC:cases/%.c=$(B)/cases/%)
HDRS       := $(wildcard lib/*.h runner/*.h cases/*.h)
SHIM       := $(B)/lib/nsx-getpid-cache.so

.PHONY: lava lava-check deb all run bless check check-installed unit sanitize deps clean format format-check vm vm-deps \
	mutants lint bench bench-smoke install install-check docs docs-check checked-on evidence evidence-check \
	pid-exports review review-check help fuzz fuzz-check
.DEFAULT_GOAL := all
# Header and #include dependencies, as the compiler found them (-MMD); they
# come before `all`, hence the default goal above.  The kernel trees make
# mutants and make vm build under $(B) are left out: walking them cost a
# second of every make run.
-include $(shell find $(B) \( -path '$(B)/vm' -o -path '$(B)/mutants*' -o -path '$(B)/review' \) -prune -o -name '*.d' -type f -print 2>/dev/null)
.DELETE_ON_ERROR:

all: $(RUNNER) $(CASE_BINS) $(SHIM)

help:
	@echo 'make run              the suite on this kernel (make run RUNFLAGS="--help" for the runner)'
	@echo 'make check            unit tests, docs checks, the suite: what CI runs first'
	@echo 'make bless CASES=...  write golden files from clean runs; review the diff'
	@echo 'make sanitize         ASan + UBSan build of lib, runner, cases; runs them'
	@echo 'make vm KERNEL=6.1|6.12|7.2|7.3|<bzImage>, or KSRC=<tree>   the suite in a guest'
	@echo 'make mutants          the kernel mutants (MUTANT_BASES, MUTANTS, MUTANT_SITES=1)'
	@echo 'make review KSRC=<tree> SERIES=<A..B | mbox | directory>   review a patch series'
	@echo 'make evidence         the evidence bundle of this kernel'
	@echo 'make docs             the generated catalogues (docs-check: they are current)'
	@echo 'make checked-on       docs/ktap/ from the last make vm runs, and the docs'
	@echo 'make pid-exports KSRC=<tree>   every pid helper call of a tree against the map'
	@echo 'make fuzz SECONDS=N SEED=S [KERNEL=...]   random worlds against the model of the laws'
	@echo 'make bench            the nesting-cost benchmark'
	@echo 'make install          a kselftest-style tree (INSTALL_PATH)'
	@echo 'make lava KERNEL=...  the suite as a LAVA job; make deb: the Debian package'
	@echo 'make lint, format, format-check, clean'

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -Ilib -Irunner -c $< -o $@

$(B)/lib/libnsx.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(RUNNER): $(B)/runner/main.o $(RUNNER_OBJ)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) -o $@

$(B)/cases/%: cases/%.c $(B)/lib/libnsx.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -Ilib $< $(B)/lib/libnsx.a $(LDFLAGS) -o $@

# The pre-2.25 glibc getpid() cache, for libc_id_cache_shim (never sanitized:
# it is preloaded).
$(SHIM): lib/shim/getpid_cache.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -fPIC -shared $< -ldl -o $@

# ---- musl: lib/ again with musl-gcc (no sanitizers: musl has none) -------
MUSL_CC   ?= musl-gcc
HAVE_MUSL := $(shell command -v $(MUSL_CC) 2>/dev/null)
MUSL_INC  := $(B)/musl/include
MUSL_CFLAGS := $(CSTD) $(WARN) -O2 -g -isystem $(MUSL_INC)
# musl-gcc sees no kernel headers: give it Debian's.
$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(MUSL_INC)/asm
	@touch $@
$(B)/musl/lib/%.o: lib/%.c $(HDRS) $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -Ilib -c $< -o $@
$(B)/musl/lib/libnsx.a: $(LIB_SRC:%.c=$(B)/musl/%.o)
	rm -f $@ && ar rcs $@ $^
# Which of the two rules built the musl cases: rebuild when that changes.
MUSL_STATE := $(B)/musl/state-$(if $(HAVE_MUSL),musl,none)
$(MUSL_STATE):
	@mkdir -p $(dir $@) && rm -f $(B)/musl/state-* && touch $@
ifneq ($(HAVE_MUSL),)
$(B)/cases/%-musl: cases/%-musl.c cases/%.c $(B)/musl/lib/libnsx.a $(HDRS) $(MUSL_STATE)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) $(DEPFLAGS) -Ilib -Icases $< $(B)/musl/lib/libnsx.a -o $@
else
$(B)/cases/%-musl: cases/%-musl.c lib/stub/skip.c $(MUSL_STATE)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -DNSX_SKIP_REASON='"$(MUSL_CC) not found: apt-get install musl-tools"' \
	  lib/stub/skip.c -o $@
endif

# The suite: KTAP on stdout, last line "N passed, N failed, N skipped".
# A case whose source is gone must not run from a stale binary.
run: all
	@for f in $(B)/cases/*; do case "$$f" in *.*) continue;; esac; \
	  case " $(CASE_BINS) " in *" $$f "*) ;; \
	  *) if [ -f "$$f" ]; then echo "make: removing stale $$f"; rm -f "$$f"; fi;; esac; done
	$(RUNNER) --cases $(B)/cases --out $(B)/out $(RUNFLAGS)

# Write expected/<case>.out from clean runs of the named cases; review the diff.
bless: all
	@test -n "$(CASES)" || { echo 'make: name the cases: make bless CASES="pid_views ..."'; exit 2; }
	$(RUNNER) --cases $(B)/cases --out $(B)/out --bless $(CASES)

# ---- unit tests (Check) --------------------------------------------------
# On a fresh Debian 12 machine, as root, the packages are installed here.
# What is missing: Debian package names, found by what they install.
# Debian packages as "package=test that it is there" (tools/need-packages.sh
# installs what is missing as root, or names it in one line otherwise).
NEED     := tools/need-packages.sh
DEPS     := check='pkg-config --exists check' pkg-config='command -v pkg-config' \
	libxml2-dev='pkg-config --exists libxml-2.0' gnuplot-nox='command -v gnuplot' \
	strace='command -v strace' musl-tools='command -v musl-gcc' diffutils='command -v diff' \
	linux-source-6.1='test -f /usr/src/linux-source-6.1.tar.xz' python3='command -v python3'
deps:
	@$(NEED) make $(B)/apt.log $(DEPS)

UNIT_SRC := $(sort $(wildcard lib/tests/*.c runner/tests/*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)

$(B)/lib/tests/%: lib/tests/%.c $(B)/lib/libnsx.a $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib $$(pkg-config --cflags check) $< $(B)/lib/libnsx.a \
	  $$(pkg-config --libs check) $(LDFLAGS) -o $@

$(B)/runner/tests/%: runner/tests/%.c $(RUNNER_OBJ) $(B)/lib/libnsx.a $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib -Irunner $$(pkg-config --cflags check libxml-2.0) $< $(RUNNER_OBJ) \
	  $(B)/lib/libnsx.a $$(pkg-config --libs check libxml-2.0) $(LDFLAGS) -o $@

# The kernel's KTAP parser, for tools/report-check.sh: kunit.py wants to be
# at tools/testing/kunit in a tree.
KUNIT := $(B)/kunit/tools/testing/kunit
$(KUNIT)/kunit.py: | deps
	@rm -rf $(B)/kunit.tmp && mkdir -p $(B)/kunit.tmp
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(B)/kunit.tmp --strip-components=1 \
	  linux-source-6.1/tools/testing/kunit
	rm -rf $(B)/kunit && mv $(B)/kunit.tmp $(B)/kunit

unit: deps $(UNIT_BIN) $(RUNNER) $(CASE_BINS)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; NSX_BUILD=$(B) $$t; done

# Unit tests, then --strace (the trace must carry strace's pid translation),
# then the suite, whose "N passed, N failed, N skipped" is the last line.
# The packages first, then a new make that sees them (musl-gcc, Check).
check: deps
	$(MAKE) --no-print-directory check-installed

check-installed: unit bench-smoke install-check docs-check evidence-check $(KUNIT)/kunit.py
	$(RUNNER) --cases $(B)/cases --out $(B)/out-strace --strace $(B)/strace pid_views >/dev/null
	@grep -q "in strace's PID NS" $(B)/strace/pid_views.strace || \
	  { echo "make: $(B)/strace/pid_views.strace has no pid translation"; exit 1; }
	@echo "strace evidence: $(B)/strace/pid_views.strace"
	tools/bare-check.sh $(B)/cases
	tools/report-check.sh $(RUNNER) $(KUNIT)
	tools/leftover-check.sh $(RUNNER)
	tools/numbers-check.sh $(RUNNER)
	B=$(B) tools/add-case-check.sh
	vm/test.sh
	$(MAKE) --no-print-directory lava-check review-check fuzz-check
	tools/loop-race-check.sh $(B)/cases/ext4_journal_task $(LOOP_STEAL)
	$(MAKE) --no-print-directory run

# ext4_journal_task against a loop-device user that takes each free device
# first (tools/loop-race-check.sh; the taker, preloaded: tools/loop-steal.c).
LOOP_STEAL := $(B)/tools/loop-steal.so
check-installed: $(LOOP_STEAL)
$(LOOP_STEAL): tools/loop-steal.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -fPIC -shared $< -ldl -o $@

# ASan + UBSan build of lib/, runner/, their unit tests and the cases; runs both.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize: deps
	$(MAKE) --no-print-directory B=build/san OPT="-O1 -g" \
	  EXTRA_CFLAGS="$(SAN)" EXTRA_LDFLAGS="$(SAN)" unit run

# ---- other kernels: vm/README.md ---------------------------------------------
# make vm KERNEL=6.1|6.12|<bzImage>, or make vm KSRC=<kernel tree>; ARGS go to
# the guest's runner.  Packages first, then a new make that sees musl-gcc.
VM_DEPS := qemu-system-x86='command -v qemu-system-x86_64' busybox-static='test -x /bin/busybox' \
	cpio='command -v cpio' musl-tools='command -v musl-gcc' util-linux='command -v setpriv' \
	diffutils='command -v diff' binutils='command -v readelf' xz-utils='command -v xz' \
	e2fsprogs='PATH=$$PATH:/sbin:/usr/sbin command -v mkfs.ext4'
KSRC_DEPS := make='command -v make' gcc='command -v gcc' flex='command -v flex' \
	bison='command -v bison' bc='command -v bc' libelf-dev='test -f /usr/include/libelf.h'
vm: vm-deps
	$(MAKE) --no-print-directory all
	B=$(B) KERNEL='$(KERNEL)' KSRC='$(KSRC)' ARGS="$$NSX_ARGS" vm/run.sh
vm: export NSX_ARGS = $(ARGS)
vm-deps:
	@$(NEED) "make vm" $(B)/apt.log $(VM_DEPS) $(if $(KSRC),$(KSRC_DEPS))

# ---- the semantics reference: docs/semantics.md, generated ------------------
docs: all
	B=$(B) docs/generate.sh
	docs/pid-exports.sh --write
# After make vm KERNEL=... (each run's KTAP report) and, as root, a pass on
# the running kernel: the record docs/semantics.md's kernels come from.
checked-on: all
	B=$(B) tools/record-ktap.sh --machine
	B=$(B) docs/generate.sh
# Every call of the pid helpers in a kernel tree, against the map: make
# pid-exports KSRC=/path/to/linux (Debian's linux-source-6.1, -6.12, -7.2 and -7.3 are
# accounted for in full).
pid-exports:
	@test -n "$(KSRC)" || { echo 'make: name a kernel tree: make pid-exports KSRC=/path/to/linux'; exit 2; }
	docs/scan-exports.sh "$(KSRC)" $(if $(LIST),--list)
docs-check: all
	@B=$(B) docs/generate.sh --check
	@docs/pid-exports.sh --check
	@mutants/docs.sh --check
	@tools/words-check.sh
	@echo "docs/semantics.md, docs/cases.md, docs/findings.md, the coverage figure of docs/pid-exports.md and the list of docs/mutants.md are up to date; every case header names the tasks and namespaces its lines print"

# ---- the evidence bundle for a patch review: tools/evidence.sh -------------
evidence: all
	tools/evidence.sh $(B)
# make check: the bundle is made, holds no absolute path, and is reproducible.
evidence-check: all
	B=$(B) tools/evidence-check.sh

# ---- a patch series under review: review/README.md -------------------------
# make review KSRC=<kernel tree> SERIES=<A..B | mbox | directory of patches>
REVIEW_DEPS := git='command -v git' coccinelle='command -v spatch' python3='command -v python3'
review: all
	@$(NEED) "make review" $(B)/apt.log $(VM_DEPS) $(KSRC_DEPS) $(REVIEW_DEPS)
	B=$(B) KSRC='$(KSRC)' SERIES='$(SERIES)' review/review.sh
# make check: its parts on a tiny synthetic series (no kernel built).
review-check: all
	@$(NEED) "make review-check" $(B)/apt.log $(REVIEW_DEPS)
	review/test.sh $(B)

# ---- random worlds against a model of the laws: fuzz/README.md --------------
# make fuzz SECONDS=N SEED=S, here or under another kernel (KERNEL= as make vm).
FUZZ := $(B)/fuzz/nsxfuzz
SECONDS ?= 10
SEED ?= 1
$(FUZZ): fuzz/fuzz.c fuzz/world.c fuzz/model.c fuzz/fuzz.h fuzz/world.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) fuzz/fuzz.c fuzz/world.c fuzz/model.c $(LDFLAGS) -o $@
fuzz: $(FUZZ)
ifeq ($(KERNEL),)
	$(FUZZ) --seconds $(SECONDS) --seed $(SEED)
else
	@$(NEED) "make fuzz" $(B)/apt.log $(VM_DEPS)
	$(MAKE) --no-print-directory all
	B=$(B) KERNEL='$(KERNEL)' VM_TIMEOUT=$$((2 * $(SECONDS) + 120)) \
	  VM_APPEND="nsx.test=fuzz nsx.fuzz_seconds=$(SECONDS) nsx.fuzz_seed=$(SEED)" vm/run.sh
endif
# make check: the shrinker on a deliberate model error, and a short run.
fuzz-check: $(FUZZ)
	fuzz/test.sh $(FUZZ)

# ---- a kselftest-style install for test labs: kselftest/README.md ----------
INSTALL_PATH ?= $(B)/install
install: all
	B=$(B) kselftest/install.sh '$(INSTALL_PATH)'
# Install to a temporary directory, move it, run it from there.
install-check: all
	B=$(B) kselftest/install.sh --check

# ---- the nesting-cost benchmark: bench/README.md -----------------------------
BENCH := $(B)/bench/nsbench $(B)/bench/tiny
$(B)/bench/nsbench: bench/nsbench.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 $< -o $@
$(B)/bench/tiny: bench/tiny.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -static $< -o $@
bench: $(BENCH)
	@$(NEED) "make bench" $(B)/apt.log gnuplot-nox='command -v gnuplot'
	$(B)/bench/nsbench --tiny $(B)/bench/tiny >$(B)/bench/results.txt
	bench/report.sh $(B)/bench/results.txt $(B)/bench
	@cat $(B)/bench/table.md
	@echo "bench: $(B)/bench/table.md, $(B)/bench/nesting-cost.png and .svg"
# One second, every operation at depths 0 and 2: make check keeps it from rotting.
bench-smoke: $(BENCH)
	bench/smoke.sh $(B)/bench/nsbench $(B)/bench/tiny $(B)/bench/smoke.txt

# ---- kernel mutants: mutants/README.md --------------------------------------
# make mutants, or make mutants MUTANTS="signal-ancestor-si-pid ..." for some;
# MUTANT_BASES="6.1" for the linux-source-6.1 base alone (what CI runs);
# MUTANT_SCOPE=suite boots each mutant with the whole suite instead of the
# cases that pin its rows (mutants/README.md).  MUTANT_SITES=1
# adds a mutant at every translation call site (mutants/sites/README.md; a
# base built once before; MUTANT_SITES_MAX=N runs the first N reached,
# MUTANT_SITES_ONLY='<regular expression>' those whose names match).
MUTANT_BASES ?= 6.1 6.12 7.2
MUTANT_SCOPE ?= expected
MUTANT_SITES ?= 0
SITES_DEPS := $(if $(filter 1,$(MUTANT_SITES)),coccinelle='command -v spatch')
mutants:
	@$(NEED) "make mutants" $(B)/apt.log $(VM_DEPS) $(KSRC_DEPS) python3='command -v python3' \
	  linux-source-6.1='test -f /usr/src/linux-source-6.1.tar.xz' \
	  linux-source-6.12='test -f /usr/src/linux-source-6.12.tar.xz' $(SITES_DEPS)
	$(MAKE) --no-print-directory all
	B=$(B) MUTANT_BASES="$(MUTANT_BASES)" MUTANT_SCOPE="$(MUTANT_SCOPE)" \
	  MUTANT_SITES="$(MUTANT_SITES)" MUTANT_SITES_MAX="$(MUTANT_SITES_MAX)" \
	  MUTANT_SITES_ONLY='$(MUTANT_SITES_ONLY)' mutants/run.sh $(MUTANTS)

FORMAT_SRC := $(wildcard lib/*.[ch] lib/tests/*.c runner/*.[ch] runner/tests/*.c cases/*.[ch] bench/*.c fuzz/*.[ch])
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

# ---- a LAVA job, run standalone: lava/README.md -------------------------------
# make lava KERNEL=6.1|6.12|7.2|7.3|<bzImage> (root): the suite as a LAVA job
# under lava-run, its results read back as "N passed, N failed, N skipped".
lava: vm-deps
	@$(NEED) "make lava" $(B)/apt.log lava-dispatcher='command -v lava-run' cpio='command -v cpio'
	$(MAKE) --no-print-directory all
	B=$(B) KERNEL='$(KERNEL)' lava/run.sh
# make check: the rendered job validates (lava-run --validate), where
# lava-dispatcher is installed (make lava installs it).
lava-check: all
	@if command -v lava-run >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  B=$(B) KERNEL=6.1 LAVA_VALIDATE_ONLY=1 lava/run.sh; \
	else echo "lava-check: not run: needs lava-run (apt-get install lava-dispatcher, or make lava) and root"; fi

# ---- the Debian package: debian/README.source ---------------------------------
# Built from a copy of the tracked files, lintian clean, and (as root)
# autopkgtest with the null runner: installs it, runs the installed suite,
# removes it (tools/deb-check.sh).  The .deb and logs: $(B)/deb.
deb:
	@$(NEED) "make deb" $(B)/apt.log debhelper='command -v dh' dpkg-dev='command -v dpkg-buildpackage' \
	  lintian='command -v lintian' autopkgtest='command -v autopkgtest' musl-tools='command -v musl-gcc'
	tools/deb-check.sh $(B)/deb

# shellcheck on every shell script, clean at its default severity (tools/lint.sh)
lint:
	@$(NEED) "make lint" $(B)/apt.log shellcheck='command -v shellcheck'
	tools/lint.sh

clean:
	rm -rf build
