# The two commands a newcomer needs: `make run` and `make test`.
JOBS ?= $(shell nproc)

.PHONY: all build run test test-unit bench bootstrap clean format

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS) -- --no-print-directory
	@scripts/build-web

# Builds, fills var/ with demo data the first time, and serves on 127.0.0.1:8080.
run: build
	@scripts/run-demo

# Every test: unit, storage and API on SQLite, and the same suites on a real
# PostgreSQL that this target installs and starts (once; it stops here if that fails);
# then the storage and services suites again under ThreadSanitizer on both databases
# (scripts/tsan, its own build in build-tsan); then a minute of fuzzing of the sandbox's
# request parser and validator (scripts/fuzz, its own clang build in build-fuzz); then the
# web app's unit tests and its browser flows (scripts/test-web).
test: build
	@pg="$$(scripts/test-postgres)" && LIANTIAO_TEST_PG="$$pg" ctest --preset default -j $(JOBS) && \
	  LIANTIAO_TEST_PG="$$pg" TSAN_SUITES="storage services" scripts/tsan
	@scripts/fuzz 60
	@scripts/test-web

# Without PostgreSQL (quicker while developing).
test-unit: build
	@ctest --preset default -j $(JOBS)

bench: build
	@bench/run

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build build-debug build-tsan build-fuzz web/dist web/node_modules
