#!/usr/bin/env bash
# Builds the DocC documentation of every library target with warnings as errors (a broken symbol link, an
# undocumented parameter or a missing resource fails the build), then checks DocC's coverage report: every public
# symbol must have a summary (synthesized conformance members such as `!=`, `hash(into:)`, `init(from:)` excepted).
#
#   Tools/build_docs.sh                 # all catalogs; archives in .build/plugins/Swift-DocC/outputs/<Target>.doccarchive
#   Tools/build_docs.sh FaceMesh        # one target
#
# Works offline (swift-docc-plugin is a package dependency; docc ships with the toolchain). Exit status 1 on the
# first target with a warning or an undocumented symbol.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FaceMesh TensorRuntime ImageCodecs ImageBasics FaceMeshVideo FaceMeshC)
fi
status=0
for target in "${targets[@]}"; do
    log=".build/docs-$target.log"
    mkdir -p .build
    echo "== documentation for $target"
    if ! swift package generate-documentation --target "$target" --warnings-as-errors \
            --experimental-documentation-coverage --coverage-summary-level brief >"$log" 2>&1; then
        grep -E -A8 "^(warning|error):" "$log" | head -80 || tail -40 "$log"
        echo "documentation for $target FAILED (full log: $log)"
        status=1
        continue
    fi
    warnings=$(grep -c "^warning:" "$log" || true)
    coverage=".build/plugins/Swift-DocC/outputs/$target.doccarchive/documentation-coverage.json"
    if ! python3 - "$coverage" "$target" <<'PY'
import json, sys
path, target = sys.argv[1], sys.argv[2]
synthesized = {"!=(_:_:)", "==(_:_:)", "hash(into:)", "hashValue", "init(from:)", "encode(to:)", "init(rawValue:)",
               "rawValue", "localizedDescription", "description", "errorDescription", "allCases"}
entries = json.load(open(path))
missing = [e for e in entries
           if e["kind"]["isSymbol"] and e["kind"]["id"] != "org.swift.docc.kind.module"
           and not e.get("hasAbstract") and e["title"] not in synthesized]
symbols = sum(1 for e in entries if e["kind"]["isSymbol"])
for e in sorted(missing, key=lambda e: e["referencePath"]):
    print(f"  no summary: {e['referencePath']}")
print(f"{target}: {symbols} symbols, {len(missing)} without a summary")
sys.exit(1 if missing else 0)
PY
    then
        status=1
    fi
    echo "$target: $warnings warnings"
done
exit $status
