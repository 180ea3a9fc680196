#!/usr/bin/env bash
# Runs Tools/spark/facemesh_spark.py for real on a local Spark (local[2]) and checks it against the single-process
# `facemesh batch`:
#   1. folder mode over the fixture photos repeated to COUNT inputs (default 304) plus one broken file:
#      the union of the part files equals the single-process output line for line (sorted);
#   2. a rerun processes nothing; after deleting one part file, a rerun processes exactly its inputs again;
#   3. manifest mode over the first 50 paths;
#   4. binaryFiles + base64-jsonl mode over the fixtures: the same lines with Spark's file: URIs as paths.
# Needs Java 17 and pyspark in Tools/.venv-spark (created here from Tools/requirements-spark.txt if missing).
# Usage: Tools/spark/test_local.sh [COUNT]   (prints the timings; exit status 0 when every check holds)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${1:-304}
VENV=Tools/.venv-spark
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    PIP_CACHE_DIR=Tools/.cache/pip "$VENV/bin/pip" install -q -r Tools/requirements-spark.txt
fi
swift build -c release --product facemesh >/dev/null
FACEMESH="$(swift build -c release --show-bin-path)/facemesh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/facemesh-spark-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/photos"

# COUNT inputs: the 8 fixture photos under numbered names (symbolic links), and one file that is not an image.
mapfile -t FIXTURES < <(find Tests/Fixtures/Images -type f \( -name '*.jpg' -o -name '*.png' \) | sort)
for ((i = 0; i < COUNT; i++)); do
    source_file=${FIXTURES[$((i % ${#FIXTURES[@]}))]}
    ln -s "$ROOT/$source_file" "$WORK/photos/$(printf 'p%05d' "$i")-$(basename "$source_file")"
done
echo "not an image" > "$WORK/photos/broken.jpg"

export PYSPARK_PYTHON="$ROOT/$VENV/bin/python"
spark_job() {
    "$VENV/bin/python" Tools/spark/facemesh_spark.py --master 'local[2]' --facemesh "$FACEMESH" \
        --weights "$ROOT/Weights" "$@" 2>"$WORK/spark-stderr.log" | tail -n 1
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
sorted_parts() { cat "$1"/run-*/part-* | LC_ALL=C sort; }
check() {
    if [ "$1" = "$2" ]; then echo "ok: $3"; else echo "FAILED: $3 (got $1, expected $2)"; exit 1; fi
}

start=$(date +%s.%N)
"$FACEMESH" batch "$WORK/photos" --jobs 2 2>"$WORK/single.log" | LC_ALL=C sort > "$WORK/single.jsonl"
single_seconds=$(python3 -c "import time; print(round(time.time() - $start, 2))")
echo "single process (--jobs 2): $(wc -l < "$WORK/single.jsonl") lines in ${single_seconds} s; $(cat "$WORK/single.log")"

# 1. Folder mode.
result=$(spark_job --folder "$WORK/photos" --output "$WORK/out" --partitions 4)
echo "spark folder run: $result"
check "$(sorted_parts "$WORK/out" | cmp -s - "$WORK/single.jsonl" && echo equal || echo different)" equal \
    "Spark's part files equal the single-process output ($((COUNT + 1)) lines)"
check "$(ls "$WORK"/out/run-*/part-* | wc -l)" 4 "one part file per partition"

# 2. Reruns skip what is done.
result=$(spark_job --folder "$WORK/photos" --output "$WORK/out" --partitions 4)
echo "spark rerun: $result"
check "$(field "$result" lines)" 0 "a rerun processes nothing"
first_part=$(ls "$WORK"/out/run-*/part-00000 | head -n 1)
removed=$(wc -l < "$first_part")
rm "$first_part"
result=$(spark_job --folder "$WORK/photos" --output "$WORK/out" --partitions 2)
echo "spark rerun after deleting a part: $result"
check "$(field "$result" lines)" "$removed" "the rerun redoes exactly the deleted part's inputs"
check "$(sorted_parts "$WORK/out" | cmp -s - "$WORK/single.jsonl" && echo equal || echo different)" equal \
    "all runs together equal the single-process output"

# 3. Manifest mode.
find "$WORK/photos" -name '*.png' -o -name '*.jpg' | LC_ALL=C sort | head -n 50 > "$WORK/manifest.txt"
result=$(spark_job --manifest "file://$WORK/manifest.txt" --output "$WORK/manifest-out")
echo "spark manifest run: $result"
check "$(sorted_parts "$WORK/manifest-out" | cmp -s - <(grep -F -f <(sed 's/.*/"path":"&"/' "$WORK/manifest.txt") "$WORK/single.jsonl") \
    && echo equal || echo different)" equal "manifest mode: the 50 listed photos, same lines"

# 4. binaryFiles + base64-jsonl.
mkdir -p "$WORK/bytes"
cp "${FIXTURES[@]}" "$WORK/photos/broken.jpg" "$WORK/bytes/"
"$FACEMESH" batch "$WORK/bytes" 2>/dev/null | sed "s|^{\"path\":\"$WORK/bytes/|{\"path\":\"file:$WORK/bytes/|" \
    | LC_ALL=C sort > "$WORK/bytes-single.jsonl"
result=$(spark_job --binary-files "file://$WORK/bytes/*" --output "$WORK/bytes-out" --partitions 2)
echo "spark binaryFiles run: $result"
check "$(sorted_parts "$WORK/bytes-out" | cmp -s - "$WORK/bytes-single.jsonl" && echo equal || echo different)" equal \
    "binaryFiles mode gives the same lines (paths as file: URIs)"
result=$(spark_job --binary-files "file://$WORK/bytes/*" --output "$WORK/bytes-out" --partitions 2)
check "$(field "$result" lines)" 0 "a binaryFiles rerun processes nothing"
echo "all Spark checks passed"
