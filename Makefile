# thidua — build, run, test.
#   make            build bin/thidua
#   make run        install missing packages, build, start the local stack (http://127.0.0.1:8080)
#   make stop       stop the local stack (and a test or scale stack left running)
#   make test       the same set-up on the test ports, then every suite (plain and ASan/UBSan)
#   make bench      measure (prints figures; never a test)
#   make fuzz       run each fuzzing harness FUZZ_SECONDS (default 60); not part of make test
#   make faults     workers killed, PostgreSQL restarted, a failing portal, under load: what was lost
#   make cluster    a primary, a streaming replica, two worker groups and nginx on this machine,
#                   for trying a failover (deploy/cluster.sh stop|status|failover|rejoin); not a test

CC      ?= gcc
PG_INC  := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
# snprintf truncation is how we bound copies on purpose, so its warning is off.
# Tables (fields, routes) are written positionally and stop at the last member
# a row needs; C makes the rest zero, so a member added at the end of a struct
# does not mean touching every row.
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wno-format-truncation \
           -Wno-missing-field-initializers
# Hardening: canaries in every function with an array or an address-taken
# local, glibc's checked copies (_FORTIFY_SOURCE needs -O1 or more: the plain
# build is -O2, the sanitizer build -O1; -U first, as some compilers predefine
# it), and relocations resolved at load then made read-only (full RELRO).
# Debian 12's gcc builds PIE by default (readelf -h: Type DYN).
HARDEN  := -fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(HARDEN) $(WARN) -Ifcgi -I$(PG_INC) -MMD -MP
LDFLAGS += -Wl,-z,relro,-z,now
# The report renderers (fcgi/report_pdf.c, fcgi/report_xlsx.c): cairo and
# pango through fontconfig for the PDF, libxlsxwriter for the workbook.
# Their headers are system headers (-isystem), so our warnings stay ours.
RENDER_PKGS := pangocairo pangofc fontconfig cairo-pdf xlsxwriter
CFLAGS  += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(RENDER_PKGS) 2>/dev/null))
LDLIBS  := -lfcgi -lpq -ljansson -lcurl -lsodium -lutf8proc -lm \
           $(or $(shell pkg-config --libs $(RENDER_PKGS) 2>/dev/null),-lpangocairo-1.0 -lpango-1.0 -lgobject-2.0 -lglib-2.0 -lfontconfig -lcairo -lxlsxwriter)
# V=1 shows full commands.
Q       := $(if $(V),,@)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC      := $(sort $(wildcard fcgi/*.c fcgi/api/*.c))
LIBSRC   := $(filter-out fcgi/main.c,$(SRC))
OBJ      := $(SRC:%.c=build/plain/%.o)
LIBOBJ   := $(LIBSRC:%.c=build/plain/%.o)
ASANOBJ  := $(SRC:%.c=build/asan/%.o)
ASANLIB  := $(LIBSRC:%.c=build/asan/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/plain/tests/%) $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
API_LIB  := tests/api/client.c
API_SRC  := $(sort $(wildcard tests/api/test_*.c))
API_BIN  := $(API_SRC:tests/api/%.c=build/asan/api/%)
SCALE_SRC := $(sort $(wildcard tests/scale/test_*.c))
SCALE_BIN := $(SCALE_SRC:tests/scale/%.c=build/asan/scale/%)

.PHONY: all asan tests deps run stop test bench fuzz faults cluster clean install
all: bin/thidua

bin/thidua: $(OBJ)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/plain/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

asan: build/asan/thidua
build/asan/thidua: $(ASANOBJ)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: each file one module, linked against the module objects.
build/plain/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS) -lcmocka
build/asan/tests/%: tests/unit/%.c $(ASANLIB)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -o $@ $< $(ASANLIB) $(LDLIBS) -lcmocka

# API tests: real HTTP through nginx with libcurl, real PostgreSQL through libpq.
build/asan/api/%: tests/api/%.c $(API_LIB) $(wildcard tests/api/*.h)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -Itests/api -o $@ $< $(API_LIB) $(LDLIBS) -lcmocka

# Scale-out tests (tests/scale/): the same client, against the stack `scale`.
build/asan/scale/%: tests/scale/%.c $(API_LIB) $(wildcard tests/api/*.h)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -Itests/api -o $@ $< $(API_LIB) $(LDLIBS) -lcmocka

# Fuzzing (tests/fuzz/README.md): `make fuzz` builds each harness with clang
# and libFuzzer and runs it FUZZ_SECONDS on its corpus; `make test` replays
# the corpus through the same harnesses built by gcc under ASan/UBSan.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_LIB     := $(LIBSRC:%.c=build/fuzz/%.o)
FUZZ_BIN     := $(FUZZ_NAMES:%=build/fuzz/bin/%)
REPLAY_BIN   := $(FUZZ_NAMES:%=build/asan/fuzz/%)
FUZZ_FLAGS    = $(CFLAGS) -O1 -Wno-unknown-warning-option $(SAN)

build/fuzz/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CLANG $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BIN): build/fuzz/bin/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  CLANG $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LDLIBS)
$(REPLAY_BIN): build/asan/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(ASANLIB)
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -o $@ $< tests/fuzz/replay.c $(ASANLIB) $(LDLIBS)

fuzz: export THIDUA_WITH_FUZZ = 1
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

tests: all asan $(UNIT_BIN) $(API_BIN) $(SCALE_BIN) $(REPLAY_BIN) build/plain/tools/minfcgi build/plain/tools/standin

# The stand-in provincial portal (tests and the local demo).
build/plain/tools/standin: tests/portal/standin.c
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< -ljansson -lsodium

build/plain/tools/minfcgi: tests/bench/minfcgi.c
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lfcgi

deps:
	@deploy/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all build/plain/tools/standin
	@deploy/stack.sh start dev

# The production topology (deploy/README-production.md section 11) on one
# machine: var/cluster/, ports 24080 (nginx), 24432-24433 (PostgreSQL),
# 24090-24091 (the worker groups). Stop it with deploy/cluster.sh stop.
cluster: deps
	@$(MAKE) --no-print-directory all
	@deploy/cluster.sh start

stop:
	@deploy/stack.sh stop dev
	@deploy/stack.sh stop test
	@deploy/stack.sh stop scale

# The browser tests need Chromium and chromedriver: deps installs them for `make test`.
test: export THIDUA_WITH_BROWSER = 1
test: deps
	@$(MAKE) --no-print-directory tests
	@tests/run.sh

# Platform (health vs static vs minimal FastCGI, idle memory), the staff
# import beside psql \copy, then the scorecard at 300 / 30 000 / 1 000 000 staff
# (BENCH_SIZES), then the same reads from a streaming replica against the
# primary and one worker group against two behind one upstream (ratios).
bench: deps
	@$(MAKE) --no-print-directory tests
	@tests/bench/platform.sh
	@tests/bench/import.sh
	@tests/bench/run.sh
	@tests/bench/scaleout.sh
	@tests/bench/reports.sh

# Faults under load (tests/faults/run.sh): writes through nginx while workers
# are killed and PostgreSQL restarts, then a burst of publications to a portal
# that fails and goes down. Prints figures; fails if anything was lost or sent twice.
faults: deps
	@$(MAKE) --no-print-directory all build/plain/tools/standin build/plain/tools/faultload
	@tests/faults/run.sh
	@tests/faults/reports.sh

build/plain/tools/faultload: tests/faults/faultload.c
	@mkdir -p $(@D)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lcurl -ljansson

install: all
	install -D -m 0755 bin/thidua $(DESTDIR)/usr/local/bin/thidua
	install -d $(DESTDIR)/usr/local/share/thidua
	cp -r sql nginx $(DESTDIR)/usr/local/share/thidua/

clean:
	rm -rf build bin

-include $(OBJ:.o=.d) $(ASANOBJ:.o=.d) $(API_BIN:=.d) $(SCALE_BIN:=.d) $(FUZZ_LIB:.o=.d) $(FUZZ_BIN:=.d) $(REPLAY_BIN:=.d)
