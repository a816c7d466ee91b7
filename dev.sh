#!/usr/bin/env bash
# One entry point for newcomers and CI. Each command sets up what it needs by itself.
#   ./dev.sh run          the bot: the real one with TELEGRAM_BOT_TOKEN, else the browser sandbox
#   ./dev.sh test [ARGS]  the whole test suite (PostgreSQL, Redis and an S3 server on loopback)
#   ./dev.sh setup        only create .venv and install the project
#   ./dev.sh lint         ruff and mypy
#   ./dev.sh bench [ARGS] the benchmark report (python -m bench)
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
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing the project and its test dependencies"
        "$PY" -m pip install --quiet --upgrade pip
        "$PY" -m pip install --quiet -e '.[test]'
        echo "$want" > "$stamp"
    fi
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
        ensure_postgres
        ensure_redis
        # The sandbox's browser test drives Debian's Chromium.
        bash tests/browser/ensure_chromium.sh
        start_s3
        "$PY" -m pytest "$@"
        ;;
    setup)
        ensure_venv
        ;;
    lint)
        ensure_venv
        "$VENV/bin/ruff" check .
        "$VENV/bin/mypy" bot handlers services storage tgemu sandbox
        ;;
    bench)
        ensure_venv
        ensure_postgres
        ensure_redis
        start_s3
        "$PY" -m bench "$@"
        ;;
    *)
        sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
        [ "$cmd" = help ]
        ;;
esac
