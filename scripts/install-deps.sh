#!/usr/bin/env bash
# Installs every Debian package vmbkit needs to build, test and run.
# Works as root, uses sudo otherwise, and does nothing when everything is present.
#   scripts/install-deps.sh        what building, testing and running need
#   scripts/install-deps.sh --ci   also CI's checks: formatting, lint, the aarch64 cross-compiler
set -euo pipefail

# The Python module vmbkit: Debian's interpreter with NumPy, pybind11, pytest and h5py (its tests
# read the files the tools write with h5py, independently of vmbkit).
# libopenblas0-openmp replaces Debian's reference BLAS (through update-alternatives) under
# LibTorch: three times faster training. libdnnl-dev lets vmb-train --summary name oneDNN's ISA.
packages=(
  build-essential cmake pkg-config
  libeigen3-dev libfftw3-dev libhdf5-dev
  libtorch-dev libdnnl-dev libopenblas0-openmp libboost-program-options-dev
  libgtest-dev
  libsegyio-dev libmatio-dev libstb-dev libplplot-dev plplot-driver-cairo libxtensor-dev
  libopenmpi-dev openmpi-bin
  nlohmann-json3-dev libxxhash-dev
  python3-dev python3-numpy pybind11-dev python3-pytest python3-h5py
)
if [ "${1:-}" = "--ci" ]; then
  packages+=(clang-format clang-tidy g++-aarch64-linux-gnu)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
