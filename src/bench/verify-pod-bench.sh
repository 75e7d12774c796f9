#!/usr/bin/env bash
# verify-pod against openssl (verification of a 4 GiB model) and against curl (HTTPS download), same run.
# Run by hand (not part of CI):  src/bench/verify-pod-bench.sh [DATA_DIR] [RUNS] [START-UP RUNS]
# Needs a build (./mvnw -q package -DskipTests), python3, curl, and about 5.2 GiB free under DATA_DIR (default
# /dev/shm/modelgate-verify-bench, tmpfs: page cache warm by construction). Deletes DATA_DIR at the end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/dev/shm/modelgate-verify-bench}"
runs="${2:-3}"
startups="${3:-7}"
mg="$repo/bin/modelgate"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cp="$repo/target/quarkus-app/app/*:$repo/target/quarkus-app/lib/main/*"
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$data"' EXIT

mkdir -p "$data/model/unet" "$data/model/vae" "$data/www"
# 8 × 512 MiB safetensors files: a valid header (one U8 tensor) + random bytes, so the scanner judges them.
n=$((512 * 1024 * 1024))
for i in 0 1 2 3 4 5 6 7; do
  f="$data/model/unet/part-$i.safetensors"
  python3 - "$f" "$n" <<'PY'
import json, struct, sys
path, total = sys.argv[1], int(sys.argv[2])
hdr = b""
for pad in range(64):
    data = total - 8 - len(hdr)
    hdr = json.dumps({"w": {"dtype": "U8", "shape": [data], "data_offsets": [0, data]}}).encode()
    hdr += b" " * ((8 - (len(hdr) + 8) % 8) % 8)
    if 8 + len(hdr) + (total - 8 - len(hdr)) == total and json.loads(hdr)["w"]["shape"][0] == total - 8 - len(hdr):
        break
with open(path, "wb") as out:
    out.write(struct.pack("<Q", len(hdr)) + hdr)
PY
  hdr=$(stat -c %s "$f")
  openssl rand $((n - hdr)) >> "$f"
done
mv "$data/model/unet/part-7.safetensors" "$data/model/vae/vae.safetensors"

now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_cmd() { # NAME BYTES CMD...: median wall seconds and MB/s over $runs (after one warm-up when runs > 1)
  local name="$1" bytes="$2"; shift 2
  [ "$runs" -gt 1 ] && { "$@" > /dev/null 2>&1 || true; }   # warm-up (data is in tmpfs either way)
  local t=()
  for _ in $(seq "$runs"); do local s; s=$(now); "$@" > /dev/null 2>&1 || true; t+=($(( $(now) - s ))); done
  local m; m=$(median "${t[@]}")
  awk -v n="$name" -v m="$m" -v b="$bytes" 'BEGIN { printf "%-52s %7.2f s %7.0f MB/s\n", n, m/1e9, b/(m/1e3) }'
}

cd "$data/model"
files=$(find . -type f | sed 's|^\./||' | sort)
total=$(cat $files | wc -c)
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version); $("$java_bin" -version 2>&1 | head -1)"
echo "# model: 8 files, $total bytes, in tmpfs; runs=$runs (median)"
manifest=$(for f in $files; do echo "$(openssl dgst -sha256 -r "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"; done)
echo "$manifest" | "$java_bin" -cp "$cp" "$repo/src/bench/PlanFor.java" "$data/model" enforce > "$data/plan-enforce.json" 2> /dev/null
echo "$manifest" | "$java_bin" -cp "$cp" "$repo/src/bench/PlanFor.java" "$data/model" off > "$data/plan-off.json" 2> /dev/null
sha() { sha256sum < "$1" | cut -d' ' -f1; }
echo
echo "## verification of the 4 GiB model (page cache warm)"
time_cmd "openssl dgst -sha256, one process" "$total" openssl dgst -sha256 $files
half1=$(echo "$files" | head -4); half2=$(echo "$files" | tail -4)
time_cmd "openssl dgst -sha256, two processes (2-core ceiling)" "$total" \
  bash -c "openssl dgst -sha256 $(echo $half1) > /dev/null & openssl dgst -sha256 $(echo $half2) > /dev/null; wait"
time_cmd "modelgate verify-pod (scan enforce)" "$total" "$mg" verify-pod --plan-file "$data/plan-enforce.json" \
  --plan-sha256 "$(sha "$data/plan-enforce.json")" --termination-log /dev/null
time_cmd "modelgate verify-pod (scan off)" "$total" "$mg" verify-pod --plan-file "$data/plan-off.json" \
  --plan-sha256 "$(sha "$data/plan-off.json")" --termination-log /dev/null
time_cmd "modelgate verify-pod --threads 1 (scan off)" "$total" "$mg" verify-pod --plan-file "$data/plan-off.json" \
  --plan-sha256 "$(sha "$data/plan-off.json")" --termination-log /dev/null --threads 1
"$mg" verify-pod --plan-file "$data/plan-enforce.json" --plan-sha256 "$(sha "$data/plan-enforce.json")" \
  --termination-log /dev/null | tail -1

echo
echo "## start-up: launch to first byte hashed, verify-pod and modelgate hash of a 3-byte file, alternated"
mkdir -p "$data/tiny" && printf 'abc' > "$data/tiny/a.bin"
echo "$(openssl dgst -sha256 -r "$data/tiny/a.bin" | cut -d' ' -f1) 3 a.bin" \
  | "$java_bin" -cp "$cp" "$repo/src/bench/PlanFor.java" "$data/tiny" enforce > "$data/plan-tiny.json" 2> /dev/null
first_byte() { MODELGATE_TIMING=$(now) "$@" 2>&1 >/dev/null | sed -n 's/.*first byte hashed \([0-9.]*\) ms.*/\1/p'; }
t=(); h=()
for _ in $(seq "$startups"); do
  t+=("$(first_byte "$mg" verify-pod --plan-file "$data/plan-tiny.json" --plan-sha256 "$(sha "$data/plan-tiny.json")" \
    --termination-log /dev/null)")
  h+=("$(first_byte "$mg" hash "$data/tiny")")
done
echo "verify-pod: median $(median "${t[@]}") ms (runs: ${t[*]})"
echo "hash:       median $(median "${h[@]}") ms (runs: ${h[*]})"

echo
echo "## download over loopback HTTPS (pinned self-signed CA), two 512 MiB files"
cd "$data"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem -days 1 2> /dev/null
cp model/unet/part-0.safetensors model/unet/part-1.safetensors www/
port=$((20000 + RANDOM % 20000))
"$java_bin" "$repo/src/bench/HttpsFileServer.java" "$data/www" "$port" cert.pem key.pem > server.log 2>&1 &
server_pid=$!
for _ in $(seq 60); do grep -q serving server.log && break; sleep 0.5; done
dl_manifest=$(for f in part-0.safetensors part-1.safetensors; do
  echo "$(openssl dgst -sha256 -r "www/$f" | cut -d' ' -f1) $(stat -c %s "www/$f") $f"; done)
dl_bytes=$(cat www/* | wc -c)
echo "$dl_manifest" | "$java_bin" -cp "$cp" "$repo/src/bench/PlanFor.java" "$data/dl" off \
  "https://127.0.0.1:$port/models" cert.pem > plan-dl.json 2> /dev/null
time_cmd "curl --cacert, both files" "$dl_bytes" bash -c "curl -sS --cacert cert.pem -o $data/c0 \
  https://127.0.0.1:$port/models/part-0.safetensors -o $data/c1 https://127.0.0.1:$port/models/part-1.safetensors; rm -f $data/c0 $data/c1"
time_cmd "curl -k, both files" "$dl_bytes" bash -c "curl -sS -k -o $data/c0 \
  https://127.0.0.1:$port/models/part-0.safetensors -o $data/c1 https://127.0.0.1:$port/models/part-1.safetensors; rm -f $data/c0 $data/c1"
time_cmd "modelgate verify-pod, empty volume (download + verify)" "$dl_bytes" bash -c "rm -rf $data/dl; mkdir $data/dl; \
  $mg verify-pod --plan-file plan-dl.json --plan-sha256 $(sha plan-dl.json) --termination-log /dev/null"
rm -rf "$data/dl"; mkdir "$data/dl"
"$mg" verify-pod --plan-file plan-dl.json --plan-sha256 "$(sha plan-dl.json)" --termination-log /dev/null \
  | grep '"event":"download"\|summary' | sed 's/"sha256":"[0-9a-f]*",//'
