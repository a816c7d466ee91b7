#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for tests/test_sandbox.py (headless).
# Idempotent: exits 0 when it is already installed. Playwright's own browser download is
# never used (it needs the internet); the tests launch /usr/bin/chromium directly.
# Also adds an emoji font when it can, so screenshots show the bot's emoji rather than boxes.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf

SUDO=()
CAN_INSTALL=1
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        CAN_INSTALL=0
    fi
fi

apt_install() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ -x "$CHROMIUM" ]; then
    if [ ! -f "$EMOJI_FONT" ] && [ "$CAN_INSTALL" -eq 1 ]; then
        apt_install fonts-noto-color-emoji \
            || echo "ensure_chromium: could not add the emoji font (cosmetic only)" >&2
    fi
    exit 0
fi
if [ "$CAN_INSTALL" -ne 1 ]; then
    echo "ensure_chromium: $CHROMIUM is missing and installing it needs root" >&2
    exit 1
fi
echo "==> installing chromium from Debian packages" >&2
apt_install chromium fonts-dejavu-core fonts-noto-color-emoji
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure_chromium: chromium was installed but $CHROMIUM does not exist" >&2
    exit 1
fi
"$CHROMIUM" --version >&2 2>/dev/null || true
