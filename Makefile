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

.PHONY: deps configure build demo test sanitize bench clean

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

bench: build
	$(BUILD)/benchmarks/bench_solver

clean:
	rm -rf $(BUILD) build-sanitize
