#!/usr/bin/env bash
# Builds MPCore's DocC catalog (Sources/MPCore/MPCore.docc and the doc comments) with
# swift-docc-plugin, offline, and fails on any DocC warning: a broken symbol link, a parameter
# without documentation. The archive goes to .build/docs/MPCore.doccarchive.
#   bash scripts/build-docs.sh               # build, warnings are errors
#   bash scripts/build-docs.sh --coverage    # also print documentation coverage per symbol kind
set -euo pipefail
cd "$(dirname "$0")/.."

extra=()
if [[ "${1:-}" == "--coverage" ]]; then
    extra=(--experimental-documentation-coverage --coverage-summary-level detailed)
fi

out=.build/docs
mkdir -p "$out"
log="$out/build.log"
# Synthesized members (Equatable's !=, OptionSet's set algebra) are the standard library's, and
# protocol requirements inherit the protocol's documentation.
if ! swift package --allow-writing-to-directory "$out" generate-documentation --target MPCore \
    --output-path "$out/MPCore.doccarchive" \
    --experimental-skip-synthesized-symbols --enable-inherited-docs \
    --warnings-as-errors "${extra[@]}" >"$log" 2>&1; then
  # DocC's diagnostics, without the build's progress lines.
  grep -v -E '^\[[0-9]+/[0-9]+\]|^(Building|Build of|Compiling|Write)' "$log" >&2
  echo "docs: FAIL: MPCore's documentation has warnings (full log: $log)" >&2
  exit 1
fi
[[ ${#extra[@]} -eq 0 ]] || sed -n '/Experimental coverage output/,$p' "$log"
echo "docs: $out/MPCore.doccarchive, no warnings"
