#!/usr/bin/env bash
# End-to-end check of ModelGate on a real cluster: builds the image, installs the chart into a kind cluster,
# and runs the ComfyUI example through its admit, refuse and tamper cases.
#
# For users and maintainers with a container engine. It is NOT run in this project's CI (which has no
# container engine); the test suite only syntax-checks it (bash -n).
#
# Needs: docker (or podman with KIND_EXPERIMENTAL_PROVIDER=podman), kind, kubectl, helm, JDK 17+.
# Usage (from anywhere):   docs/e2e/kind.sh
#   KEEP_CLUSTER=1   leave the cluster running afterwards (default: delete it)
#   CLUSTER=name     kind cluster name (default: modelgate-e2e)
#   SKIP_BUILD=1     reuse target/quarkus-app and the image modelgate:e2e
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="${CLUSTER:-modelgate-e2e}"
image="modelgate:e2e"
ns=comfyui
work="$(mktemp -d)"
failures=0

log() { printf '\n== %s\n' "$*"; }
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }

cleanup() {
  rm -rf "$work"
  if [ -z "${KEEP_CLUSTER:-}" ]; then
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
  else
    echo "cluster $cluster kept (kind delete cluster --name $cluster)"
  fi
}
trap cleanup EXIT

for tool in kind kubectl helm java; do
  command -v "$tool" >/dev/null || { echo "kind.sh: $tool is not installed; see the header of this script" >&2; exit 2; }
done

# A tiny safetensors file: 8-byte little-endian header length, a 53-byte JSON header, then 8 tensor bytes
# (offsets 61-68, where the tamper case writes).
write_safetensors() { # FILE VALUE-BYTE
  local header='{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}'
  local len=${#header}
  mkdir -p "$(dirname "$1")"
  {
    printf "$(printf '\\x%02x' "$len")\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    printf '%s' "$header"
    printf "$(printf '\\x%02x' "$2")%.0s" 1 2 3 4 5 6 7 8
  } >"$1"
}

# kubectl apply must be refused, and the refusal must contain TEXT.
expect_refused() { # FILE TEXT
  local out
  if out="$(kubectl apply -f "$1" 2>&1)"; then
    fail "$1 was admitted; expected a refusal containing '$2'"
  elif grep -qF -- "$2" <<<"$out"; then
    pass "$1 refused: $(grep -F -- "$2" <<<"$out" | head -n 1)"
  else
    fail "$1 refused, but without '$2': $out"
  fi
}

log "build the application and the image"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$repo" && ./mvnw -B -q package -DskipTests)
  docker build -t "$image" "$repo"
fi

log "create the kind cluster $cluster and load the image"
kind create cluster --name "$cluster" --wait 120s
kind load docker-image "$image" --name "$cluster"

log "install the chart"
helm install modelgate "$repo/charts/modelgate" --namespace modelgate-system --create-namespace \
  --set image.repository=modelgate --set image.tag=e2e --set image.pullPolicy=Never --wait --timeout 5m
kubectl -n modelgate-system rollout status deployment/modelgate --timeout 180s
# the operator writes caBundle once its certificate exists
for _ in $(seq 60); do
  [ -n "$(kubectl get validatingwebhookconfiguration modelgate -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ] && break
  sleep 2
done

log "prepare the ComfyUI model store (before the namespace is opted in)"
kubectl create namespace "$ns"
kubectl apply -f - <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: comfyui-models
  namespace: $ns
  labels:
    modelgate.dev/model-store: "true"
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 64Mi
YAML
models="$work/models"
write_safetensors "$models/checkpoints/tiny-base.safetensors" 1
write_safetensors "$models/vae/tiny-vae.safetensors" 2
write_safetensors "$models/loras/tiny-lora.safetensors" 3
kubectl -n "$ns" run loader --image=busybox:1.37 --restart=Never \
  --overrides='{"spec":{"containers":[{"name":"loader","image":"busybox:1.37","command":["sleep","600"],"volumeMounts":[{"name":"m","mountPath":"/models"}]}],"volumes":[{"name":"m","persistentVolumeClaim":{"claimName":"comfyui-models"}}]}}'
kubectl -n "$ns" wait --for=condition=Ready pod/loader --timeout 120s
kubectl -n "$ns" cp "$models/." loader:/models/
kubectl -n "$ns" delete pod loader --wait

log "approve the models and apply the policy"
kubectl apply -f - <<YAML
apiVersion: modelgate.dev/v1alpha1
kind: ModelSource
metadata:
  name: e2e-local
spec:
  description: files loaded into the model store by this script
  urls: ["https://models.invalid/"]
YAML
"$repo/bin/modelgate" approve "$models" --name tiny-sdxl --source e2e-local --namespace "$ns" -o "$work/tiny-sdxl.yaml"
kubectl apply -f "$work/tiny-sdxl.yaml"
kubectl apply -f "$repo/docs/examples/comfyui/policy/"
kubectl -n "$ns" wait --for=condition=Ready trustedmodel/tiny-sdxl --timeout 60s
kubectl label namespace "$ns" modelgate.dev/enforce=true

log "admit: ComfyUI-shaped Deployment on the approved models"
sed -e 's/name: comfyui$/name: comfyui-e2e/' \
    -e 's/app: comfyui$/app: comfyui-e2e/' \
    -e 's/modelgate.dev\/models: .*/modelgate.dev\/models: "tiny-sdxl"/' \
    -e 's#image: registry.example.com/ml/comfyui:.*#image: busybox:1.37#' \
    -e 's#args: \["--listen".*#command: ["sh", "-c", "ls -lR /opt/ComfyUI/models \&\& sleep 3600"]#' \
    -e '/nvidia.com\/gpu/d' -e '/^          resources:$/,+1d' \
    "$repo/docs/examples/comfyui/workloads/deployment-approved.yaml" >"$work/admit.yaml"
if kubectl apply -f "$work/admit.yaml" && kubectl -n "$ns" rollout status deployment/comfyui-e2e --timeout 180s; then
  pod="$(kubectl -n "$ns" get pod -l app=comfyui-e2e -o jsonpath='{.items[0].metadata.name}')"
  last="$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.spec.initContainers[-1:].name}')"
  code="$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.initContainerStatuses[-1:].state.terminated.exitCode}')"
  if [ "$last" = modelgate-verifier ] && [ "$code" = 0 ]; then
    pass "admitted; the verifier ran last and exited 0"
  else
    fail "admitted, but the last init-container is '$last' with exit code '$code'"
  fi
else
  fail "the approved Deployment did not become ready"
fi

log "refuse: the ComfyUI example's refused workloads"
expect_refused "$repo/docs/examples/comfyui/workloads/deployment-unapproved-model.yaml" sdxl-turbo
expect_refused "$repo/docs/examples/comfyui/workloads/deployment-revoked-model.yaml" house-style-lora-v1
expect_refused "$repo/docs/examples/comfyui/workloads/deployment-writable-models.yaml" writable
expect_refused "$repo/docs/examples/comfyui/workloads/pod-store-without-models.yaml" modelgate.dev/models
if kubectl label namespace "$ns" modelgate.dev/enforce- >/dev/null 2>&1; then
  fail "removing the enforce label was allowed"
  kubectl label namespace "$ns" modelgate.dev/enforce=true
else
  pass "removing modelgate.dev/enforce from $ns refused"
fi

log "tamper: flip bytes of the checkpoint on the node, then restart"
pv="$(kubectl -n "$ns" get pvc comfyui-models -o jsonpath='{.spec.volumeName}')"
dir="$(kubectl get pv "$pv" -o jsonpath='{.spec.local.path}{.spec.hostPath.path}')"
node="$(kubectl get pv "$pv" -o jsonpath='{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}')"
docker exec "${node:-$cluster-control-plane}" sh -c "printf 'XXXXXXXX' | dd of='$dir/checkpoints/tiny-base.safetensors' bs=1 seek=61 conv=notrunc 2>/dev/null"
kubectl -n "$ns" rollout restart deployment/comfyui-e2e
code=""
for _ in $(seq 60); do
  pod="$(kubectl -n "$ns" get pod -l app=comfyui-e2e --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.name}')"
  code="$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.initContainerStatuses[-1:].state.terminated.exitCode}{.status.initContainerStatuses[-1:].lastState.terminated.exitCode}')"
  [ -n "$code" ] && [ "$code" != 0 ] && break
  sleep 2
done
message="$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.initContainerStatuses[-1:].state.terminated.message}{.status.initContainerStatuses[-1:].lastState.terminated.message}')"
if [ "${code:0:1}" = 1 ] && grep -q 'checkpoints/tiny-base.safetensors' <<<"$message"; then
  pass "tampered checkpoint stopped the pod in Init:Error: $message"
else
  fail "tampered checkpoint: verifier exit code '$code', message '$message'"
fi

log "done"
if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "every check passed"
