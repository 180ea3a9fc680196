"""Side-by-side speed of swiftfacemesh and MediaPipe 0.10.14's legacy FaceMesh in one Python process.

Both run in video mode (one face, tracked) on the frames of the synthetic video (Tests/Fixtures/Video), decoded by
its fixture's decode_command. Per frame the two `process()` calls alternate (which one goes first alternates too),
so machine load hits both alike; the first frames (detection) are left out, the rest are tracked frames. Reports
medians, and the call overhead of swiftfacemesh over its engine: the Python side of `process()` (input checks,
result building, one ctypes call; each timed alone) plus the one frame copy inside the C call (timed as a numpy
copy of the same size). As a cross-check, the median of `process()` minus the median of the bare C call
(`facemesh_process` through ctypes with prepared arguments) is printed too; on a busy machine it is noisy.

Needs a venv with mediapipe==0.10.14, numpy<2 and the swiftfacemesh wheel (Python/README.md, "Speed"):
    Tools/.venv-python-bench/bin/python Tools/python_speed.py [--passes 5] [--threads 1]
"""

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VIDEO_REFERENCE = ROOT / "Tests/Fixtures/Video/synthetic_portrait_mediapipe_mesh.json"


def frames():
    reference = json.loads(VIDEO_REFERENCE.read_text())
    raw = subprocess.run(reference["decode_command"].split(), cwd=ROOT, check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, reference["height"], reference["width"], 3).copy()


def timed(function, argument):
    start = time.perf_counter_ns()
    function(argument)
    return (time.perf_counter_ns() - start) / 1e6


def compare(video, refine, passes, threads):
    import mediapipe as mp
    import swiftfacemesh

    ours = swiftfacemesh.FaceMesh(max_num_faces=1, refine_landmarks=refine, threads=threads)
    theirs = mp.solutions.face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=refine)
    times = {"swiftfacemesh": [], "mediapipe": [], "bare C call": []}
    # The bare C call, with its arguments prepared once (the part of process() that is not Python).
    engine, result, call = ours._engine, ours._result_reference, ours._process
    height, width = video.shape[1:3]

    def bare(frame):
        call(engine, frame.ctypes.data, width, height, 3 * width, float("nan"), result)

    for frame in video[:3]:
        ours.process(frame)
        theirs.process(frame)
    for repetition in range(passes):
        for index, frame in enumerate(video):
            order = [("swiftfacemesh", ours.process), ("mediapipe", theirs.process)]
            if (index + repetition) % 2:
                order.reverse()
            for name, function in order:
                times[name].append(timed(function, frame))
    # process() against the bare C call, alternating without MediaPipe in between (it would evict the caches).
    times["process() alone"] = []
    for repetition in range(passes):
        for index, frame in enumerate(video):
            order = [("process() alone", ours.process), ("bare C call", bare)]
            if (index + repetition) % 2:
                order.reverse()
            for name, function in order:
                times[name].append(timed(function, frame))
    # The Python side of process() on its own: input checks, result building, a ctypes call.
    from swiftfacemesh import _native, face_mesh
    frame = video[-1]
    ours.process(frame)
    parts = {
        "checks": lambda _: face_mesh._check_image(frame),
        "results": lambda _: ours._collect(),
        "ctypes call": lambda _: _native.library.facemesh_abi_version(),
    }
    for name, function in parts.items():
        times[name] = [timed(function, None) for _ in range(2000)]
    ours.close()
    theirs.close()
    return {name: statistics.median(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5, help="passes over the 90 frames")
    parser.add_argument("--threads", type=int, default=1, help="swiftfacemesh threads (MediaPipe's legacy API has 1)")
    arguments = parser.parse_args()
    import mediapipe
    import swiftfacemesh
    video = frames()
    copy_target = np.empty_like(video[0])
    copy_ms = statistics.median(timed(lambda frame: np.copyto(copy_target, frame), frame) for frame in video)
    print(f"mediapipe {mediapipe.__version__}, numpy {np.__version__}, swiftfacemesh {swiftfacemesh.__version__} "
          f"({Path(swiftfacemesh.__file__).parent}), {video.shape[0]} frames {video.shape[2]}x{video.shape[1]}, "
          f"{arguments.passes} passes, load average before {os.getloadavg()[0]:.2f}")
    for refine in (False, True):
        medians = compare(video, refine, arguments.passes, arguments.threads)
        wrapper = medians["checks"] + medians["results"] + medians["ctypes call"]
        print(f"refine_landmarks={refine}: median per tracked frame: swiftfacemesh {medians['swiftfacemesh']:.2f} ms, "
              f"MediaPipe {medians['mediapipe']:.2f} ms ({medians['mediapipe'] / medians['swiftfacemesh']:.2f}x); "
              f"overhead over the engine: Python wrapper {1000 * wrapper:.0f} us + frame copy {1000 * copy_ms:.0f} us "
              f"= {wrapper + copy_ms:.3f} ms (process() minus the bare C call, medians: "
              f"{1000 * (medians['process() alone'] - medians['bare C call']):.0f} us); "
              f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
