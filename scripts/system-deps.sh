#!/usr/bin/env bash
# Install the Debian packages edgeapp needs (window, browser tests, packaging), only those missing.
# Usage: scripts/system-deps.sh run|test|bench      install what that mode needs
#        scripts/system-deps.sh list run|test|bench print those packages, one a line
# tests/prerequisites.py names the package behind every program the app and the tests run, and
# tests/test_system_deps.py checks that this script installs each of them.
set -euo pipefail
run_pkgs="xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0 libegl1 libgl1 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2 libxkbfile1 libfontconfig1 fonts-dejavu-core fonts-noto-core fonts-noto-cjk"
test_pkgs="$run_pkgs chromium imagemagick poppler-utils zbar-tools librsvg2-bin binutils util-linux iproute2 xdotool x11-utils postgresql"
# npm: the machine's Node.js brings it; Debian's npm only where there is none (and, once this
# script installed it, it stays listed).
if ! command -v npm >/dev/null 2>&1 || dpkg-query -W -f='${Status}' npm 2>/dev/null | grep -q "install ok installed"; then
  test_pkgs="$test_pkgs npm"
fi
bench_pkgs="$test_pkgs wrk cmake"

packages_for() {
  case "$1" in
    run) echo "$run_pkgs" ;;
    test) echo "$test_pkgs" ;;
    bench) echo "$bench_pkgs" ;;
    *) echo "unknown mode $1 (run, test or bench)" >&2; return 2 ;;
  esac
}

if [ "${1:-test}" = list ]; then
  packages_for "${2:-test}" | tr ' ' '\n'
  exit 0
fi
wanted=$(packages_for "${1:-test}")
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
