"""The kiosk operator's PIN: the configured one, or one generated on the first kiosk start.

A kiosk must never run with a PIN anyone can look up, so with no KIOSK_PIN set the first start
generates six random digits and keeps them in DATA_DIR (readable by the owner only), so the PIN
stays the same across restarts. The command line prints it once, when it is generated.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from edgeapp.config import Settings

PIN_FILE_NAME = "kiosk-pin"
GENERATED_DIGITS = 6


def pin_file(data_dir: Path) -> Path:
    """Where a generated PIN is kept."""
    return data_dir / PIN_FILE_NAME


def _read(path: Path) -> str | None:
    try:
        pin = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return pin if len(pin) >= 4 else None


def load_or_create_pin(data_dir: Path) -> tuple[str, bool]:
    """The PIN kept in `data_dir`, creating it first if there is none; and whether it was created now."""
    path = pin_file(data_dir)
    existing = _read(path)
    if existing is not None:
        return existing, False
    data_dir.mkdir(parents=True, exist_ok=True)
    pin = f"{secrets.randbelow(10**GENERATED_DIGITS):0{GENERATED_DIGITS}d}"
    partial = path.with_name(f".{PIN_FILE_NAME}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, f"{pin}\n".encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(partial, path)  # fails if another start made one meanwhile: theirs is the PIN
    except FileExistsError:
        os.unlink(partial)
        kept = _read(path)
        if kept is None:
            raise
        return kept, False
    os.unlink(partial)
    return pin, True


def resolve_pin(settings: Settings) -> tuple[str | None, bool]:
    """The operator PIN for `settings` (None outside kiosk mode) and whether it was generated now."""
    if settings.kiosk_pin:
        return settings.kiosk_pin, False
    if not settings.kiosk:
        return None, False
    return load_or_create_pin(settings.data_dir)


def generated_pin_notice(pin: str, data_dir: Path) -> str:
    """What the terminal shows once, when a PIN was generated."""
    return (
        f"kiosk operator PIN: {pin}  (generated now and kept in {pin_file(data_dir)}; set KIOSK_PIN to choose your own)"
    )
