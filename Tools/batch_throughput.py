#!/usr/bin/env python3
"""Throughput and memory of `facemesh batch` on the fixture photos (standard library only).

1. Photos per second and CPU time per photo with --jobs 1 and --jobs 2 (and more with --jobs-list), in alternating rounds over the 8 fixture
   photos of Tests/Fixtures/Images repeated to --inputs names (symbolic links, so every path is distinct). The rate is
   the command's own summary (photos after the engines are loaded / seconds); the load average before each run is
   printed beside it, because on a shared machine another guest's work slows every run down.
2. Resident memory over --memory-inputs inputs (default 10,000) with --jobs 2: VmRSS of the process sampled every
   500 output lines; flat means the last sample is within a few MiB of the one after the first 1,000 photos.

Usage: Tools/batch_throughput.py [--inputs 240] [--rounds 3] [--memory-inputs 10000] [--binary PATH] [--json]
Builds `facemesh` in release mode unless --binary is given.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "Images")
RATE = re.compile(r"([0-9.]+) photos/s")


def fixture_photos():
    photos = []
    for directory, _, names in os.walk(FIXTURES):
        photos += [os.path.join(directory, name) for name in names if name.lower().endswith((".jpg", ".png"))]
    return sorted(photos)


def make_inputs(directory, count):
    """`count` distinct names linking to the fixture photos in turn."""
    os.makedirs(directory, exist_ok=True)
    photos = fixture_photos()
    for index in range(count):
        source = photos[index % len(photos)]
        os.symlink(source, os.path.join(directory, "p%06d-%s" % (index, os.path.basename(source))))


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "facemesh"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_path, "facemesh")


def timed_run(binary, directory, jobs, photos):
    """(photos/s from the command's summary, CPU milliseconds per photo, load average before the run)."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([binary, "batch", directory, "--jobs", str(jobs)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = result.stderr.strip().splitlines()[-1]
    return float(RATE.search(summary).group(1)), 1000 * cpu_seconds / photos, load


def resident_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_run(binary, directory, jobs, every=500):
    """(photos done, VmRSS MiB) samples while the batch writes its lines to a pipe we read."""
    process = subprocess.Popen([binary, "batch", directory, "--jobs", str(jobs)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    samples, lines = [], 0
    for _ in process.stdout:
        lines += 1
        resident = resident_kib(process.pid) if lines % every == 0 else 0
        if resident:  # 0 once the process has exited
            samples.append((lines, round(resident / 1024, 1)))
    _, errors = process.communicate()
    if process.returncode != 0:
        raise SystemExit("facemesh batch failed: " + errors.decode())
    return samples, errors.decode().strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=240, help="inputs per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each --jobs value")
    parser.add_argument("--jobs-list", default="1,2", help="comma-separated --jobs values to time")
    parser.add_argument("--memory-inputs", type=int, default=10000, help="inputs of the memory run (0: skip)")
    parser.add_argument("--binary", help="facemesh binary (default: build release)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    arguments = parser.parse_args()
    binary = arguments.binary or build()
    jobs_list = [int(value) for value in arguments.jobs_list.split(",")]
    report = {"cores": os.cpu_count(), "inputs": arguments.inputs, "photos": len(fixture_photos())}
    with tempfile.TemporaryDirectory(prefix="facemesh-throughput-") as work:
        directory = os.path.join(work, "photos")
        make_inputs(directory, max(arguments.inputs, arguments.memory_inputs))
        small = os.path.join(work, "small")
        make_inputs(small, arguments.inputs)
        timed_run(binary, small, 1, arguments.inputs)  # warm the page cache
        rates = {jobs: [] for jobs in jobs_list}
        cpu = {jobs: [] for jobs in jobs_list}
        for round_index in range(arguments.rounds):
            for jobs in jobs_list:
                rate, milliseconds, load = timed_run(binary, small, jobs, arguments.inputs)
                rates[jobs].append(rate)
                cpu[jobs].append(round(milliseconds, 2))
                if not arguments.json:
                    print("round %d  --jobs %d: %6.1f photos/s, %5.2f CPU ms per photo  (load average before: %.2f)"
                          % (round_index + 1, jobs, rate, milliseconds, load))
        report["photosPerSecond"] = {str(jobs): {"median": statistics.median(values), "best": max(values),
                                                 "runs": values} for jobs, values in rates.items()}
        # CPU time per photo does not depend on how many cores other processes leave free: equal values for 1 and 2
        # jobs mean the work divides without overhead, and the speed-up is then set by the free cores alone.
        report["cpuMillisecondsPerPhoto"] = {str(jobs): statistics.median(values) for jobs, values in cpu.items()}
        if 1 in rates and 2 in rates:
            report["speedUp2over1"] = {"median": round(statistics.median(rates[2]) / statistics.median(rates[1]), 2),
                                       "best": round(max(rates[2]) / max(rates[1]), 2)}
        if arguments.memory_inputs:
            samples, summary = memory_run(binary, directory, 2)
            report["memory"] = {"inputs": arguments.memory_inputs, "jobs": 2, "residentMiB": samples,
                                "summary": summary}
        report["loadAverageAtEnd"] = os.getloadavg()
    if arguments.json:
        print(json.dumps(report))
        return
    for jobs, values in report["photosPerSecond"].items():
        print("--jobs %s: median %.1f photos/s, best %.1f" % (jobs, values["median"], values["best"]))
    print("CPU milliseconds per photo (median): " + ", ".join(
        "--jobs %s: %.2f" % item for item in report["cpuMillisecondsPerPhoto"].items()))
    if "speedUp2over1" in report:
        print("2 jobs / 1 job: median %.2fx, best %.2fx" % (report["speedUp2over1"]["median"],
                                                            report["speedUp2over1"]["best"]))
    if "memory" in report:
        samples = report["memory"]["residentMiB"]
        print("resident memory over %d inputs (--jobs 2), MiB after n photos: %s"
              % (arguments.memory_inputs, ", ".join("%d: %.1f" % sample for sample in samples[1::2])))
        print(report["memory"]["summary"])
    print("load average at the end: %.2f %.2f %.2f" % tuple(report["loadAverageAtEnd"]))


if __name__ == "__main__":
    sys.exit(main())
