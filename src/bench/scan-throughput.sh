#!/usr/bin/env bash
# Scanning cost on large files: `modelgate scan` alone, and the scanner on the verifier's hashing pass against
# hashing alone, with `openssl dgst -sha256` in the same run as the reference.
# Run by hand (not part of CI):  src/bench/scan-throughput.sh [DATA_DIR] [RUNS]
# Needs a build (./mvnw -q package -DskipTests -Dmodelgate.cds.skip=true), python3, and about 4.1 GiB free
# under DATA_DIR (default: the tmpfs folder /dev/shm/modelgate-scan-bench, so the figures are about CPU, not
# the disk). The folder is deleted at the end unless KEEP=1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/dev/shm/modelgate-scan-bench}"
runs="${2:-5}"
mg="$repo/bin/modelgate"
size=${SIZE:-$((2 * 1024 * 1024 * 1024))}   # bytes per model file (2 GiB)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$data"' EXIT

mkdir -p "$data/st" "$data/pt"
if [ ! -f "$data/st/model.safetensors" ] || [ ! -f "$data/pt/model.pt" ]; then
  echo "creating a 2 GiB safetensors file and a 2 GiB PyTorch zip under $data ..." >&2
  openssl rand -out "$data/random.bin" $((size / 64 + 4096))
  python3 "$repo/src/bench/make_models.py" "$data/random.bin" "$data/st/model.safetensors" "$data/pt/model.pt" $size
  rm -f "$data/random.bin"
fi
cat "$data/st/model.safetensors" "$data/pt/model.pt" > /dev/null

now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# seconds CMD... : median wall time of $runs runs (after one warm-up), in ms
seconds() {
  "$@" > /dev/null 2>&1 || true
  local t=()
  for _ in $(seq "$runs"); do
    local s; s=$(now); "$@" > /dev/null 2>&1 || true; t+=($(( ($(now) - s) / 1000000 )))
  done
  median "${t[@]}"
}
# engine_ms DIR POLICY : median of the verifier engine's own clock ("ms" in the JSON summary), launch excluded
engine_ms() {
  local v=()
  for _ in $(seq "$runs"); do
    v+=("$("$mg" verify "$1" --model "$1.yaml" --scan "$2" --json --threads 1 | awk -F'"ms":' '/"event":"summary"/ {split($2, a, ","); print a[1]}')")
  done
  median "${v[@]}"
}
mbs() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.0f", b / (ms * 1000) }'; }

echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version); $(java -version 2>&1 | head -1); runs=$runs (median)"
for kind in st pt; do
  dir="$data/$kind"
  file=$(ls "$dir"/model.*)
  bytes=$(stat -c %s "$file")
  "$mg" approve "$dir" --name m --source s -o "$dir.yaml" 2> /dev/null
  echo
  echo "## $(basename "$file") ($bytes bytes)"
  o=$(seconds openssl dgst -sha256 "$file")
  echo "openssl dgst -sha256:                 $o ms  $(mbs "$bytes" "$o") MB/s"
  s=$(seconds "$mg" scan "$file")
  echo "modelgate scan (whole process):       $s ms  (verdict: $("$mg" scan --json "$file" | awk -F'"' '/"verdict"/ {print $4; exit}'))"
  off=$(engine_ms "$dir" off)
  on=$(engine_ms "$dir" enforce)
  echo "verify engine, --scan off:            $off ms  $(mbs "$bytes" "$off") MB/s"
  echo "verify engine, --scan enforce:        $on ms  $(mbs "$bytes" "$on") MB/s"
  awk -v a="$off" -v b="$on" 'BEGIN { printf "scanning on the hashing pass costs:   %+.1f%%\n", (b - a) * 100 / a }'
done
