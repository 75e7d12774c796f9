#!/usr/bin/env bash
# verify-pod on a volume with many stray files: reporting must grow linearly with their number.
# Run by hand (not part of CI):  src/bench/strays-bench.sh [DATA_DIR] [COUNT...]
# Defaults: DATA_DIR /dev/shm/modelgate-strays-bench, counts 100000 200000. Needs a build
# (./mvnw -q package -DskipTests); MODELGATE_HOME=<other build>/target/quarkus-app measures another build with the
# same launcher. Each run: one declared file plus COUNT empty undeclared files (strict mode, so each is an
# ExtraFile line). Prints wall and CPU time, exit code and the number of JSON lines. Deletes DATA_DIR at the end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/dev/shm/modelgate-strays-bench}"
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 200000)
mg="$repo/bin/modelgate"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
app="${MODELGATE_HOME:-$repo/target/quarkus-app}"
cp="$app/app/*:$app/lib/main/*"
trap 'rm -rf "$data"' EXIT
sha() { sha256sum < "$1" | cut -d' ' -f1; }

echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); build $app"
for n in "${counts[@]}"; do
  rm -rf "$data"
  mkdir -p "$data/model/strays"
  printf 'abc' > "$data/model/model.bin"
  (cd "$data/model/strays" && seq -f 's%.0f' 1 "$n" | xargs touch)
  echo "$(sha "$data/model/model.bin") 3 model.bin" \
    | "$java_bin" -cp "$cp" "$repo/src/bench/PlanFor.java" "$data/model" off > "$data/plan.json" 2> /dev/null
  set +e
  TIMEFORMAT='%R %U %S'
  t=$( { time "$mg" verify-pod --plan-file "$data/plan.json" --plan-sha256 "$(sha "$data/plan.json")" \
    --termination-log "$data/termination-log" > "$data/out.jsonl" 2> /dev/null; echo "exit $?" >&2; } 2>&1 )
  set -e
  code=$(echo "$t" | sed -n 's/^exit //p')
  read -r real user sys < <(echo "$t" | grep -v '^exit ')
  awk -v n="$n" -v r="$real" -v u="$user" -v s="$sys" -v c="$code" -v l="$(wc -l < "$data/out.jsonl")" \
    'BEGIN { printf "%7d strays: %6.1f s wall, %6.1f s CPU (user+sys)  exit %d  %d lines\n", n, r, u + s, c, l }'
done
