#!/usr/bin/env bash
# Every check of the project, in order; the README's test command and what CI runs (.ci/run, after installing the
# system packages). Stops at the first failure.
#   1. swift test: the whole suite (under CI=true a missing tool, binary or fixture fails instead of skipping)
#   2. a 1,500-frame soak through `facemesh video -`: resident memory flat
#   3. the suite under AddressSanitizer
#   4. the worker pools (inference, batch), engine and pipeline tests under ThreadSanitizer
#   5. every committed fuzz finding replayed, then a minute of each fuzz target (minimum executions and coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
step "swift test"
swift test
step "soak: 1,500 tracked frames"
python3 Tools/soak_test.py --ci
step "AddressSanitizer"
ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan
step "ThreadSanitizer: worker pools, engines, pipeline"
swift test --sanitize=thread --scratch-path .build-tsan --filter "ThreadingTests|ConcurrencyTests|BatchRunnerTests|MediaPipeLandmarkTests"
step "fuzzing"
Tools/run_fuzzers.sh --time 60 --min-executions 50000 --min-coverage 100
step "all checks passed"
