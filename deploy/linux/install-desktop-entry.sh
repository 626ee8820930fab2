#!/bin/sh
# Add edgeapp to the desktop's application menu (current user only).
# Run it from the built folder (dist/edgeapp/install-desktop-entry.sh) or pass the launcher:
#   install-desktop-entry.sh [/path/to/edgeapp]      --uninstall removes the entry again
set -eu
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
entry="$data_home/applications/edgeapp.desktop"
icon="$data_home/icons/hicolor/256x256/apps/edgeapp.png"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$entry" "$icon"
    echo "removed $entry"
    exit 0
fi

here="$(cd "$(dirname "$0")" && pwd)"
launcher="${1:-$here/edgeapp}"
launcher="$(cd "$(dirname "$launcher")" && pwd)/$(basename "$launcher")"
if [ ! -x "$launcher" ]; then
    echo "error: $launcher is not an executable edgeapp launcher" >&2
    exit 1
fi
launcher_dir="$(dirname "$launcher")"

mkdir -p "$(dirname "$entry")" "$(dirname "$icon")"
for candidate in "$launcher_dir/edgeapp.png" "$here/../../edgeapp/assets/edgeapp.png"; do
    if [ -f "$candidate" ]; then
        cp "$candidate" "$icon"
        break
    fi
done
[ -f "$icon" ] || icon=edgeapp

template="$here/edgeapp.desktop"
if [ ! -f "$template" ]; then
    echo "error: $template is missing" >&2
    exit 1
fi
# Exec paths with spaces must be quoted inside a .desktop file; TryExec takes the bare path.
sed -e "s|^Exec=.*|Exec=\"$launcher\"|" \
    -e "s|^TryExec=.*|TryExec=$launcher|" \
    -e "s|^Icon=.*|Icon=$icon|" \
    "$template" > "$entry"
chmod 644 "$entry"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data_home/applications" >/dev/null 2>&1 || true
echo "installed $entry -> $launcher"
