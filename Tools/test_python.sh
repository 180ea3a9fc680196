#!/bin/sh
# Builds the swiftfacemesh wheel, installs it into a fresh venv and runs the Python tests there (Python/tests),
# after checking that the installed library loads nothing from the Swift toolchain (ldd and LD_DEBUG=libs).
#     Tools/test_python.sh                    (numpy of the day)
#     PYTHON_TEST_NUMPY='numpy<2' Tools/test_python.sh
# Needs: what Tools/build_python_wheel.sh needs, python3 with venv, ffmpeg (video test), PyPI or a pip cache
# (pytest, Pillow, numpy). The equality tests also build the `facemesh` command (release).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
Tools/build_python_wheel.sh
swift build -c release --product facemesh
command="$(swift build -c release --show-bin-path)/facemesh"
wheel=$(ls Tools/.cache/wheel/swiftfacemesh-*.whl)

venv=Tools/.venv-python-test
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "$wheel" pytest pillow "${PYTHON_TEST_NUMPY:-numpy}"

unset LD_LIBRARY_PATH
toolchain_lib="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib"
installed=$("$venv/bin/python" -c 'import swiftfacemesh, pathlib; print(pathlib.Path(swiftfacemesh.__file__).parent)')
case "$installed" in "$root/Python"*) echo "test_python: imported the source tree, not the wheel" >&2; exit 1;; esac
echo "installed: $installed"
if ldd "$installed/lib/libFaceMeshC.so" | grep -F "$toolchain_lib"; then
    echo "test_python: the bundled library resolves libraries from the toolchain ($toolchain_lib)" >&2; exit 1
fi
loaded=$(LD_DEBUG=libs "$venv/bin/python" -c 'import swiftfacemesh; swiftfacemesh.FaceMesh().close()' 2>&1 \
    | sed -n 's/.*calling init: //p')
if echo "$loaded" | grep -F "$toolchain_lib"; then
    echo "test_python: the process loaded libraries from the toolchain ($toolchain_lib)" >&2; exit 1
fi
echo "ldd and LD_DEBUG=libs: nothing from $toolchain_lib; $(echo "$loaded" | grep -c "$installed/lib") libraries from the wheel"

# Run from outside the source tree so that `import swiftfacemesh` can only find the installed wheel.
cd "$root/Python/tests"
FACEMESH_COMMAND="$command" "$root/$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/Python/tests" "$@"
echo "test_python: $(($(date +%s) - start)) s"
