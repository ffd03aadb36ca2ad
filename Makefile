# mamori: two commands on a fresh Debian 12 machine, as root:
#   make demo   installs what is missing, builds, runs the main job and serves the sample town (DEMO_SERVE=0: no server)
#   make test   installs what is missing, builds, runs every test
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
JOBS    ?= 2
PREFIX  ?= /usr/local
SEEDS   ?= ../shared/seeds
PKGS    := $(shell grep -v '^\#' deps/debian-packages.txt | grep -v '^$$')
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps build demo test test-asan fuzz bench install clean

# Installs only the packages that are missing, so a prepared machine pays nothing.
# A package whose command is already on the PATH counts as present: a machine
# with NodeSource's nodejs has npm inside it, and Debian's npm would conflict.
deps:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || command -v $$p >/dev/null || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "== installing: $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "E-SETUP-001: root が必要です (sudo make ...)。不足: $$missing" >&2; exit 2; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Ends by serving the sample town on 127.0.0.1:8080 until Ctrl-C;
# `make demo DEMO_SERVE=0` stops before serving.
DEMO_SERVE ?= 1
demo: build
	@DEMO_SERVE=$(DEMO_SERVE) ./scripts/demo.sh $(BUILD)/mamori $(SEEDS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer; leaks a
# library keeps on purpose are listed, with why, in tests/lsan.supp.
test-asan: deps
	cmake -S . -B $(ASAN) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DMAMORI_SANITIZE=ON
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer over every reader of outside input, for a bounded time each
# (FUZZ_SECONDS, default 30): the 例規 reader, the decide request contract,
# the pack loader, the CSV and xlsx register readers, the ledger export
# reader, the ledger's test for rows already canonical, and the 年度 parser. Crash inputs go
# to $(FUZZ)/artifacts/, not the repository root; a hang (an input over
# 10 s) counts as a crash too. Inputs that once crashed
# (tests/*/data/fuzz-crashes/<target>/) are read first, as regression seeds.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = fuzz_reiki_parse fuzz_decide_request fuzz_pack_load fuzz_csv fuzz_xlsx fuzz_export_reader fuzz_canonical fuzz_fiscal_year
FUZZ_RUN = -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ)/artifacts/
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ) $(CMAKE_FLAGS) -DMAMORI_FUZZ=ON
	cmake --build $(FUZZ) -j $(JOBS) --target $(FUZZ_TARGETS)
	mkdir -p $(FUZZ)/artifacts $(addprefix $(FUZZ)/corpus-,reiki decide pack csv xlsx export canonical fiscal_year)
	cp $(SEEDS)/*.txt $(FUZZ)/corpus-reiki/
	cp fuzz/seeds/decide_request/*.json $(FUZZ)/corpus-decide/
	cp fuzz/seeds/pack/* $(FUZZ)/corpus-pack/
	cp fuzz/seeds/csv/* $(FUZZ)/corpus-csv/
	cp fuzz/seeds/xlsx/* $(FUZZ)/corpus-xlsx/
	cp fuzz/seeds/export/* $(FUZZ)/corpus-export/
	cp fuzz/seeds/canonical/* $(FUZZ)/corpus-canonical/
	cp fuzz/seeds/fiscal_year/* $(FUZZ)/corpus-fiscal_year/
	$(FUZZ)/fuzz_reiki_parse $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-reiki $(wildcard tests/reiki/data/fuzz-crashes)
	$(FUZZ)/fuzz_decide_request $(FUZZ_RUN) -max_len=70000 -dict=fuzz/decide_request.dict \
	  $(FUZZ)/corpus-decide $(wildcard tests/engine/data/fuzz-crashes)
	$(FUZZ)/fuzz_pack_load $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-pack $(wildcard tests/policy/data/fuzz-crashes)
	$(FUZZ)/fuzz_csv $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-csv $(wildcard tests/registry_io/data/fuzz-crashes/csv)
	$(FUZZ)/fuzz_xlsx $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-xlsx $(wildcard tests/registry_io/data/fuzz-crashes/xlsx)
	$(FUZZ)/fuzz_export_reader $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-export $(wildcard tests/ledger/data/fuzz-crashes)
	$(FUZZ)/fuzz_canonical $(FUZZ_RUN) -max_len=65536 $(FUZZ)/corpus-canonical
	$(FUZZ)/fuzz_fiscal_year $(FUZZ_RUN) -max_len=64 $(FUZZ)/corpus-fiscal_year

# The command, the five packs and the docs under $(PREFIX): bin/mamori,
# share/mamori/packs/, share/doc/mamori/ (DESTDIR= stages them for a package).
# Configured for $(PREFIX) first, because the command looks for the packs by
# name (`mamori init --pack yasuda`) where they are installed.
install: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j $(JOBS) --target mamori
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

bench: build
	$(BUILD)/mamori_bench --benchmark_counters_tabular=true
	bench/cedar/run.sh $(BUILD)
	bench/http/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
