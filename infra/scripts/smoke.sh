#!/usr/bin/env bash
# Smoke test: GET /health (liveness) and /ready (database, Redis, S3) must answer 200.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: smoke.sh [-k] [-r RETRIES] [-d DELAY] BASE_URL

  BASE_URL    where the bot's HTTP server answers, e.g. http://127.0.0.1:8000
              (/ready is not forwarded by the public ALB or nginx: use a task,
              pod or port-forward address for it)
  -k          allow a self-signed certificate (local nginx)
  -r RETRIES  attempts per endpoint (default 10)
  -d DELAY    seconds between attempts (default 3)
  -H          check /health only (through the public entry)
  -h          this help

Exit status 0 when every check passed, 1 otherwise.
USAGE
}

retries=10
delay=3
insecure=()
paths=(/health /ready)
while getopts ":kr:d:Hh" opt; do
    case "$opt" in
        k) insecure=(--insecure) ;;
        r) retries="$OPTARG" ;;
        d) delay="$OPTARG" ;;
        H) paths=(/health) ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 ]]; then
    usage >&2
    exit 2
fi
base="${1%/}"

command -v curl >/dev/null || { echo "smoke: curl is required" >&2; exit 2; }

failed=0
for path in "${paths[@]}"; do
    ok=0
    body=""
    for ((attempt = 1; attempt <= retries; attempt++)); do
        if body="$(curl --silent --show-error --fail-with-body --max-time 5 "${insecure[@]}" "$base$path" 2>&1)"; then
            ok=1
            break
        fi
        echo "smoke: $path attempt $attempt/$retries failed: ${body:0:200}" >&2
        sleep "$delay"
    done
    if [[ $ok -eq 1 ]]; then
        echo "smoke: OK   $base$path ${body:0:200}"
    else
        echo "smoke: FAIL $base$path" >&2
        failed=1
    fi
done
exit "$failed"
