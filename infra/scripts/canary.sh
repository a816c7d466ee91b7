#!/usr/bin/env bash
# Canary control for the Kubernetes deployment (Argo Rollouts, infra/k8s/rollout.yaml):
# steps 10 % -> 30 % -> 60 % -> 100 %, each gated by the Prometheus error-rate analysis.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: canary.sh start   IMAGE     start a canary with a new image (e.g. registry/thesis-supervisor:1.4.2)
       canary.sh status            show the rollout, its steps and analysis runs
       canary.sh promote [--full]  go to the next step (--full: skip the remaining steps)
       canary.sh abort             stop the canary; all traffic back to the stable version
       canary.sh retry             retry an aborted rollout
       canary.sh undo              roll back to the previous revision

Environment: NAMESPACE (default thesis-supervisor), ROLLOUT (default thesis-supervisor),
             KUBECTL (default kubectl). Needs the kubectl argo rollouts plugin.
USAGE
}

namespace="${NAMESPACE:-thesis-supervisor}"
rollout="${ROLLOUT:-thesis-supervisor}"
kubectl_bin="${KUBECTL:-kubectl}"

if [[ $# -lt 1 ]]; then
    usage >&2
    exit 2
fi

argo() {
    "$kubectl_bin" argo rollouts --namespace "$namespace" "$@"
}

preflight() {
    command -v "$kubectl_bin" >/dev/null || { echo "canary: $kubectl_bin not found" >&2; exit 2; }
    argo version >/dev/null 2>&1 || { echo "canary: the kubectl argo rollouts plugin is required" >&2; exit 2; }
}

case "$1" in
    -h | --help) usage ;;
    start)
        [[ $# -eq 2 ]] || { usage >&2; exit 2; }
        preflight
        argo set image "$rollout" "app=$2"
        argo get rollout "$rollout"
        ;;
    status)
        preflight
        argo get rollout "$rollout"
        "$kubectl_bin" --namespace "$namespace" get analysisruns \
            -l "rollouts-pod-template-hash" --sort-by=.metadata.creationTimestamp 2>/dev/null | tail -n 5 || true
        ;;
    promote)
        preflight
        if [[ "${2:-}" == "--full" ]]; then
            argo promote "$rollout" --full
        else
            argo promote "$rollout"
        fi
        argo get rollout "$rollout"
        ;;
    abort)
        preflight
        argo abort "$rollout"
        argo get rollout "$rollout"
        ;;
    retry)
        preflight
        argo retry rollout "$rollout"
        ;;
    undo)
        preflight
        argo undo "$rollout"
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
