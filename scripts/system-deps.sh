#!/usr/bin/env bash
# Install the Debian packages edgeapp needs (window, browser tests, packaging), only those missing.
# Usage: scripts/system-deps.sh run|test
set -euo pipefail
run_pkgs="xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0 libegl1 libgl1 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2 libxkbfile1 libfontconfig1 fonts-dejavu-core"
test_pkgs="$run_pkgs chromium imagemagick poppler-utils zbar-tools binutils util-linux iproute2"
case "${1:-test}" in
  run) wanted=$run_pkgs ;;
  bench) wanted="$test_pkgs wrk" ;;
  *) wanted=$test_pkgs ;;
esac
missing=()
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
