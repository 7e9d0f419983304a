# carelog — build, run, test, fuzz, bench.
#   make run     install missing packages, build, migrate, serve on :8080
#   make test    install what tests need, build with sanitizers, run every layer
#   make fuzz    run each libFuzzer target for FUZZ_SECONDS
#   make bench   figures: wrk throughput/latency and whole-stack RSS
#   make format  C and JS in the project's style (make lint checks it)
VERSION  := 0.1.0
BUILD    ?= release
PORT     ?= 8080
DATA_DIR ?= var

ifeq ($(BUILD),asan)
OUT       := build/asan
# float-cast-overflow is not part of "undefined" in gcc or clang: a double
# from JSON cast to an integer out of range is UB we want caught.
# --coverage: the same run that checks the sanitizers counts the lines it
# ran (.gcda files beside the objects), so `make test` can hold a floor.
MODEFLAGS := -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
             -fno-sanitize-recover=all --coverage
MODELINK  := -fsanitize=address,undefined,float-cast-overflow --coverage
else ifeq ($(BUILD),fuzz)
CC        := clang
OUT       := build/fuzz
MODEFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow \
             -fno-omit-frame-pointer -fno-sanitize-recover=all
MODELINK  := -fsanitize=fuzzer,address,undefined,float-cast-overflow
else
OUT       := build
MODEFLAGS := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
MODELINK  := -pie -Wl,-z,relro,-z,now
endif

CC      ?= cc
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
           -Wpedantic -Wshadow -Wformat=2 -Wno-format-nonliteral -Icgi-bin/lib -Icgi-bin \
           -DCARELOG_VERSION='"$(VERSION)"' $(MODEFLAGS) $(EXTRA_CFLAGS)
# --as-needed: a program only keeps the libraries it really calls (RSS).
LDLIBS  := -Wl,--as-needed -lfcgi -lsqlite3 -lcjson -lsodium -lcrypto -lcurl -lcbor -lz -lpthread -lm

# FastCGI programs (cgi-bin/<name>.c) and command-line programs (cmd/<name>.c).
PROGRAMS := $(patsubst cgi-bin/%.c,%,$(wildcard cgi-bin/*.c))
COMMANDS := carelogctl carelog-push

# The library, by part: framework/ (runner, dispatcher, requests, access,
# sessions, validation), data/ (database, migrations, entry catalogue, audit,
# time zones), security/, push/, util/.
LIB_HDR  := $(wildcard cgi-bin/lib/*/*.h)
LIB_SRC  := $(wildcard cgi-bin/lib/*/*.c)
# Every program carries the SQL migrations and the entry catalogue.
LIB_OBJ  := $(LIB_SRC:cgi-bin/lib/%.c=$(OUT)/obj/lib/%.o) $(OUT)/obj/gen/migrations.o \
            $(OUT)/obj/gen/catalogue.o
LIB      := $(OUT)/libcarelog.a
BINS     := $(PROGRAMS:%=$(OUT)/bin/%) $(COMMANDS:%=$(OUT)/bin/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/fuzz/%)
# Helper programs the shell tests and benches drive (tests/tools/*.c).
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS    := $(TOOL_SRC:tests/tools/%.c=$(OUT)/tests/tools/%)

.PHONY: all programs units fuzzers run test coverage fuzz bench bench-pwa deps clean format lint www \
        www-vendor install install-files deb
all: programs
programs: $(BINS)
units: $(UNITS) $(TOOLS)
fuzzers: $(FUZZERS)

$(OUT)/gen/migrations.c: $(sort $(wildcard sql/*.sql)) tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh migrations $(sort $(wildcard sql/*.sql)) > $@
$(OUT)/gen/openapi.c: cgi-bin/openapi.json tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh blob openapi_json $< > $@
$(OUT)/gen/catalogue.c: catalogue/entries.json tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh blob catalogue_json $< > $@

$(OUT)/obj/gen/%.o: $(OUT)/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(CFLAGS) -c $< -o $@
$(OUT)/obj/lib/%.o: cgi-bin/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(CFLAGS) -c $< -o $@
$(OUT)/obj/%.o: cgi-bin/%.c $(LIB_HDR) $(wildcard cgi-bin/*.h)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(CFLAGS) -c $< -o $@
$(OUT)/obj/cmd/%.o: cmd/%.c $(LIB_HDR) $(wildcard cgi-bin/*.h) $(wildcard cmd/*.h)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(CFLAGS) -c $< -o $@
$(LIB): $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(OUT)/bin/meta: $(OUT)/obj/meta.o $(OUT)/obj/gen/openapi.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(MODELINK) $^ $(LDLIBS) -o $@
# carelogctl's backups live in files of their own (cmd/backup.c, cmd/tar.c).
CTL_OBJ := $(OUT)/obj/cmd/backup.o $(OUT)/obj/cmd/tar.o
$(OUT)/bin/carelogctl: $(OUT)/obj/cmd/carelogctl.o $(CTL_OBJ) $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(MODELINK) $^ $(LDLIBS) -o $@
$(OUT)/bin/%: $(OUT)/obj/%.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(MODELINK) $^ $(LDLIBS) -o $@
$(OUT)/bin/%: $(OUT)/obj/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(MODELINK) $^ $(LDLIBS) -o $@
$(OUT)/tests/%: tests/unit/%.c tests/unit/tap.h $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(CFLAGS) -Itests/unit $(MODELINK) $< $(LIB) $(LDLIBS) -o $@
$(OUT)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(CFLAGS) $(MODELINK) $< $(LIB) $(LDLIBS) -o $@

# The handler fuzzer links every program (built without its main) and drives
# their route tables through the real dispatcher.
$(OUT)/obj/nomain/%.o: cgi-bin/%.c $(LIB_HDR) $(wildcard cgi-bin/*.h)
	@mkdir -p $(@D)
	@echo "  CC  $< (no main)"; $(CC) $(CFLAGS) -DCARELOG_NO_MAIN -c $< -o $@
$(OUT)/fuzz/fuzz_handlers: tests/fuzz/fuzz_handlers.c $(wildcard tests/fuzz/*.h) \
		$(PROGRAMS:%=$(OUT)/obj/nomain/%.o) $(OUT)/obj/gen/openapi.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(CFLAGS) -DCARELOG_PROGRAM_LIST='$(foreach p,$(PROGRAMS),X($(p)))' \
		$(MODELINK) $(filter-out %.h,$^) $(LDLIBS) -o $@
$(OUT)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(CFLAGS) $(MODELINK) $< $(LIB) $(LDLIBS) -o $@

# ---- the PWA: runtime npm packages copied for the browser, precache list ----
# No bundler: the browser loads ES modules from www/; packages from npm are
# copied into www/vendor (git-ignored), the entry catalogue becomes the module
# www/js/catalogue.js (git-ignored), and the service worker's precache list
# and version are generated from the files in www/.
# lit-html: its ES module build, only the files the app imports (each keeps
# its relative imports, so the layout under www/vendor/lit-html is npm's).
LIT_HTML   := lit-html.js directive.js directive-helpers.js directives/repeat.js
# uqr: the console's QR codes of access links (its ES module build, no
# dependencies), as www/vendor/uqr.js.
WWW_VENDOR := www/vendor/idb.js $(LIT_HTML:%=www/vendor/lit-html/%) www/vendor/uqr.js
www-vendor: $(WWW_VENDOR)
# idb without its comment lines (a third of its gzip size; it has no licence
# header): every browser downloads the shell.
www/vendor/idb.js: node_modules/.package-lock.json
	@mkdir -p $(@D)
	sed -e '/^[[:space:]]*\/\//d' node_modules/idb/build/index.js > $@
www/vendor/uqr.js: node_modules/.package-lock.json
	@mkdir -p $(@D)
	cp node_modules/uqr/dist/index.mjs $@
www/vendor/lit-html/%.js: node_modules/.package-lock.json
	@mkdir -p $(@D)
	cp node_modules/lit-html/$*.js $@
# npm writes node_modules/.package-lock.json on every install (package files
# keep their published dates, so they cannot tell how fresh an install is).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
www/js/catalogue.js: catalogue/entries.json tools/catalogue-js.mjs
	@node tools/catalogue-js.mjs
www: www-vendor www/js/catalogue.js
	@node tools/precache.mjs

# ---- the two commands ----
run: deps
	@$(MAKE) --no-print-directory www
	@$(MAKE) --no-print-directory programs
	@DATA_DIR=$(DATA_DIR) build/bin/carelogctl setup
	@echo "carelog on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)$${REPLICA_URL:+, replicated to $$REPLICA_URL}"
	@PORT=$(PORT) DATA_DIR=$(DATA_DIR) exec sh conf/serve.sh

# The whole suite from zeroed coverage counters: C's in build/asan, the
# app's (node and the browser pages, V8) in build/coverage/v8. The run ends
# with tests/coverage-floor.sh, which fails below the floors it sets.
COVERAGE_V8 := $(CURDIR)/build/coverage/v8
test: deps
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory www
	@# Objects from before the sanitizer build counted coverage: built anew.
	@[ ! -d build/asan/obj ] || [ -n "$$(find build/asan/obj -name '*.gcno' -print -quit)" ] || \
		rm -rf build/asan
	@$(MAKE) --no-print-directory BUILD=asan programs units
	@$(MAKE) --no-print-directory BUILD=fuzz fuzzers
	@find build/asan -name '*.gcda' -delete
	@rm -rf $(COVERAGE_V8) && mkdir -p $(COVERAGE_V8)
	@NODE_V8_COVERAGE=$(COVERAGE_V8) sh tests/run-all.sh

# `make test`, then per-file line coverage of C (cgi-bin/, cmd/) and of
# www/js, with HTML under build/coverage/ (c/index.html, js/index.html).
coverage:
	@$(MAKE) --no-print-directory test; rc=$$?; sh tools/coverage.sh list; \
		echo "HTML: build/coverage/c/index.html build/coverage/js/index.html"; exit $$rc

# ---- the rest ----
deps:
	@sh tools/deps.sh run

FUZZ_SECONDS ?= 20
fuzz:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=fuzz fuzzers
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps
	@sh tools/deps.sh bench
	@$(MAKE) --no-print-directory programs
	@sh tools/bench.sh
	@$(MAKE) --no-print-directory bench-pwa

# App-shell size (gzip) and cold/warm load to a usable home screen in
# headless Chromium with 4x CPU throttling.
bench-pwa:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory www
	@$(MAKE) --no-print-directory programs
	@node tools/bench-pwa.mjs

# One style: clang-format (.clang-format) for the C sources, Biome (biome.json)
# for the JS of www/ and tests/. tests/t0010-lint.sh checks both (make lint).
C_STYLE_SRC := $(sort $(shell find cgi-bin cmd tests/unit tests/fuzz tests/tools -name '*.[ch]'))
format: node_modules/.package-lock.json
	clang-format -i $(C_STYLE_SRC)
	node_modules/.bin/biome format --write
lint: node_modules/.package-lock.json
	@sh tests/run-all.sh tests/t0010-lint.sh

# ---- install: GNU conventions (PREFIX, DESTDIR and the usual directories) ----
# bin/carelogctl (a wrapper reading the service's carelog.env), lib/carelog/
# (the FastCGI programs, carelog-push, carelogctl, Litestream), share/carelog/
# (www/, the conf/ helpers with conf/layout.sh naming this layout),
# etc/carelog/ (lighttpd.conf, carelog.env) and the systemd units. The SQL
# migrations and the catalogue are compiled into the programs.
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
DATAROOTDIR  ?= $(PREFIX)/share
SYSCONFDIR   ?= $(PREFIX)/etc
DOCDIR       ?= $(DATAROOTDIR)/doc/carelog
UNITDIR      ?= $(LIBDIR)/systemd/system
CARELOG_DATA ?= /var/lib/carelog
PKGLIBDIR    := $(LIBDIR)/carelog
PKGDATADIR   := $(DATAROOTDIR)/carelog
LITESTREAM_BIN := node_modules/@flydotio/litestream-linux-x64/litestream
UNITS_SYSTEMD  := carelog.service carelog-push.service carelog-push.timer carelog-backup.service \
                  carelog-backup.timer
CONF_HELPERS   := env.sh paths.sh routes.sh serve.sh litestream.sh tls.conf
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@PKGLIBDIR@|$(PKGLIBDIR)|g' \
            -e 's|@PKGDATADIR@|$(PKGDATADIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
            -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@DATA_DIR@|$(CARELOG_DATA)|g'
install: programs www
	@$(MAKE) --no-print-directory install-files
# What is built, copied (make install builds first; tests install a build).
install-files:
	@test -f www/sw.js || { echo "install: run make www first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(PKGDATADIR)/conf \
	    $(DESTDIR)$(PKGDATADIR)/www $(DESTDIR)$(SYSCONFDIR)/carelog $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(DOCDIR)
	install -m 0755 $(PROGRAMS:%=$(OUT)/bin/%) $(COMMANDS:%=$(OUT)/bin/%) $(DESTDIR)$(PKGLIBDIR)/
	if [ -x $(LITESTREAM_BIN) ]; then install -m 0755 $(LITESTREAM_BIN) $(DESTDIR)$(PKGLIBDIR)/litestream; fi
	$(SUBST) conf/carelogctl.in > $(DESTDIR)$(BINDIR)/carelogctl
	chmod 0755 $(DESTDIR)$(BINDIR)/carelogctl
	cp -R www/. $(DESTDIR)$(PKGDATADIR)/www/
	chmod -R u=rwX,go=rX $(DESTDIR)$(PKGDATADIR)/www
	install -m 0644 $(CONF_HELPERS:%=conf/%) $(DESTDIR)$(PKGDATADIR)/conf/
	chmod 0755 $(DESTDIR)$(PKGDATADIR)/conf/env.sh $(DESTDIR)$(PKGDATADIR)/conf/routes.sh \
	    $(DESTDIR)$(PKGDATADIR)/conf/serve.sh $(DESTDIR)$(PKGDATADIR)/conf/litestream.sh
	{ echo '# layout.sh — written by make install: where this installation keeps things.'; \
	  echo ': "$${CARELOG_BIN:=$(PKGLIBDIR)}"'; \
	  echo ': "$${CARELOG_WWW:=$(PKGDATADIR)/www}"'; \
	  echo ': "$${DATA_DIR:=$(CARELOG_DATA)}"'; \
	  echo ': "$${LITESTREAM:=$(PKGLIBDIR)/litestream}"'; \
	  echo ': "$${LIGHTTPD_CONF:=$(SYSCONFDIR)/carelog/lighttpd.conf}"'; \
	  echo 'CARELOG_PROGRAMS="$(PROGRAMS)"'; } > $(DESTDIR)$(PKGDATADIR)/conf/layout.sh
	sed -e 's|include_shell "sh conf/|include_shell "sh $(PKGDATADIR)/conf/|' \
	    -e '1i # Installed by make install for the system layout ($(PKGDATADIR)).' \
	    lighttpd.conf > $(DESTDIR)$(SYSCONFDIR)/carelog/lighttpd.conf
	if [ -n "$(DESTDIR)" ] || [ ! -e $(SYSCONFDIR)/carelog/carelog.env ]; then \
	    $(SUBST) conf/carelog.env > $(DESTDIR)$(SYSCONFDIR)/carelog/carelog.env; fi
	for u in $(UNITS_SYSTEMD); do $(SUBST) conf/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/carelog/* $(UNITS_SYSTEMD:%=$(DESTDIR)$(UNITDIR)/%)
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	if [ -f docs/SCALING.md ]; then install -m 0644 docs/SCALING.md $(DESTDIR)$(DOCDIR)/; fi

# A Debian package of the release build: build/carelog_VERSION_ARCH.deb.
deb: programs www
	@sh tools/deb.sh build

clean:
	rm -rf build
.SECONDARY:
