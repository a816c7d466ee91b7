#!/usr/bin/env bash
# One entry point for newcomers and CI. Each command sets up what it needs by itself.
#   ./dev.sh run          the bot: the real one with TELEGRAM_BOT_TOKEN, else the browser sandbox
#   ./dev.sh test [ARGS]  the whole test suite (PostgreSQL, Redis and an S3 server on loopback);
#                         `./dev.sh test -m unit` (or tests/unit) runs the fast tier, no services
#   ./dev.sh setup        only create .venv and install the project
#   ./dev.sh lint         ruff and mypy
#   ./dev.sh bench [ARGS] the benchmark report (python -m bench)
#   ./dev.sh lock [ARGS]  re-resolve requirements*.lock from PyPI (ARGS: --upgrade, -P NAME)
set -euo pipefail
cd "$(dirname "$0")"

VENV=${VENV:-.venv}
PY="$VENV/bin/python"

log() { printf '==> %s\n' "$*" >&2; }

ensure_venv() {
    if [ ! -x "$PY" ]; then
        log "creating virtual environment in $VENV"
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.installed" want
    want=$(cat pyproject.toml requirements.lock requirements-test.lock | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing the locked dependencies (requirements-test.lock) and the project"
        "$PY" -m pip install --quiet --upgrade pip
        # Exactly the versions and files CI tested: every one pinned and its hash checked.
        "$PY" -m pip install --quiet --require-hashes -r requirements-test.lock
        "$PY" -m pip install --quiet --no-deps -e .
        echo "$want" > "$stamp"
    fi
}

# The lock files are resolved for Python 3.11 on Linux (the image's and CI's), from PyPI
# alone: this machine's pip configuration (extra local indexes, constraints) is ignored.
lock() {
    local tools=${LOCK_VENV:-/tmp/thesis-pip-tools} python=${LOCK_PYTHON:-python3.11}
    command -v "$python" >/dev/null || python=python3
    "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
        || { log "the lock is made with Python 3.11; set LOCK_PYTHON"; return 1; }
    local pypi=(env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT
                PIP_CONFIG_FILE=/dev/null)
    if [ ! -x "$tools/bin/pip-compile" ]; then
        log "installing pip-tools in $tools"
        "$python" -m venv "$tools"
        "${pypi[@]}" "$tools/bin/pip" install --quiet --index-url https://pypi.org/simple pip-tools
    fi
    local out extra
    for out in requirements.lock requirements-test.lock; do
        extra=(); [ "$out" = requirements-test.lock ] && extra=(--extra test)
        log "resolving $out"
        "${pypi[@]}" CUSTOM_COMPILE_COMMAND="./dev.sh lock" "$tools/bin/pip-compile" --quiet \
            --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links \
            --index-url https://pypi.org/simple "${extra[@]}" -o "$out" "$@" pyproject.toml
    done
}

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        log "need $* but cannot install it without root"; return 1
    fi
    log "installing $* from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    log "starting PostgreSQL"
    local version
    version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 1
    done
    pg_isready -h 127.0.0.1 -p 5432
    # Fresh clusters need trust on loopback for the test role; the machine image has it.
    if ! psql -h 127.0.0.1 -U postgres -tAc 'select 1' >/dev/null 2>&1; then
        log "PostgreSQL does not accept the postgres user on 127.0.0.1 without a password"
        return 1
    fi
}

# Receipts and protocols are PDFs with Cyrillic text: DejaVu Sans (telegram/pdf.py).
ensure_fonts() {
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && return
    apt_install fonts-dejavu-core || log "no DejaVu Sans: PDFs fall back to Helvetica"
}

ensure_redis() {
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
    command -v redis-server >/dev/null || apt_install redis-server
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 20); do
        redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return
        sleep 0.5
    done
    redis-cli -h 127.0.0.1 -p 6379 ping
}

# Test-only npm tools (axe-core for the browser tests), pinned in tests/browser/package-lock.json:
# `npm ci` only when the lock changed since the last install (or nothing is installed).
ensure_npm_tools() {
    local dir=tests/browser stamp=tests/browser/node_modules/.installed want
    want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    if ! command -v npm >/dev/null; then
        log "npm is missing: the browser tests' axe-core checks cannot run"; return 0
    fi
    log "installing the browser tests' npm tools (npm ci in $dir)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_s3() {
    if [ -n "${TEST_S3_ENDPOINT_URL:-}" ]; then return; fi
    local port
    port=$(free_port)
    log "starting the S3 server (moto) on 127.0.0.1:$port"
    mkdir -p test-artifacts
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" > test-artifacts/moto.log 2>&1 &
    S3_PID=$!
    trap 'kill "$S3_PID" 2>/dev/null || true' EXIT
    for _ in $(seq 1 60); do
        if "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
            export TEST_S3_ENDPOINT_URL="http://127.0.0.1:$port"
            return
        fi
        sleep 0.5
    done
    log "the S3 server did not start"; cat test-artifacts/moto.log >&2; return 1
}

# The fast tier (`-m unit`, or only paths under tests/unit) needs none of the services.
unit_only() {
    local arg prev="" paths=0 outside=0 marked=0
    for arg in "$@"; do
        if [ "$prev" = "-m" ] && [ "$arg" = unit ]; then marked=1; fi
        case "$arg" in
            -m=unit|-munit) marked=1 ;;
            -*) ;;
            *) if [ "$prev" != "-m" ] && [ "$prev" != "-k" ]; then
                   paths=$((paths + 1))
                   case "$arg" in tests/unit|tests/unit/*|./tests/unit|./tests/unit/*) ;;
                                  *) outside=1 ;; esac
               fi ;;
        esac
        prev=$arg
    done
    [ "$marked" = 1 ] || { [ "$paths" -gt 0 ] && [ "$outside" = 0 ]; }
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        ensure_venv
        if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
            "$PY" -m bot migrate
            exec "$PY" -m bot run
        fi
        log "no TELEGRAM_BOT_TOKEN: starting the sandbox (a built-in Telegram in your browser)"
        exec "$PY" -m bot sandbox "$@"
        ;;
    test)
        ensure_venv
        if ! unit_only "$@"; then
            ensure_postgres
            ensure_redis
            ensure_fonts
            # The sandbox's browser test drives Debian's Chromium.
            bash tests/browser/ensure_chromium.sh
            ensure_npm_tools
            start_s3
        fi
        "$PY" -m pytest "$@"
        ;;
    setup)
        ensure_venv
        ;;
    lint)
        ensure_venv
        "$VENV/bin/ruff" check .
        "$VENV/bin/mypy" bot api handlers telegram services storage tgemu sandbox
        ;;
    lock)
        lock "$@"
        ;;
    bench)
        ensure_venv
        ensure_postgres
        ensure_redis
        start_s3
        "$PY" -m bench "$@"
        ;;
    *)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
        [ "$cmd" = help ]
        ;;
esac
