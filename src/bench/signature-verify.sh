#!/usr/bin/env bash
# Cost of checking a signature against plain hash verification, on the same 2 GiB folder, in the same run.
# Run by hand (not part of CI):  src/bench/signature-verify.sh [DATA_DIR] [RUNS]
# Needs a build (./mvnw -q package -DskipTests) and about 2.1 GiB free under DATA_DIR (default: tmpfs, so the
# figures are about hashing and not the disk). The folder is removed at the end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/dev/shm/modelgate-bench-sign}"
runs="${2:-3}"
mg="$repo/bin/modelgate"
size=$((2 * 1024 * 1024 * 1024))   # 2 GiB
trap 'rm -rf "$data"' EXIT

model="$data/model"
mkdir -p "$model"
for i in 0 1 2 3 4 5 6 7; do
  openssl rand -out "$model/shard-$i.safetensors" $((size / 8))
done
"$mg" keygen --out "$data/key" --no-passphrase > /dev/null 2>&1
"$mg" approve "$model" --name bench --source hub --namespace ml > "$data/tm.yaml"
{
  printf 'apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\nmetadata:\n  name: hub\nspec:\n'
  printf '  urls: ["https://models.example.com/"]\n  signing:\n    required: true\n    keys:\n    - name: release\n      publicKey: |\n'
  sed 's/^/        /' "$data/key-pub.pem"
} > "$data/src.yaml"
cat "$model/"* > /dev/null   # from memory

now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_cmd NAME CMD... : one warm-up, then the median of $runs, in seconds and MB/s over the 2 GiB
time_cmd() {
  local name="$1"; shift
  "$@" > /dev/null 2>&1 || { echo "$name: failed (exit $?)" >&2; "$@" >&2 || true; exit 1; }
  local t=()
  for _ in $(seq "$runs"); do
    local s; s=$(now); "$@" > /dev/null 2>&1; t+=($(( $(now) - s )))
  done
  local m; m=$(median "${t[@]}")
  awk -v n="$name" -v m="$m" -v b="$size" 'BEGIN { printf "%-58s %7.2f s  %5.0f MB/s\n", n, m/1e9, b/(m/1e3) }'
}

echo "# $(nproc) cores; $(openssl version); $(java -version 2>&1 | head -1); 8 x 256 MiB; runs=$runs (median)"
time_cmd "openssl dgst -sha256 (one process, reference)" openssl dgst -sha256 "$model/"shard-*
time_cmd "verify --model tm.yaml (plain hash verification)" "$mg" verify "$model" --model "$data/tm.yaml"
"$mg" sign "$model" --key "$data/key.pem" > /dev/null
time_cmd "verify --model tm.yaml --source src.yaml (hashes + signature)" \
  "$mg" verify "$model" --model "$data/tm.yaml" --source "$data/src.yaml"
time_cmd "verify --key (signed files compared with the folder)" "$mg" verify "$model" --key "$data/key-pub.pem"
"$mg" sign "$model" --key "$data/key.pem" --shards > /dev/null
time_cmd "verify --key, shards of 1 GB" "$mg" verify "$model" --key "$data/key-pub.pem"
time_cmd "sign (files)" "$mg" sign "$model" --key "$data/key.pem"
