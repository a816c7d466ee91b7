#!/usr/bin/env bash
# Validate the deployment files offline. Run by CI: `bash infra/validate.sh`.
# Exits non-zero when any check fails and prints what it checked.
#
#   1. tools        nginx and shellcheck present (installed with apt-get when missing)
#   2. nginx        `nginx -t` on infra/nginx with a throwaway self-signed certificate
#   3. shellcheck   every *.sh in the repository (not .venv, node_modules, .git);
#                   fails on warning/error findings, prints info/style ones
#   4. compose      `docker compose config -q` when the compose plugin exists (else skipped)
#   5. files        every JSON/YAML file parses; docker-compose.yml structure; Dockerfile rules
#   6. terraform    python-hcl2 parse + security rules (infra/check_terraform.py)
#   7. tf fmt       `terraform fmt -check` when terraform is installed (else skipped)
#
# Environment: PYTHON (interpreter with PyYAML and python-hcl2; default .venv/bin/python,
# then python3; the two packages are pip-installed when missing).
set -euo pipefail

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
}
case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

passed=0
failed=0
skipped=0
failed_names=()
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

pass() { echo "PASS  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1" >&2; failed=$((failed + 1)); failed_names+=("$1"); }
skip() { echo "SKIP  $1"; skipped=$((skipped + 1)); }
section() { printf '\n==> %s\n' "$1"; }
indent() { sed -e '/^$/d' -e 's/^/    /'; }

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

apt_updated=no
apt_install() {
    command -v apt-get >/dev/null || return 1
    if [[ "$apt_updated" == "no" ]]; then
        as_root apt-get update -qq || return 1
        apt_updated=yes
    fi
    # Keep package scripts from starting an nginx daemon while installing.
    local guard=no
    if [[ ! -e /usr/sbin/policy-rc.d ]] && [[ "$(id -u)" -eq 0 ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        guard=yes
    fi
    local rc=0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
    if [[ "$guard" == "yes" ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    return "$rc"
}

ensure_tool() { # command package
    if command -v "$1" >/dev/null; then
        pass "tool $1 present ($(command -v "$1"))"
        return 0
    fi
    echo "installing $2 for $1 ..."
    if apt_install "$2" && command -v "$1" >/dev/null; then
        pass "tool $1 installed from apt package $2"
    else
        fail "tool $1 missing and apt-get install $2 failed"
        return 1
    fi
}

# ---------------------------------------------------------------- 1. tools
section "tools"
PATH="$PATH:/usr/sbin:/sbin"
have_nginx=yes
have_shellcheck=yes
ensure_tool nginx nginx-light || have_nginx=no
ensure_tool shellcheck shellcheck || have_shellcheck=no
ensure_tool openssl openssl || have_nginx=no

PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PY="$ROOT/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
if ! "$PY" -c 'import hcl2, yaml' 2>/dev/null; then
    echo "installing python-hcl2 and PyYAML into $PY ..."
    if ! "$PY" -m pip install --quiet --disable-pip-version-check 'python-hcl2>=4.3' 'PyYAML>=6' >/dev/null 2>&1; then
        # An externally managed interpreter (PEP 668): use a throwaway venv instead.
        echo "pip refused; using a temporary virtualenv"
        if "$PY" -m venv "$WORK/venv" >/dev/null 2>&1 \
            && "$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
                'python-hcl2>=4.3' 'PyYAML>=6' >/dev/null 2>&1; then
            PY="$WORK/venv/bin/python"
        fi
    fi
fi
if "$PY" -c 'import hcl2, yaml' 2>/dev/null; then
    pass "python $PY has python-hcl2 and PyYAML"
else
    fail "python $PY lacks python-hcl2/PyYAML (pip install 'python-hcl2>=4.3' PyYAML)"
fi

# ---------------------------------------------------------------- 2. nginx
section "nginx -t (infra/nginx, throwaway certificate, upstream app -> 127.0.0.1)"
if [[ "$have_nginx" == "yes" ]]; then
    conf="$WORK/nginx"
    mkdir -p "$conf/tls"
    cp -R infra/nginx/. "$conf/"
    openssl req -x509 -nodes -newkey rsa:2048 -days 1 -subj "/CN=localhost" \
        -keyout "$conf/tls/tls.key" -out "$conf/tls/tls.crt" >/dev/null 2>&1
    # Same config, with /etc/nginx/ pointing into the temp dir and the compose
    # host name "app" (unresolvable here) replaced by 127.0.0.1.
    find "$conf" -name '*.conf' -exec sed -i -e "s#/etc/nginx/#$conf/#g" \
        -e 's#server app:8000#server 127.0.0.1:8000#' {} +
    if out="$(nginx -t -p "$conf" -c "$conf/nginx.conf" 2>&1)"; then
        indent <<<"$out"
        pass "nginx -t infra/nginx/nginx.conf"
    else
        indent <<<"$out" >&2
        fail "nginx -t infra/nginx/nginx.conf"
    fi
    for header in Strict-Transport-Security X-Content-Type-Options X-Frame-Options Referrer-Policy Content-Security-Policy; do
        grep -rq "add_header $header" infra/nginx || fail "nginx: security header $header missing"
    done
    grep -rq 'ssl_protocols TLSv1.2 TLSv1.3;' infra/nginx || fail "nginx: ssl_protocols must be TLSv1.2 TLSv1.3 only"
    grep -rq 'limit_req zone=webhook' infra/nginx || fail "nginx: no limit_req on the webhook location"
    grep -rq 'limit_req zone=login burst=5' infra/nginx || fail "nginx: no 5 r/m limit_req on /api/auth/login"
    grep -rq 'limit_req zone=api ' infra/nginx || fail "nginx: no limit_req on the Mini App API"
    for prefix in /calendar/ /export/; do
        grep -rq "location $prefix" infra/nginx || fail "nginx: $prefix (calendar feeds, export links) not served"
    done
else
    fail "nginx -t (nginx or openssl unavailable)"
fi

# ---------------------------------------------------------------- 3. shellcheck
section "shellcheck (every *.sh)"
if [[ "$have_shellcheck" == "yes" ]]; then
    mapfile -t scripts < <(find "$ROOT" \( -name .git -o -name .venv -o -name venv -o -name node_modules \) -prune \
        -o -type f -name '*.sh' -print | sort)
    if [[ ${#scripts[@]} -eq 0 ]]; then
        skip "shellcheck: no *.sh files"
    else
        # Findings at SHELLCHECK_SEVERITY (default warning) or above fail; lower ones
        # (info/style) are printed as notes. SHELLCHECK_SEVERITY=style for zero tolerance.
        severity="${SHELLCHECK_SEVERITY:-warning}"
        for script in "${scripts[@]}"; do
            rel="${script#"$ROOT"/}"
            if ! shellcheck -x --severity="$severity" "$script"; then
                fail "shellcheck $rel"
            elif notes="$(shellcheck -x "$script" 2>&1)"; then
                pass "shellcheck $rel"
            else
                indent <<<"$notes"
                pass "shellcheck $rel (info/style notes above; not failing)"
            fi
        done
    fi
else
    fail "shellcheck (unavailable)"
fi

# ---------------------------------------------------------------- 4. docker compose
section "docker compose config"
if command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then
    if TELEGRAM_BOT_TOKEN="${TELEGRAM_BOT_TOKEN:-123456:validate-dummy-token}" \
        docker compose -f docker-compose.yml config -q; then
        pass "docker compose config -q"
    else
        fail "docker compose config -q"
    fi
else
    skip "docker compose config -q (no compose v2 plugin here; structure checked by infra/check_files.py below)"
fi

# ---------------------------------------------------------------- 5. files
section "JSON/YAML parse, docker-compose.yml structure, Dockerfile (infra/check_files.py)"
if "$PY" infra/check_files.py "$ROOT"; then
    pass "infra/check_files.py"
else
    fail "infra/check_files.py"
fi

# ---------------------------------------------------------------- 6. terraform rules
section "Terraform parse and security rules (infra/check_terraform.py)"
if "$PY" infra/check_terraform.py infra/terraform; then
    pass "infra/check_terraform.py"
else
    fail "infra/check_terraform.py"
fi

# ---------------------------------------------------------------- 7. terraform fmt
section "terraform fmt -check"
if command -v terraform >/dev/null; then
    if TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive -diff infra/terraform; then
        pass "terraform fmt -check infra/terraform"
    else
        fail "terraform fmt -check infra/terraform (run: terraform fmt -recursive infra/terraform)"
    fi
else
    skip "terraform fmt -check (terraform not installed; providers cannot be fetched here, so no terraform validate either)"
fi

# ---------------------------------------------------------------- summary
echo
if [[ "$failed" -eq 0 ]]; then
    echo "validate.sh: OK - $passed checks passed, $skipped skipped"
    exit 0
fi
echo "validate.sh: FAILED - $failed of $((passed + failed)) checks failed ($skipped skipped):" >&2
printf '    %s\n' "${failed_names[@]}" >&2
exit 1
