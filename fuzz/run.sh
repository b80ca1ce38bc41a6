#!/usr/bin/env bash
# Coverage-guided fuzzing of a receive half with Jazzer.js (libFuzzer inside Node).
#
#   npm run fuzz                                   # fuzz/request-reader.fuzz.cjs: 2,000,000 executions or 10 minutes
#   npm run fuzz -- response-reader                # fuzz/response-reader.fuzz.cjs, the client's reader
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=3600 npm run fuzz
#
# Seeds come from fuzz/seeds/<target>; inputs the fuzzer finds interesting accumulate in
# .fuzz/corpus/<target>; a finding is written to .fuzz/ as crash-* and makes this script fail.
# Turn a finding into a regression test in test/server/request-reader.test.ts or
# test/client/response-reader.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-request-reader}
runs=${FUZZ_RUNS:-2000000}
seconds=${FUZZ_SECONDS:-600}
addon=node_modules/@jazzer.js/fuzzer/prebuilds/fuzzer-linux-x64.node
mkdir -p ".fuzz/corpus/$target"

npx tsup --silent

# Jazzer.js's prebuilt addon needs glibc 2.38. On older systems (Debian 12), patch it once to
# take those few symbols from a small shim instead (see fuzz/jazzer-compat/).
preload=
if [ ! -f "$addon.orig" ] && ! node -e "process.dlopen({exports:{}}, '$PWD/$addon')" 2>/dev/null; then
  cp "$addon" "$addon.orig"
  node fuzz/jazzer-compat/patch-addon.mjs "$addon"
fi
if [ -f "$addon.orig" ]; then
  cc -shared -fPIC -O2 -o .fuzz/libjazzer-compat.so fuzz/jazzer-compat/shim.c
  preload=$PWD/.fuzz/libjazzer-compat.so
fi

LD_PRELOAD=$preload npx jazzer "fuzz/$target.fuzz.cjs" ".fuzz/corpus/$target" "fuzz/seeds/$target" \
  --sync --includes dist/ -- \
  -runs="$runs" -max_total_time="$seconds" -artifact_prefix=.fuzz/ -print_final_stats=1
