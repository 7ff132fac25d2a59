# Two entry points for a fresh Debian 12 machine:
#   make demo   installs dependencies, builds, runs the main job (vmb-pipeline, quick preset)
#   make test   installs dependencies, builds, runs the whole test suite
# make demo PRESET=tiny RUN=/tmp/run   the same job on the tiny preset in a scratch folder (CI)
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PRESET ?= quick
RUN ?= runs/$(PRESET)
SANITIZE_NETWORK ?= OFF

.PHONY: deps ci-deps configure build demo test sanitize bench format format-check lint cross-aarch64 install-check clean

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/pipelines/vmb-pipeline --preset $(PRESET) --run.folder $(RUN)
	@echo "report: $(RUN)/report.html"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The suites of modeling, io and datagen (with SANITIZE_NETWORK=ON also network's and the
# pipeline's, as CI runs it) under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMB_SANITIZE=address,undefined \
	  -DVMB_BUILD_NETWORK=$(SANITIZE_NETWORK) -DVMB_BUILD_BENCHMARKS=OFF -DVMB_BUILD_EXAMPLES=OFF
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS)

# CI's checks beyond the tests (their tools: scripts/install-deps.sh --ci).
ci-deps:
	bash scripts/install-deps.sh --ci

SOURCES = $(shell git ls-files '*.cpp' '*.hpp')

# Formats the tree with .clang-format; format-check fails on any file that differs.
format: ci-deps
	clang-format -i $(SOURCES)

format-check: ci-deps
	clang-format --dry-run --Werror $(SOURCES)

# The .clang-tidy naming checks over the libraries and tools (network's sources included), errors
# on any violation; uses the build's compile_commands.json.
lint: ci-deps build
	git ls-files 'modeling/*.cpp' 'io/*.cpp' 'datagen/*.cpp' 'network/*.cpp' 'pipelines/*.cpp' | \
	  xargs -P $(JOBS) -n 4 clang-tidy -quiet -p $(BUILD) \
	  --checks='-*,readability-identifier-naming' --warnings-as-errors='*'

# vmb::modeling built for 64-bit Arm with Debian's cross-compiler: the portable kernel path.
cross-aarch64: ci-deps
	cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
	  -DVMB_NATIVE=OFF -DVMB_MODELING_ONLY=ON
	cmake --build build-aarch64 -j $(JOBS)

# Installs into a scratch prefix, then builds and runs a project outside the tree against it.
install-check: build
	rm -rf $(BUILD)/install-check
	cmake --install $(BUILD) --prefix $(BUILD)/install-check/prefix
	cmake -S tests/install/consumer -B $(BUILD)/install-check/consumer \
	  -DCMAKE_PREFIX_PATH=$(abspath $(BUILD))/install-check/prefix
	cmake --build $(BUILD)/install-check/consumer
	$(BUILD)/install-check/consumer/one_shot
	if [ -n "$$(ls $(BUILD)/install-check/prefix/lib/python3*/*-packages/vmbkit* 2>/dev/null)" ]; then \
	  cd /tmp && PYTHONPATH="$$(echo $(abspath $(BUILD))/install-check/prefix/lib/python3*/*-packages)" \
	  /usr/bin/python3 -c 'import vmbkit; print("installed vmbkit", vmbkit.__version__, vmbkit.__file__)'; fi

bench: build
	$(BUILD)/benchmarks/bench_solver
	$(BUILD)/benchmarks/bench_fwi

clean:
	rm -rf $(BUILD) build-sanitize build-aarch64
