"""Settings from the environment (12-factor), with defaults that run the embedded mode."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("registry", "pairing", "surveys", "reports", "notifications", "practices")
DEV_JWT_SECRET = "nastavnik-embedded-development-secret-change-me"  # noqa: S105 - `nastavnik run` only; `serve` refuses it
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 8  # "aaaa…" or "0101…" is no secret, whatever its length
BROKER_SCHEMES = ("amqp", "amqps")


class Settings(BaseSettings):
    """Everything a service reads from its environment; one instance per process."""

    model_config = SettingsConfigDict(env_prefix="NASTAVNIK_", extra="ignore")

    rabbitmq_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("RABBITMQ_URL", "NASTAVNIK_RABBITMQ_URL"),
        description="AMQP URL of the broker; unset means FastStream's in-memory broker.",
    )
    rabbitmq_nodes: str = Field(
        default="",
        description="The other nodes of the broker's cluster, `host:port` comma-separated (same credentials and vhost as "
                    "RABBITMQ_URL): the services connect to the first that answers and move to a surviving one (docs/scale.md).",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "NASTAVNIK_DATABASE_URL"),
        description="The service's own database (serve mode); unset means a SQLite file in data_dir.",
    )
    data_dir: Path = Path("data")
    jwt_secret: str = Field(
        default=DEV_JWT_SECRET, min_length=MIN_SECRET_LENGTH,
        description="HMAC key of the bearer tokens (32+ chars); `serve` refuses the embedded development default.",
    )
    jwt_ttl_hours: int = 12
    region_id: str = "demo-region"
    region_name: str = "Демонстрационный край"
    prefetch: int = Field(default=32, ge=1, description="Unacknowledged messages per consumer channel.")
    delivery_limit: int = Field(default=5, ge=1, description="Deliveries before a message is dead-lettered.")
    publish_timeout: float = 10.0
    consumer_stall_seconds: float = Field(
        default=20, ge=0,
        description="Seconds a queue may hold ready messages while delivering none to an idle consumer before the "
        "service reconnects to restore its consumers (shared/messaging/stall.py); 0: never.",
    )
    outbox_retention_days: float = Field(
        default=7, ge=0, description="Days a sent event stays in its producer's outbox (audit) before it is deleted; 0: kept forever."
    )
    surveys_schedule_interval: float = Field(
        default=3600, ge=0,
        description="Seconds between runs of the surveys schedule (close ended campaigns, send due reminders); 0: off.",
    )
    surveys_reminder_days_before: list[int] = Field(
        default=[3, 1], description="Days before a campaign's closes_on on which non-respondents are reminded (JSON list).",
    )
    smtp_host: str | None = Field(
        default=None, description="Mail server of the notifications service; unset: mails are written to <data_dir>/mail/*.eml.",
    )
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: str = Field(default="none", pattern="^(none|starttls|tls)$", description="none | starttls | tls (implicit TLS, port 465).")
    smtp_timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for the mail server.")
    mail_from: str = Field(default="Наставник <nastavnik@localhost>", description="The From of every mail.")
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base of the links in mails (the users' origin).")
    mail_retention_days: float = Field(
        default=30, ge=0, description="Days a sent or bounced mail (its text holds a personal link) is kept; 0: forever. Pending: always.",
    )
    log_level: str = "INFO"
    access_log: bool = Field(default=True, description="One log line per HTTP request (method, path without query, status, client).")
    trusted_proxies: list[str] = Field(
        default=["127.0.0.1", "::1"],
        description="Peers whose X-Forwarded-For is believed for the client address of the audit and access log (JSON list).",
    )
    audit_retention_days: float = Field(
        default=365, ge=0, description="Days an entry of the personal-data audit log is kept (the region decides); 0: forever.",
    )
    token_max_lifetime_hours: float = Field(
        default=24 * 30, gt=0, description="The longest validity of a bearer token; a token signed for longer is refused.",
    )
    session_max_hours: float = Field(
        default=8, gt=0, description="The longest validity of a browser session (the cookie); a longer one is refused.",
    )
    revocation_refresh_seconds: float = Field(
        default=10, ge=0, description="Each process reloads its table of revoked sessions and tokens this often; 0: at start only.",
    )
    # -- limits on what enters (shared/limits.py; docs/operators.md) -----------------------
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body of any route but uploads (bytes); larger: 413.",
    )
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Largest uploaded file (registry imports), bytes; larger: 413 (the proxy's client_max_body_size is 50m).",
    )
    file_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024,
        description="Largest attached file (a programme's document, a practice's file: PDF, DOCX, XLSX), bytes; larger: 422.",
    )
    file_store: str = Field(
        default="auto", pattern="^(auto|folder|database)$",
        description="Where attached files are kept: folder (<data_dir>/files/<service>/), database (the service's own, a "
                    "table <service>_file), auto: database when it is PostgreSQL, else the folder (shared/files.py).",
    )
    import_max_rows: int = Field(default=500_000, ge=1, description="Rows in one import (all sheets together); more: refused.")
    import_max_unpacked_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1024, description="An XLSX's members unpacked, together (bytes); more: refused before parsing.",
    )
    import_max_shared_strings_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, description="An XLSX's shared strings unpacked (held in memory while reading), bytes.",
    )
    import_max_compression_ratio: int = Field(
        default=100, ge=2, description="Largest unpacked/packed ratio of an XLSX member (a zip bomb packs ~1000:1).",
    )
    import_max_cell_chars: int = Field(default=2000, ge=10, description="Longest cell of an imported file (characters).")

    @property
    def outbox_retention(self) -> timedelta | None:
        return timedelta(days=self.outbox_retention_days) if self.outbox_retention_days else None
    demo: bool = False

    @property
    def broker_urls(self) -> list[str]:
        """RABBITMQ_URL, then the same URL on each of NASTAVNIK_RABBITMQ_NODES."""
        from shared.messaging.cluster import node_urls

        if not self.rabbitmq_url:
            return []
        return node_urls(self.rabbitmq_url, self.rabbitmq_nodes.split(","))

    @property
    def in_memory_broker(self) -> bool:
        return not self.rabbitmq_url

    def database_url_for(self, service: str, *, shared_process: bool = False) -> str:
        """The database of `service`: `<SERVICE>_DATABASE_URL`, else `DATABASE_URL` when the
        service runs alone, else a SQLite file `<data_dir>/<service>.db`."""
        specific = os.environ.get(f"{service.upper()}_DATABASE_URL")
        if specific:
            return specific
        if self.database_url and not shared_process:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    def database_configured(self, service: str) -> bool:
        """An operator named the service's database (`<SERVICE>_DATABASE_URL` or `DATABASE_URL`)."""
        return bool(os.environ.get(f"{service.upper()}_DATABASE_URL") or self.database_url)


def serve_problems(settings: Settings, service: str) -> list[str]:
    """Why `nastavnik serve <service>` must not start with these settings, one line per problem,
    Russian / English. Only `nastavnik run` may use the embedded defaults (in-memory broker,
    SQLite files, the development secret, the demo)."""
    problems = []
    if not settings.rabbitmq_url:
        problems.append("не задан брокер: укажите RABBITMQ_URL (amqp://…) / no broker: set RABBITMQ_URL (amqp://…)")
    elif settings.rabbitmq_url.split("://", 1)[0].lower() not in BROKER_SCHEMES:
        problems.append("RABBITMQ_URL должен начинаться с amqp:// или amqps:// / RABBITMQ_URL must be amqp:// or amqps://")
    if not settings.database_configured(service):
        problems.append(f"не задана база данных: укажите DATABASE_URL (или {service.upper()}_DATABASE_URL) / "
                        f"no database: set DATABASE_URL (or {service.upper()}_DATABASE_URL)")
    secret = settings.jwt_secret
    if secret == DEV_JWT_SECRET or DEV_JWT_SECRET in secret:
        problems.append("NASTAVNIK_JWT_SECRET не задан или равен встроенному ключу разработки, который опубликован в коде / "
                        "NASTAVNIK_JWT_SECRET is unset or the embedded development secret, which is public")
    elif len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < MIN_SECRET_DISTINCT:
        problems.append(f"NASTAVNIK_JWT_SECRET слишком простой: нужно не меньше {MIN_SECRET_LENGTH} случайных символов "
                        f"(например, openssl rand -hex 32) / NASTAVNIK_JWT_SECRET is too weak: "
                        f"{MIN_SECRET_LENGTH}+ random characters (e.g. openssl rand -hex 32)")
    if settings.demo:
        problems.append("демонстрационный режим (NASTAVNIK_DEMO) возможен только в nastavnik run / "
                        "demo mode (NASTAVNIK_DEMO) is for nastavnik run only")
    return problems
