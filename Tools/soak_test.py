#!/usr/bin/env python3
"""Soak test: feeds a long synthetic video through `facemesh video -` (tracking, smoothing) and samples the
process's resident memory every 1,000 frames. Passes when memory after warm-up grows by less than 1 MiB.

The frames are the 90 frames of Tests/Fixtures/Video/synthetic_portrait.mp4 (decoded once with ffmpeg) played
forwards and backwards in a loop, so the face keeps moving smoothly. Standard library only; needs ffmpeg and a
release build of the command (built on demand).

    python3 Tools/soak_test.py [--frames 10000] [--model attention] [--smoothing one-euro]
    python3 Tools/soak_test.py --ci      # CI-sized: 1,500 frames, a sample every 150, the debug build that
                                         # `swift test` made; also fails when a frame has no face

The long run is the README's figure (10,000 frames); the CI-sized run is part of .ci/run.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIDEO = os.path.join(ROOT, "Tests/Fixtures/Video/synthetic_portrait.mp4")
WIDTH, HEIGHT = 400, 480
FRAME_BYTES = WIDTH * HEIGHT * 3


def decode_frames():
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", VIDEO, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    frames = [raw[i:i + FRAME_BYTES] for i in range(0, len(raw), FRAME_BYTES)]
    return frames + frames[-2:0:-1]  # forwards then backwards: no jump at the loop point


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000, help="sample memory every N frames")
    parser.add_argument("--model", default="attention", choices=["mesh", "attention", "cascade"])
    parser.add_argument("--smoothing", default="one-euro", choices=["none", "one-euro", "velocity"])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/facemesh"))
    parser.add_argument("--limit-kib", type=int, default=1024, help="allowed growth after warm-up")
    parser.add_argument("--ci", action="store_true",
                        help="CI-sized run: 1,500 frames, sample every 150, .build/debug/facemesh unless --binary, "
                             "every frame must have a face")
    args = parser.parse_args()
    if args.ci:
        args.frames, args.every = 1_500, 150
        if args.binary == parser.get_default("binary"):
            args.binary = os.path.join(ROOT, ".build/debug/facemesh")
        if not os.path.exists(args.binary):
            print(f"FAIL: {args.binary} not found (run `swift build` or `swift test` first)")
            return 1

    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "facemesh"], cwd=ROOT, check=True)
    frames = decode_frames()
    command = [args.binary, "video", "-", "--size", f"{WIDTH}x{HEIGHT}", "--fps", "30",
               "--model", args.model, "--smoothing", args.smoothing]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def feed():
        try:
            for index in range(args.frames):
                child.stdin.write(frames[index % len(frames)])
            child.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    samples = []
    faces_missing = 0
    started = time.monotonic()
    count = 0
    for count, line in enumerate(child.stdout, start=1):
        if b'"faces":[]' in line:
            faces_missing += 1
        if count % args.every == 0:
            samples.append((count, resident_kib(child.pid), time.monotonic() - started))
            print(f"frame {count:6d}: resident {samples[-1][1] / 1024:8.2f} MiB   {samples[-1][2]:7.1f} s", flush=True)
    child.wait()
    writer.join()
    if child.returncode != 0:
        print(child.stderr.read().decode(errors="replace"), file=sys.stderr)
        print(f"FAIL: facemesh exited with {child.returncode}")
        return 1
    if len(samples) < 3:
        print("FAIL: too few samples; use more frames")
        return 1
    if count != args.frames:
        print(f"FAIL: {count} output lines for {args.frames} frames")
        return 1
    warm = samples[1][1]
    growth = max(kib for _, kib, _ in samples[1:]) - warm
    seconds = samples[-1][2]
    print(f"{samples[-1][0]} frames in {seconds:.1f} s ({samples[-1][0] / seconds:.1f} fps), frames without a face: "
          f"{faces_missing}")
    print(f"resident memory after warm-up (frame {samples[1][0]}): {warm / 1024:.2f} MiB; "
          f"largest growth since: {growth} KiB (limit {args.limit_kib} KiB)")
    if growth >= args.limit_kib:
        print("FAIL: memory grows")
        return 1
    if args.ci and faces_missing:
        print(f"FAIL: the face was lost on {faces_missing} frames")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
