#!/usr/bin/env bash
# Make sure Debian's headless-capable Chromium is at /usr/bin/chromium (for tests/test_sandbox.py).
# Idempotent: exits 0 at once when it is already installed. Playwright's own browser download
# is never used (it needs the internet); the tests launch /usr/bin/chromium directly.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "ensure_chromium: $CHROMIUM is missing and installing it needs root" >&2
        exit 1
    fi
else
    SUDO=()
fi
echo "==> installing chromium from Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure_chromium: chromium was installed but $CHROMIUM does not exist" >&2
    exit 1
fi
"$CHROMIUM" --version >&2 || true
