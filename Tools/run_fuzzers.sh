#!/usr/bin/env bash
# Builds the libFuzzer targets of Tools/fuzz (release, -sanitize=fuzzer,address) and runs each on its corpus.
#
# Usage: Tools/run_fuzzers.sh [--runs N | --time SECONDS] [--min-executions N] [--keep-going] [--with-weights]
#                             [--no-build] [--replay-only] [TARGET ...] [-- LIBFUZZER_FLAGS]
#   --runs N          stop each target after N executions (default 100000)
#   --time SECONDS    stop each target after SECONDS seconds instead
#   --min-executions N  fail (exit 1) when a target executed fewer than N inputs: a broken harness that returns at
#                     once, or one that hangs, must not pass by doing nothing (CI: --time 60 --min-executions, see
#                     Tools/README-fuzz.md for the measured rates)
#   --min-coverage N  fail when a target's last status line shows fewer than N covered edges (cov): a harness that
#                     returns without calling into the package runs fast but covers almost nothing
#   --replay-only     only replay the committed findings (below), no fuzzing
#   --keep-going      fuzz in a child process (-fork=1) that is restarted after a crash, time-out or out-of-memory,
#                     so a known finding does not end the run; every finding is still saved and reported
#   --with-weights    also seed the weight-file targets with Weights/*.sfmw (megabytes each; slow executions)
#   --no-build        reuse the existing build in Tools/fuzz/.build
#   TARGET            FuzzWeightLoader, FuzzWeightLoaderResealed, FuzzImageDecoder, ... (default: all that
#                     Tools/fuzz/Package.swift declares)
#   -- FLAGS          passed to libFuzzer unchanged (e.g. -- -max_len=65536 -seed=1)
#
# Before fuzzing, every committed finding is replayed once on the targets it belongs to: Tools/fuzz/crashes/TARGET-*
# on TARGET; for the image targets (every target whose name does not start with FuzzWeight) also the files of
# Tools/fuzz/crashes without a target prefix and Tests/Fixtures/ImageCodecs/regressions/*. A replayed input that
# crashes, times out (10 s) or runs out of memory fails the run before any fuzzing.
# Per target it prints executions, coverage (cov = covered edges, ft = features, from libFuzzer's last status line)
# and whether it crashed. New corpus entries go to Tools/fuzz/.work/corpus/TARGET (git-ignored), logs to
# Tools/fuzz/.work/logs/TARGET.log, crashing inputs to Tools/fuzz/crashes/TARGET-crash-<sha1> (and timeout-/oom-
# files). Exit status: 0 when no target had a finding, 1 when one did, 2 on usage or build errors.
# Needs only the Swift toolchain (libFuzzer and ASan ship in its clang runtime) and what .ci/run installs.
set -uo pipefail

# The whole script is one function, so bash has read all of it before running (editing it mid-run is harmless).
main() {

    ROOT="$(cd "$(dirname "$0")/.." && pwd)"
    FUZZ="$ROOT/Tools/fuzz"
    WORK="$FUZZ/.work"
    CRASHES="$FUZZ/crashes"
    RUNS=100000
    TIME=""
    WITH_WEIGHTS=0
    KEEP_GOING=()
    BUILD=1
    TARGETS=()
    EXTRA=()
    MIN_EXECUTIONS=0
    MIN_COVERAGE=0
    REPLAY_ONLY=0

    while [ $# -gt 0 ]; do
        case "$1" in
            --runs) RUNS="$2"; shift 2 ;;
            --time) TIME="$2"; shift 2 ;;
            --with-weights) WITH_WEIGHTS=1; shift ;;
            --keep-going) KEEP_GOING=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); shift ;;
            --no-build) BUILD=0; shift ;;
            --min-executions) MIN_EXECUTIONS="$2"; shift 2 ;;
            --min-coverage) MIN_COVERAGE="$2"; shift 2 ;;
            --replay-only) REPLAY_ONLY=1; shift ;;
            --) shift; EXTRA=("$@"); break ;;
            -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
            -*) echo "unknown option $1" >&2; exit 2 ;;
            *) TARGETS+=("$1"); shift ;;
        esac
    done

    # Every target the package declares (FuzzImageDecoder only once ImageCodecs is part of the main package).
    ALL_TARGETS=$(sed -n 's/.*\.executableTarget(name: "\(Fuzz[A-Za-z]*\)".*/\1/p' "$FUZZ/Package.swift")
    if [ ${#TARGETS[@]} -eq 0 ]; then
        read -r -a TARGETS <<< "$(echo $ALL_TARGETS)"
    fi
    for target in "${TARGETS[@]}"; do
        if ! grep -qx "$target" <<< "$ALL_TARGETS"; then
            echo "unknown target $target (known: $(echo $ALL_TARGETS))" >&2
            exit 2
        fi
    done

    BIN="$FUZZ/.build/release"
    if [ "$BUILD" -eq 1 ]; then
        echo "== building fuzz targets (release, -sanitize=fuzzer,address)"
        if ! (cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address \
                --scratch-path "$FUZZ/.build" \
                2>&1 | grep -v "Cannot export local symbol '__asan_extra_spill_area'"); then
            echo "build failed" >&2
            exit 2
        fi
    fi

    # The Swift runtime's backtracer would take the crash away from libFuzzer; leaks are not findings here (the
    # Swift runtime keeps metadata caches alive for the whole process).
    export SWIFT_BACKTRACE=enable=no
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

    mkdir -p "$WORK/logs" "$CRASHES"

    # Replay every committed finding first (libFuzzer runs each file given as an argument once).
    REPLAY_STATUS=0
    for target in "${TARGETS[@]}"; do
        inputs=()
        for file in "$CRASHES/$target"-*; do [ -f "$file" ] && inputs+=("$file"); done
        case "$target" in
            FuzzWeight*) ;;
            *) for file in "$CRASHES"/* "$ROOT"/Tests/Fixtures/ImageCodecs/regressions/*; do
                   [ -f "$file" ] || continue
                   case "$(basename "$file")" in Fuzz*) ;; *) inputs+=("$file") ;; esac
               done ;;
        esac
        log="$WORK/logs/$target-replay.log"
        if [ ${#inputs[@]} -eq 0 ]; then
            echo "== $target: no committed findings to replay"
            continue
        fi
        (cd "$WORK/logs" && "$BIN/$target" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}") > "$log" 2>&1
        code=$?
        replayed=$(grep -c '^Running: ' "$log")
        if [ $code -ne 0 ] || [ "$replayed" -ne ${#inputs[@]} ]; then
            REPLAY_STATUS=1
            echo "== $target: replay of ${#inputs[@]} committed findings FAILED (exit $code, $replayed run; $log)"
            grep -E '^==[0-9]+==ERROR|SUMMARY|Fatal error|Swift runtime failure|ALARM|out-of-memory' "$log" | head -8
        else
            echo "== $target: replayed ${#inputs[@]} committed findings, ok"
        fi
    done
    if [ $REPLAY_STATUS -ne 0 ] || [ $REPLAY_ONLY -eq 1 ]; then
        exit $REPLAY_STATUS
    fi

    LIMIT=(-runs="$RUNS")
    [ -n "$TIME" ] && LIMIT=(-max_total_time="$TIME")
    STATUS=0
    SUMMARY=()
    for target in "${TARGETS[@]}"; do
        case "$target" in
            FuzzImageDecoder) seeds=("$FUZZ/corpus/images"); dictionary="$FUZZ/dictionaries/images.dict"; length=() ;;
            FuzzWebPDecoder) seeds=("$FUZZ/corpus/webp"); dictionary="$FUZZ/dictionaries/webp.dict"; length=() ;;
            *) seeds=("$FUZZ/corpus/weights"); dictionary="$FUZZ/dictionaries/sfmw.dict"; length=()
               if [ "$WITH_WEIGHTS" -eq 1 ]; then
                   seeds+=("$ROOT/Weights")
                   length=(-max_len=$(stat -c %s "$ROOT"/Weights/*.sfmw | sort -n | tail -1))
               fi ;;
        esac
        corpus="$WORK/corpus/$target"
        # Mutated megabyte-sized weight files would slow every later run down: keep them in their own corpus.
        [ "$WITH_WEIGHTS" -eq 1 ] && [[ "$target" == FuzzWeight* ]] && corpus="$corpus-with-weights"
        log="$WORK/logs/$target.log"
        mkdir -p "$corpus"
        rm -f "$WORK"/logs/fuzz-*.log
        touch "$WORK/logs/.started"
        echo "== $target: ${LIMIT[*]} corpus $corpus seeds ${seeds[*]}"
        (cd "$WORK/logs" && "$BIN/$target" "${LIMIT[@]}" -dict="$dictionary" -artifact_prefix="$CRASHES/$target-" -print_final_stats=1 \
            -timeout=30 -rss_limit_mb=2048 ${length[@]+"${length[@]}"} ${KEEP_GOING[@]+"${KEEP_GOING[@]}"} \
            ${EXTRA[@]+"${EXTRA[@]}"} \
            "$corpus" "${seeds[@]}") > "$log" 2>&1
        code=$?
        # With -jobs=N libFuzzer runs the fuzzing in child processes that log to fuzz-<job>.log in the directory.
        for job_log in "$WORK"/logs/fuzz-*.log; do
            [ -f "$job_log" ] && cat "$job_log" >> "$log" && rm -f "$job_log"
        done
        # Plain mode prints stat::number_of_executed_units at the end; fork mode prints "#N: cov: ..." status lines.
        executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        [ -z "$executions" ] && executions=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
        coverage=$(grep -E '^#[0-9]+:?[[:space:]].*cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | sed 's/.*\(cov: [0-9]*\) \(ft: [0-9]*\).*/\1 \2/')
        findings=$(find "$CRASHES" -name "$target-*" -newer "$WORK/logs/.started" | sort)
        fork_counts=$(sed -n 's/.*oom\/timeout\/crash: \([0-9]*\/[0-9]*\/[0-9]*\).*/\1/p' "$log" | tail -1)
        if [ $code -ne 0 ] || [ -n "$findings" ] || grep -qE '^==[0-9]+==ERROR|deadly signal' "$log" \
                || { [ -n "$fork_counts" ] && [ "$fork_counts" != "0/0/0" ]; }; then
            STATUS=1
            result="FINDINGS (exit $code${fork_counts:+, oom/timeout/crash $fork_counts}): ${findings:-see $log}"
            grep -E '^==[0-9]+==ERROR|SUMMARY|Fatal error|Swift runtime failure' "$log" | sort | uniq -c | head -8
        elif [ "${executions:-0}" -lt "$MIN_EXECUTIONS" ]; then
            STATUS=1
            result="TOO FEW EXECUTIONS (${executions:-0} < minimum $MIN_EXECUTIONS): the harness did not fuzz; see $log"
        elif covered=$(sed -n 's/^cov: \([0-9]*\).*/\1/p' <<< "${coverage:-}"); [ "${covered:-0}" -lt "$MIN_COVERAGE" ]; then
            STATUS=1
            result="TOO LITTLE COVERAGE (${covered:-0} edges < minimum $MIN_COVERAGE): the harness does not reach the package; see $log"
        else
            result="ok"
        fi
        SUMMARY+=("$(printf '%-26s executions %-10s %-20s %s' "$target" "${executions:-?}" "${coverage:-cov ?}" "$result")")
    done

    echo "== summary"
    printf '%s\n' "${SUMMARY[@]}"
    exit $STATUS
}

main "$@"
