"""Attached files (issue 15): a programme's documents, a practice's materials.

Two halves, both used by every service that keeps files:

- `check_file(name, content, max_bytes)` — the one check of an uploaded file: its name (a plain
  file name: no folder, no "..", no control characters), its size, and its type *by content*
  (PDF, DOCX, XLSX — the extension must agree with what the bytes are). A refused file raises
  `FileRefused` (a 422 naming the field `file`, in Russian) before anything is stored.
- `FileStore` — where the bytes live, under keys the service makes (`new_key()`), never under a
  user's name: `FolderStore` (the embedded mode: `<data_dir>/files/<service>/`) or
  `DatabaseStore` (the service's own database, table `<service>_file`: served on PostgreSQL the
  bytes are backed up and replicated with the rows that point at them). `file_store()` picks one
  from the settings (`NASTAVNIK_FILE_STORE`).

Files are only ever sent back as downloads (`Content-Disposition: attachment` through
shared.safe_export.attachment, with the type found here and `X-Content-Type-Options: nosniff`):
never rendered, never executed."""

from __future__ import annotations

import asyncio
import io
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import LargeBinary, delete
from sqlmodel import Column, Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import utcnow
from shared.errors import Unprocessable
from shared.settings import Settings

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""The kinds of file accepted, by extension; the content decides which one a file is."""

_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_NAME_MAX = 200
_BAD_NAME = re.compile(r"[\\/\x00-\x1f\x7f]|^\.|\.\.")


class FileRefused(Unprocessable):
    """An uploaded file that is not kept: the message says why, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the name as the user gave it, normalised (NFC), safe to show and to send back
    kind: str  # pdf | docx | xlsx
    media_type: str
    size: int
    content: bytes


def check_file(name: str, content: bytes, max_bytes: int, kinds: tuple[str, ...] = tuple(MEDIA_TYPES)) -> CheckedFile:
    """The file as it may be kept, or FileRefused naming what is wrong with it."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise FileRefused("Выберите файл.")
    if _BAD_NAME.search(name) or len(name) > _NAME_MAX:
        raise FileRefused(f"Недопустимое имя файла «{name[:80]}»: нужно простое имя без папок и служебных символов.")
    if not content:
        raise FileRefused(f"Файл «{name}» пуст.")
    if len(content) > max_bytes:
        raise FileRefused(f"Файл «{name}» больше допустимого: {len(content) / 2**20:.1f} МБ при пределе {max_bytes / 2**20:.0f} МБ.")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(kind.upper() for kind in kinds)
    if extension not in kinds:
        raise FileRefused(f"Файл «{name}»: принимаются только {allowed}.")
    actual = kind_of(content)
    if actual != extension:
        found = f"это {actual.upper()}" if actual else "это не PDF, DOCX или XLSX"
        raise FileRefused(f"Содержимое файла «{name}» не соответствует расширению .{extension}: {found}.")
    return CheckedFile(name=name, kind=actual, media_type=MEDIA_TYPES[actual], size=len(content), content=content)


def kind_of(content: bytes) -> str | None:
    """What the bytes are (pdf, docx, xlsx) or None: by their signature and, for the Office
    formats, by the parts inside the package (names only: nothing is unpacked)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in _OOXML_PART.items() if part in names), None)


def new_key() -> str:
    """A store key: random, so no name a user types ever reaches a path or a query."""
    return uuid.uuid4().hex


class FileStore(Protocol):
    """Where a service keeps files. `session` is the use case's: the database store writes in its
    transaction (a refused or failed change stores nothing); the folder store ignores it."""

    async def put(self, session: AsyncSession, key: str, content: bytes) -> None: ...

    async def get(self, session: AsyncSession, key: str) -> bytes | None: ...

    async def delete(self, session: AsyncSession, key: str) -> None: ...


_KEY = re.compile(r"^[0-9a-f]{32}$")


def _checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not a file store key: {key!r}")
    return key


class FolderStore:
    """Files in a folder (the embedded mode): written whole under a temporary name, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        key = _checked_key(key)
        return self.root / key[:2] / key

    async def put(self, session: AsyncSession, key: str, content: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), content)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(content)
        os.replace(partial, path)

    async def get(self, session: AsyncSession, key: str) -> bytes | None:
        path = self._path(key)
        return await asyncio.to_thread(path.read_bytes) if path.exists() else None

    async def delete(self, session: AsyncSession, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


_tables: dict[str, type[SQLModel]] = {}


def file_table(service: str) -> type[SQLModel]:
    """The table `<service>_file` of the database store (one class per service: SQLModel has one
    global metadata). A service using the store lists it among its tables, so its migrations
    create it whichever store it runs with."""
    if service in _tables:
        return _tables[service]
    namespace: dict[str, Any] = {
        "__tablename__": f"{service}_file",
        "__module__": __name__,
        "__annotations__": {"key": str, "content": bytes, "size": int, "stored_at": datetime},
        "key": Field(primary_key=True, max_length=32),
        "content": Field(sa_column=Column(LargeBinary, nullable=False)),
        "size": Field(),
        "stored_at": Field(default_factory=utcnow),
    }
    table = type(f"{service.capitalize()}StoredFile", (SQLModel,), namespace, table=True)
    _tables[service] = table
    return table


class DatabaseStore:
    """Files in the service's own database, written in the use case's transaction."""

    def __init__(self, service: str) -> None:
        self.table: Any = file_table(service)

    async def put(self, session: AsyncSession, key: str, content: bytes) -> None:
        session.add(self.table(key=_checked_key(key), content=content, size=len(content)))

    async def get(self, session: AsyncSession, key: str) -> bytes | None:
        row = (await session.exec(select(self.table).where(self.table.key == _checked_key(key)))).first()
        return None if row is None else bytes(row.content)

    async def delete(self, session: AsyncSession, key: str) -> None:
        await session.exec(delete(self.table).where(self.table.key == _checked_key(key)))


def file_store(settings: Settings, service: str, database_url: str) -> FileStore:
    """The store `settings.file_store` names; `auto`: the database when it is PostgreSQL."""
    choice = settings.file_store
    if choice == "auto":
        choice = "database" if database_url.startswith("postgresql") else "folder"
    if choice == "database":
        return DatabaseStore(service)
    return FolderStore(settings.data_dir / "files" / service)
