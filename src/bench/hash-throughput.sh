#!/usr/bin/env bash
# Hashing throughput of `modelgate hash` against openssl and sha256sum, in the same run.
# Run by hand (not part of CI):  src/bench/hash-throughput.sh [DATA_DIR] [RUNS]
# Needs a build (./mvnw -q package -DskipTests) and about 4.1 GiB free under DATA_DIR. The default is a tmpfs
# folder (/dev/shm/modelgate-bench): the figures are about hashing, and on machines that reclaim page cache
# aggressively a file on disk is re-read from the device between runs. Remove the folder afterwards.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/dev/shm/modelgate-bench}"
runs="${2:-5}"
mg="$repo/bin/modelgate"
size=$((2 * 1024 * 1024 * 1024))   # 2 GiB

mkdir -p "$data/single" "$data/folder"
if [ ! -f "$data/single/model.bin" ]; then
  echo "creating $data/single/model.bin (2 GiB)..." >&2
  openssl rand -out "$data/single/model.bin" $size
fi
for i in 0 1 2 3 4 5 6 7; do
  f="$data/folder/shard-$i.safetensors"
  [ -f "$f" ] || { echo "creating $f (256 MiB)..." >&2; openssl rand -out "$f" $((size / 8)); }
done
# Everything from memory: the figures are about hashing, not about the disk.
cat "$data/single/model.bin" "$data/folder/"* > /dev/null
if command -v fincore > /dev/null; then
  fincore "$data/single/model.bin" "$data/folder/"* | awk 'NR > 1 && $1 != $3 {print "warning: " $4 " is only partly in memory (" $1 " of " $3 ")"}' >&2
fi

now() { date +%s%N; }
# median of the arguments
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_cmd NAME CMD... : runs CMD $runs times (after one warm-up), prints the median seconds
time_cmd() {
  local name="$1"; shift
  "$@" > /dev/null 2>&1
  local t=()
  for _ in $(seq "$runs"); do
    local s; s=$(now); "$@" > /dev/null 2>&1; t+=($(( $(now) - s )))
  done
  local m; m=$(median "${t[@]}")
  awk -v n="$name" -v m="$m" -v b="$BYTES" 'BEGIN { printf "%-34s %8.3f s  %8.0f MB/s\n", n, m/1e9, b/(m/1e3) }'
  echo "$m" > "$data/.last"
}
# hashing_phase DIR: bytes / the engine's own time (launch and JSON output excluded), median of $runs
hashing_phase() {
  local v=()
  for _ in $(seq "$runs"); do
    v+=("$("$mg" hash "$1" | awk -F'[:,]' '/"bytes"/ {b=$2} /"ms"/ {m=$2} END {printf "%.0f", b/(m*1000)}')")
  done
  echo "modelgate hashing phase (engine's own clock): median $(median "${v[@]}") MB/s (runs: ${v[*]})"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b/a }'; }

echo "# $(nproc) cores; $(openssl version); $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1); runs=$runs (median)"
echo
echo "## SHA-256 on this CPU, no I/O"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" "$repo/src/bench/DigestCeiling.java" 512 5 | tail -1
openssl speed -seconds 3 -evp sha256 -bytes 16384 2>/dev/null | awk '/^sha256/ {printf "openssl speed sha256 (16 KiB blocks): %.0f MB/s\n", $2/1000}'
grep -q sha_ni /proc/cpuinfo && echo "CPU has SHA-NI" || echo "CPU has no SHA-NI (both use AVX2 code)"
echo
echo "## one 2 GiB file"
BYTES=$size
time_cmd "openssl dgst -sha256" openssl dgst -sha256 "$data/single/model.bin"; o=$(cat "$data/.last")
time_cmd "sha256sum" sha256sum "$data/single/model.bin"
time_cmd "modelgate hash" "$mg" hash "$data/single"; m=$(cat "$data/.last")
echo "modelgate / openssl throughput (whole process): $(ratio "$m" "$o")x"
hashing_phase "$data/single"
echo
echo "## a 2 GiB folder of 8 files"
time_cmd "openssl dgst -sha256 (one process)" openssl dgst -sha256 "$data/folder/"*; o=$(cat "$data/.last")
time_cmd "sha256sum (one process)" sha256sum "$data/folder/"*
time_cmd "modelgate hash" "$mg" hash "$data/folder"; m=$(cat "$data/.last")
echo "modelgate / one openssl process (whole process): $(ratio "$m" "$o")x"
hashing_phase "$data/folder"
echo
echo "## start-up: launch to first byte hashed (tiny file)"
mkdir -p "$data/tiny" && printf 'abc' > "$data/tiny/a.bin"
"$mg" hash "$data/tiny" > /dev/null
t=()
for _ in $(seq "$runs"); do
  out=$(MODELGATE_TIMING=$(now) "$mg" hash "$data/tiny" 2>&1 >/dev/null)
  t+=("$(echo "$out" | sed -n 's/.*first byte hashed \([0-9.]*\) ms.*/\1/p')")
done
echo "launch to first byte hashed: median $(median "${t[@]}") ms (runs: ${t[*]})"
BYTES=3
time_cmd "whole modelgate hash of 3 bytes" "$mg" hash "$data/tiny"
