#!/usr/bin/env bash
# Prove that a fresh clone passes `make test` on a machine where nothing was installed by hand:
# a Debian bookworm root made with debootstrap that holds only what every new machine of this
# kind has and the build needs (Python 3 with venv and headers, a C/C++ compiler, cmake, git,
# make, CA certificates). Everything else must come from the project's own files
# (scripts/system-deps.sh through `make test`, pyproject.toml + constraints.txt through pip).
#
# Usage (as root): scripts/fresh-machine.sh [--pip-wheels] [ROOT]   (default ROOT: /var/tmp/edgeapp-fresh)
#   --pip-wheels  copy pip's cache of locally built wheels (llama-cpp-python) into the root, so
#                 the proof does not spend ~10 minutes compiling llama.cpp again
# The clone is of this checkout's HEAD; ../shared is copied beside it, as CI lays it out.
set -euo pipefail
wheels=no
if [ "${1:-}" = --pip-wheels ]; then wheels=yes; shift; fi
root=${1:-/var/tmp/edgeapp-fresh}
project=$(cd "$(dirname "$0")/.." && pwd)
base_packages="python3,python3-venv,python3-dev,build-essential,cmake,git,make,ca-certificates"

command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
if [ ! -x "$root/usr/bin/python3" ]; then
  debootstrap --variant=minbase --include="$base_packages" bookworm "$root" http://deb.debian.org/debian
  cat >"$root/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
fi
# The network, not the project: name resolution, and the certificate authorities this machine's
# registry access goes through (a new machine of this kind has them in the same places).
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
bundle=/etc/ssl/certs/ca-certificates.crt

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
# The root is a mount point of its own, as on a real machine (unshare --mount needs one).
mount --bind "$root" "$root"
mounted+=("$root")
for fs in proc sys dev dev/pts dev/shm; do
  mkdir -p "$root/$fs"
  mount --bind "/$fs" "$root/$fs"
  mounted+=("$root/$fs")
done

rm -rf "$root/work/edgeapp" "$root/work/shared"
mkdir -p "$root/work"
git clone --quiet "$project" "$root/work/edgeapp"
cp -r "$project/../shared" "$root/work/shared"
if [ "$wheels" = yes ] && [ -d /root/.cache/pip/wheels ]; then
  mkdir -p "$root/root/.cache/pip"
  rm -rf "$root/root/.cache/pip/wheels"
  cp -r /root/.cache/pip/wheels "$root/root/.cache/pip/wheels"
fi

# What the root holds before the run: its packages (all from Debian) and no hand-made programs.
chroot "$root" dpkg-query -W -f='${Package}\n' >"$root/work/packages-before.txt"
echo "fresh root: $(wc -l <"$root/work/packages-before.txt") Debian packages; /usr/local/bin: $(ls "$root/usr/local/bin" | wc -l) files"

chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 CI=true \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  SSL_CERT_FILE=$bundle PIP_CERT=$bundle REQUESTS_CA_BUNDLE=$bundle NODE_EXTRA_CA_CERTS=$bundle \
  bash -c 'cd /work/edgeapp && bash .ci/run'
