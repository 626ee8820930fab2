"""Settings: documented, parsed from the environment and files, never built on import."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeapp.config import Settings


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undocumented == []


def test_allowed_origins_is_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:5173, http://127.0.0.1:3000/")
    settings = Settings(_env_file=None)
    assert settings.allowed_origins == ["http://localhost:5173", "http://127.0.0.1:3000"]


def test_environment_names_match_the_docs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RESUME_FILE", str(tmp_path / "cv.pdf"))
    monkeypatch.setenv("RESUME_DATA", str(tmp_path / "cv.json"))
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "m.gguf"))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("PORT", "9000")
    settings = Settings(_env_file=None)
    assert settings.resume_file == tmp_path / "cv.pdf"
    assert settings.resume_data == tmp_path / "cv.json"
    assert settings.model_path == tmp_path / "m.gguf"
    assert settings.database_path == tmp_path / "data" / "edgeapp.sqlite3"
    assert settings.log_level == "DEBUG"
    assert settings.port == 9000


def test_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / "edgeapp.env"
    env_file.write_text("KIOSK=true\nKIOSK_IDLE_SECONDS=30\n")
    settings = Settings(_env_file=env_file)
    assert settings.kiosk is True
    assert settings.kiosk_idle_seconds == 30


def test_bad_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ValueError, match="log_level"):
        Settings(_env_file=None)


def test_importing_the_app_builds_no_settings() -> None:
    import edgeapp.app as app_module
    import edgeapp.config as config_module

    for module in (app_module, config_module):
        assert not [v for v in vars(module).values() if isinstance(v, Settings)]
