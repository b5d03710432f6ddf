#!/usr/bin/env bash
# Install what tests/test_browser.py and benchmarks/bench_map.py need on a fresh Debian
# machine, as root: Debian's chromium (driven by the playwright Python package through
# executable_path=/usr/bin/chromium; no browser download) and a font for the map's text.
# Idempotent: when both are present it returns at once without touching apt.
set -euo pipefail

packages=(chromium fonts-dejavu-core)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ] && [ -x /usr/bin/chromium ]; then
    echo "browser-setup: chromium and fonts already installed"
    exit 0
fi

# chromium registered but its binary gone: install it again
reinstall=()
if [ ${#missing[@]} -eq 0 ]; then
    missing=(chromium)
    reinstall=(--reinstall)
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "browser-setup: need root to install ${missing[*]}; run: sudo bash $0" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${reinstall[@]}" "${missing[@]}"
/usr/bin/chromium --version
