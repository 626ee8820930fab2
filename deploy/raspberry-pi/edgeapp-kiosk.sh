#!/bin/sh
# Start the edgeapp kiosk on the local desktop session (run by edgeapp-kiosk.service).
#
# A user service does not inherit the session's DISPLAY / WAYLAND_DISPLAY, so this waits for
# the compositor's socket (labwc and wayfire on Raspberry Pi OS, or X11) and exports it.
#
#   EDGEAPP_BIN          the edgeapp command (default: `edgeapp` on PATH, else ~/edgeapp/.venv/bin/edgeapp)
#   EDGEAPP_KIOSK_MODE   window  - edgeapp's own fullscreen window (operator PIN closes it) [default]
#                        browser - `edgeapp serve --kiosk --browser`: Chromium in kiosk mode
#   EDGEAPP_DISPLAY_WAIT seconds to wait for the desktop (default 90)
set -eu

runtime="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"
export XDG_RUNTIME_DIR="$runtime"
wait_seconds="${EDGEAPP_DISPLAY_WAIT:-90}"

find_display() {
    if [ -z "${WAYLAND_DISPLAY:-}" ]; then
        for socket in "$runtime"/wayland-*; do
            case "$socket" in *.lock) continue ;; esac
            if [ -S "$socket" ]; then
                WAYLAND_DISPLAY="$(basename "$socket")"
                export WAYLAND_DISPLAY
                break
            fi
        done
    fi
    if [ -z "${DISPLAY:-}" ]; then
        for socket in /tmp/.X11-unix/X*; do
            if [ -S "$socket" ]; then
                DISPLAY=":${socket##*/X}"
                export DISPLAY
                break
            fi
        done
    fi
    [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${DISPLAY:-}" ]
}

waited=0
until find_display; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "edgeapp-kiosk: no desktop session after ${wait_seconds}s (enable desktop auto-login)" >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
if [ -n "${WAYLAND_DISPLAY:-}" ] && [ -z "${XDG_SESSION_TYPE:-}" ]; then
    export XDG_SESSION_TYPE=wayland
fi

# X11 sessions: no screen saver or power-down while the kiosk runs
if [ -n "${DISPLAY:-}" ] && command -v xset >/dev/null 2>&1; then
    xset s off -dpms s noblank 2>/dev/null || true
fi

bin="${EDGEAPP_BIN:-}"
if [ -z "$bin" ]; then
    bin="$(command -v edgeapp || true)"
fi
if [ -z "$bin" ] && [ -x "$HOME/edgeapp/.venv/bin/edgeapp" ]; then
    bin="$HOME/edgeapp/.venv/bin/edgeapp"
fi
if [ -z "$bin" ]; then
    echo "edgeapp-kiosk: edgeapp not found; set EDGEAPP_BIN in ~/.config/edgeapp/kiosk.env" >&2
    exit 1
fi

case "${EDGEAPP_KIOSK_MODE:-window}" in
    browser) exec "$bin" serve --kiosk --browser ;;
    *) exec "$bin" --kiosk ;;
esac
