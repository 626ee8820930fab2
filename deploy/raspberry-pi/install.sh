#!/bin/sh
# Install the edgeapp kiosk as a user service of the current (desktop auto-login) user.
#   deploy/raspberry-pi/install.sh            install and enable; starts at the next login
#   deploy/raspberry-pi/install.sh --now      ... and start it right away
#   deploy/raspberry-pi/install.sh --remove   disable and remove
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
unit_dir="$HOME/.config/systemd/user"
launcher="$HOME/.local/bin/edgeapp-kiosk"

if [ "$(id -u)" -eq 0 ]; then
    echo "Run this as the desktop user (e.g. pi), not root: the kiosk lives in that user's session." >&2
    exit 1
fi

if [ "${1:-}" = "--remove" ]; then
    systemctl --user disable --now edgeapp-kiosk.service 2>/dev/null || true
    rm -f "$unit_dir/edgeapp-kiosk.service" "$launcher"
    systemctl --user daemon-reload
    echo "edgeapp kiosk removed."
    exit 0
fi

mkdir -p "$unit_dir" "$(dirname "$launcher")" "$HOME/.config/edgeapp"
install -m 0755 "$here/edgeapp-kiosk.sh" "$launcher"
install -m 0644 "$here/edgeapp-kiosk.service" "$unit_dir/edgeapp-kiosk.service"
if [ ! -e "$HOME/.config/edgeapp/kiosk.env" ]; then
    printf '# EDGEAPP_BIN=%s\n# EDGEAPP_KIOSK_MODE=window\n' "$HOME/edgeapp/.venv/bin/edgeapp" \
        > "$HOME/.config/edgeapp/kiosk.env"
fi
systemctl --user daemon-reload
systemctl --user enable edgeapp-kiosk.service
if [ "${1:-}" = "--now" ]; then
    systemctl --user restart edgeapp-kiosk.service
fi

cat <<MSG
edgeapp kiosk installed for $(id -un).
Still to do once, with sudo, if not done yet:
  sudo raspi-config nonint do_boot_behaviour B4   # boot to the desktop, logged in automatically
  sudo raspi-config nonint do_blanking 1          # never blank the screen
Set the operator PIN (and your resume) in ~/.config/edgeapp/edgeapp.env, e.g.
  KIOSK_PIN=482913
  RESUME_DATA=/home/$(id -un)/resume.json
Then reboot. Logs: journalctl --user -u edgeapp-kiosk -f
MSG
