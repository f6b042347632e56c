"""Reading the spreadsheets schools send: CSV (UTF-8 or Windows-1251, `;`, `,` or tab) and XLSX
(streamed with openpyxl's read-only mode), their Russian column headers, and their values.

Nothing here touches the database: a sheet becomes a stream of (line, {field: raw value}); the
parsers turn raw values into typed ones or raise `BadValue` with the reason in Russian and
English. See docs/registry.md for the template."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from services.registry.spreadsheet_values import BadValue

# -- sheet kinds and their columns -----------------------------------------------------------

KIND_ORDER = ("schools", "partners", "people", "programmes", "enrolments")

KIND_NAMES = {
    "schools": "Школы",
    "partners": "Партнёры",
    "people": "Участники",
    "programmes": "Программы",
    "enrolments": "Зачисления",
}

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "schools": {
        "school_id": ("код школы", "код оо", "код", "id школы", "идентификатор школы", "id"),
        "name": ("наименование", "наименование школы", "название", "название школы", "полное наименование",
                 "наименование оо", "школа"),
        "municipality_id": ("код муниципалитета", "код мо", "код района", "код муниципального образования"),
        "municipality_name": ("муниципалитет", "муниципальное образование", "район", "мо", "городской округ",
                              "район (городской округ)", "муниципальный район"),
        "low_results": ("низкие результаты", "низкие результаты обучения", "шнор", "школа с низкими результатами"),
        "difficult_conditions": ("неблагоприятные социальные условия", "сложные социальные условия", "шнсу",
                                 "неблагоприятные условия"),
    },
    "partners": {
        "partner_id": ("код партнёра", "код организации", "код", "id"),
        "name": ("наименование", "название", "организация", "наименование организации"),
        "kind": ("тип", "вид", "тип организации", "вид организации"),
        "municipality_id": ("код муниципалитета", "код мо"),
    },
    "people": {
        "school_id": ("код школы", "школа", "код оо", "оо", "id школы"),
        "external_id": ("внешний id", "внешний идентификатор", "id", "идентификатор", "код участника",
                        "табельный номер", "личный номер", "номер личного дела", "id в системе школы", "id участника"),
        "category": ("категория", "категория участника", "тип участника"),
        "full_name": ("фио", "ф.и.о.", "ф. и. о.", "фамилия имя отчество", "фамилия, имя, отчество", "участник"),
        "last_name": ("фамилия",),
        "first_name": ("имя",),
        "middle_name": ("отчество",),
        "subjects": ("предметы", "предмет", "преподаваемые предметы", "предметная область"),
        "position": ("должность",),
        "experience_years": ("стаж", "педагогический стаж", "стаж (лет)", "стаж работы", "педстаж", "стаж, лет"),
        "birth_year": ("год рождения",),
        "birth_date": ("дата рождения",),
        "age_band": ("возрастная группа", "возраст"),
        "qualification": ("квалификационная категория", "категория квалификации", "квалификация"),
        "newly_arrived": ("вновь прибывший", "вновь пришедший", "вновь пришедший педагог", "новый сотрудник"),
        "grade": ("класс",),
        "self_determination": ("профессиональное самоопределение", "самоопределение", "профессиональный выбор",
                               "профессиональное самоопределение обучающегося"),
        "class_direction": ("направление класса", "профиль класса", "профиль обучения", "направленность класса"),
        "partner_id": ("организация-партнёр", "код партнёра", "партнёр", "организация"),
        "consent": ("согласие", "согласие на обработку пд", "согласие на обработку персональных данных", "согласие пд"),
        "consent_by": ("согласие дал", "кто дал согласие", "согласие дано"),
        "representative": ("законный представитель", "фио законного представителя", "родитель (законный представитель)",
                           "родитель", "представитель"),
        "consent_document": ("документ согласия", "реквизиты согласия", "номер согласия"),
        "consent_date": ("дата согласия",),
        "status": ("статус", "выбыл"),
    },
    "programmes": {
        "school_id": ("код школы", "школа", "код оо"),
        "code": ("код программы", "код"),
        "title": ("название", "название программы", "наименование программы", "программа", "наименование"),
        "academic_year": ("учебный год", "год"),
        "forms": ("формы", "формы наставничества", "форма наставничества", "форма"),
        "curator": ("куратор", "куратор (внешний id)", "внешний id куратора", "куратор id"),
        "stage": ("этап", "стадия"),
    },
    "enrolments": {
        "school_id": ("код школы", "школа", "код оо"),
        "programme": ("код программы", "программа"),
        "external_id": ("внешний id", "внешний id участника", "внешний идентификатор", "участник", "id участника", "id"),
        "role": ("роль", "роль в программе"),
        "capacity": ("вместимость", "число наставляемых", "макс. наставляемых", "наставляемых одновременно"),
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "schools": ("school_id", "name", "municipality_id", "municipality_name"),
    "partners": ("partner_id", "name", "kind"),
    "people": ("external_id",),
    "programmes": ("code", "title", "academic_year"),
    "enrolments": ("programme", "external_id", "role"),
}

TEMPLATE_HEADERS: dict[str, list[str]] = {
    "Школы": ["Код школы", "Наименование", "Код муниципалитета", "Муниципалитет", "Низкие результаты",
              "Неблагоприятные социальные условия"],
    "Партнёры": ["Код партнёра", "Наименование", "Тип", "Код муниципалитета"],
    "Педагоги": ["Код школы", "Внешний id", "ФИО", "Должность", "Предметы", "Стаж", "Год рождения",
                 "Квалификационная категория", "Вновь прибывший", "Согласие", "Дата согласия", "Статус"],
    "Обучающиеся": ["Код школы", "Внешний id", "ФИО", "Класс", "Согласие", "Согласие дал", "Законный представитель",
                    "Дата согласия", "Статус"],
    "Студенты": ["Код школы", "Внешний id", "ФИО", "Организация-партнёр", "Согласие", "Дата согласия", "Статус"],
    "Работодатели": ["Код школы", "Внешний id", "ФИО", "Организация-партнёр", "Должность", "Согласие", "Дата согласия",
                     "Статус"],
    "Программы": ["Код школы", "Код программы", "Название", "Учебный год", "Формы", "Куратор", "Этап"],
    "Зачисления": ["Код школы", "Код программы", "Внешний id", "Роль", "Вместимость"],
}

SHEET_CATEGORY_WORDS = (
    ("педагог", "teacher"), ("учител", "teacher"), ("сотрудник", "teacher"),
    ("обучающ", "pupil"), ("ученик", "pupil"), ("учащ", "pupil"),
    ("студент", "student"),
    ("работодат", "employer"),
    ("teacher", "teacher"), ("pupil", "pupil"), ("student", "student"), ("employer", "employer"),
)
SHEET_KIND_WORDS = (
    ("зачисл", "enrolments"), ("программ", "programmes"), ("партн", "partners"), ("школ", "schools"),
    ("enrol", "enrolments"), ("programme", "programmes"), ("partner", "partners"), ("school", "schools"),
)


def normalise_header(text: Any) -> str:
    value = str(text or "").strip().lower().replace("ё", "е").replace("\u00a0", " ")
    value = value.rstrip("*").strip()
    value = re.sub(r"\s*\((да/нет|лет|через ;|через запятую|дд\.мм\.гггг|гггг-мм-дд)\)\s*$", "", value)
    return re.sub(r"\s+", " ", value)


_ALIASES: dict[str, dict[str, str]] = {
    kind: {normalise_header(alias): name for name, aliases in columns.items() for alias in aliases}
    for kind, columns in COLUMNS.items()
}


@dataclass
class Sheet:
    """One table of a file: its kind, where each known field is, and a way to stream its rows."""

    source: str
    name: str
    kind: str
    category: str | None
    header_line: int
    headers: list[str]
    fields: dict[str, int]  # field → column index (0-based)
    unknown: list[str] = field(default_factory=list)
    rows_hint: int | None = None
    _rows: Any = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows()

    def column(self, name: str) -> str:
        return self.headers[self.fields[name]] if name in self.fields else name

    def cell(self, name: str, line: int) -> str:
        if name not in self.fields:
            return ""
        return f"{get_column_letter(self.fields[name] + 1)}{line}"


def classify(sheet_name: str, headers: list[str]) -> tuple[str | None, str | None, dict[str, int], list[str]]:
    """(kind, category implied by the sheet's name, field → column, unknown headers)."""
    normalised = [normalise_header(h) for h in headers]
    lowered_name = sheet_name.lower().replace("ё", "е")

    def mapped(kind: str) -> tuple[dict[str, int], list[str]]:
        fields: dict[str, int] = {}
        unknown = []
        for index, header in enumerate(normalised):
            if not header:
                continue
            name = _ALIASES[kind].get(header)
            if name is None or name in fields:
                unknown.append(headers[index])
            else:
                fields[name] = index
        return fields, unknown

    header_set = set(normalised)
    kind: str | None
    if {"роль", "роль в программе"} & header_set:
        kind = "enrolments"
    elif {"учебный год"} & header_set:
        kind = "programmes"
    elif {"тип", "тип организации", "вид организации"} & header_set and not {"фио", "фамилия"} & header_set:
        kind = "partners"
    elif {"муниципалитет", "муниципальное образование", "код муниципалитета"} & header_set and not (
        {"фио", "фамилия", "внешний id", "класс"} & header_set
    ):
        kind = "schools"
    elif set(_ALIASES["people"]) & header_set and (
        {"фио", "ф.и.о.", "фамилия", "фамилия имя отчество", "фамилия, имя, отчество", "внешний id", "класс", "категория"} & header_set
    ):
        kind = "people"
    else:
        kind = next((k for word, k in SHEET_KIND_WORDS if word in lowered_name), None)
    if kind is None:
        return None, None, {}, list(headers)
    category = None
    if kind == "people":
        category = next((c for word, c in SHEET_CATEGORY_WORDS if word in lowered_name), None)
    fields, unknown = mapped(kind)
    return kind, category, fields, unknown


# -- limits (issue 13, H2): checked before a file is parsed -------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one import may hold; the defaults are the settings' (NASTAVNIK_IMPORT_*)."""

    max_rows: int = 500_000
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_shared_strings_bytes: int = 64 * 1024 * 1024
    max_compression_ratio: int = 100
    max_cell_chars: int = 2000

    @classmethod
    def of(cls, settings: Any) -> Limits:
        return cls(max_rows=settings.import_max_rows, max_unpacked_bytes=settings.import_max_unpacked_bytes,
                   max_shared_strings_bytes=settings.import_max_shared_strings_bytes,
                   max_compression_ratio=settings.import_max_compression_ratio, max_cell_chars=settings.import_max_cell_chars)


MAX_ZIP_MEMBERS = 10_000
RATIO_FROM_BYTES = 1024 * 1024  # small members (styles, a sheet of ten rows) may pack better than the ratio


def _size(size: int) -> str:
    from shared.limits import megabytes

    return megabytes(size)


def check_xlsx(source: str, data: bytes | None, limits: Limits) -> None:
    """Refuse a zip bomb from its directory, before openpyxl unpacks anything. The sizes are the
    ones the archive declares; Python's zipfile never unpacks more than a member declares."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadValue(f"Файл XLSX не читается: {exc}", f"The XLSX file cannot be read: {exc}") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise BadValue(f"В файле XLSX {len(members)} частей: это не таблица (допустимо не более {MAX_ZIP_MEMBERS})",
                       f"The XLSX file has {len(members)} members: not a spreadsheet (at most {MAX_ZIP_MEMBERS})")
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise BadValue(
            f"Файл XLSX распаковывается в {_size(total)} — больше допустимых {_size(limits.max_unpacked_bytes)} "
            "(NASTAVNIK_IMPORT_MAX_UNPACKED_BYTES). Разделите его на части или сохраните как CSV.",
            f"The XLSX file unpacks to {total} bytes, over the limit of {limits.max_unpacked_bytes} "
            "(NASTAVNIK_IMPORT_MAX_UNPACKED_BYTES). Split it or save it as CSV.")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and ratio > limits.max_compression_ratio:
            raise BadValue(
                f"Часть файла XLSX «{member.filename[:100]}» сжата в {ratio:.0f} раз (допустимо не более "
                f"{limits.max_compression_ratio}, NASTAVNIK_IMPORT_MAX_COMPRESSION_RATIO): так сжимаются не таблицы, "
                "а «zip-бомбы». Файл не принят.",
                f"XLSX member '{member.filename[:100]}' is compressed {ratio:.0f}:1 (at most {limits.max_compression_ratio}:1, "
                "NASTAVNIK_IMPORT_MAX_COMPRESSION_RATIO): a zip bomb, not a spreadsheet. The file is refused.")
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > limits.max_shared_strings_bytes:
            raise BadValue(
                f"Строки файла XLSX занимают {_size(member.file_size)} — больше допустимых "
                f"{_size(limits.max_shared_strings_bytes)} (NASTAVNIK_IMPORT_MAX_SHARED_STRINGS_BYTES). "
                "Разделите файл на части или сохраните как CSV.",
                f"The XLSX file's shared strings take {member.file_size} bytes, over {limits.max_shared_strings_bytes} "
                "(NASTAVNIK_IMPORT_MAX_SHARED_STRINGS_BYTES). Split it or save it as CSV.")


def long_cells(values: list[Any], limit: int) -> list[tuple[int, int]]:
    """(column index, length) of every cell longer than `limit` characters."""
    return [(index, len(value)) for index, value in enumerate(values) if isinstance(value, str) and len(value) > limit]


def too_many_rows(limits: Limits) -> BadValue:
    from shared.formatting import number

    return BadValue(
        f"В файле больше {number(limits.max_rows, 0)} строк (NASTAVNIK_IMPORT_MAX_ROWS): ничего не записано. "
        "Разделите файл на части.",
        f"The file holds more than {limits.max_rows} rows (NASTAVNIK_IMPORT_MAX_ROWS); nothing was written. Split it.")


# -- reading files ----------------------------------------------------------------------------


def is_xlsx(name: str, data: bytes | None = None) -> bool:
    if data is not None:
        return data[:2] == b"PK"
    return name.lower().endswith((".xlsx", ".xlsm"))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadValue("Файл не в кодировке UTF-8 или Windows-1251", "The file is neither UTF-8 nor Windows-1251")


def _dialect(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ";"


def _file_encoding(path: str) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes so, else Windows-1251 — read in
    chunks, never the whole file at once."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as file:
        head = file.read(4096)
        if b"\x00" in head:
            raise BadValue("Файл не похож на CSV или XLSX", "The file looks like neither CSV nor XLSX")
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = file.read(1024 * 1024)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251"
    return "utf-8-sig"


def read_csv(source: str, data: bytes | None = None) -> Sheet | None:
    """A CSV file is one sheet; its kind comes from its headers (else its file name). Given a
    path, the file is streamed (the rows are read from disk as they are imported)."""
    name = Path(source).stem
    if data is not None:
        if b"\x00" in data[:4096]:
            raise BadValue("Файл не похож на CSV или XLSX", "The file looks like neither CSV nor XLSX")
        text = _decode(data)

        def opened() -> Any:
            return io.StringIO(text, newline="")
    else:
        encoding = _file_encoding(source)

        def opened() -> Any:
            return open(source, encoding=encoding, newline="")

    with opened() as head:
        delimiter = _dialect(head.read(4096))

    def reader(file: Any) -> Any:
        return csv.reader(file, delimiter=delimiter)

    headers: list[str] | None = None
    header_line = 0
    rows_hint = 0
    with opened() as file:
        rows = reader(file)
        try:
            for raw in rows:
                if headers is None:
                    if any(cell.strip() for cell in raw):
                        headers = raw
                        header_line = rows.line_num
                elif any(cell.strip() for cell in raw):
                    rows_hint += 1  # counted at C speed: the progress bar's total, and the rows limit
        except csv.Error as exc:
            raise _csv_problem(exc, rows.line_num) from None
    if headers is None:
        return None
    kind, category, fields, unknown = classify(name, headers)

    def stream() -> Iterator[tuple[int, list[Any]]]:
        with opened() as file:
            inner = reader(file)
            try:
                for raw in inner:
                    if inner.line_num <= header_line:
                        continue
                    if not any(cell.strip() for cell in raw):
                        continue
                    yield inner.line_num, raw
            except csv.Error as exc:
                raise _csv_problem(exc, inner.line_num) from None

    sheet = Sheet(source, name, kind or "", category, header_line, headers, fields, unknown, rows_hint=rows_hint)
    sheet._rows = stream  # noqa: SLF001 - Sheet is this module's own class
    return sheet


def _csv_problem(exc: csv.Error, line: int) -> BadValue:
    return BadValue(f"CSV не читается в строке {line}: {exc} (слишком длинное поле или незакрытая кавычка)",
                    f"The CSV cannot be read at line {line}: {exc} (a field too long or an unclosed quote)")


def read_xlsx(source: str, data: bytes | None = None, limits: Limits | None = None) -> Iterator[Sheet]:
    """Each non-empty worksheet is a sheet; openpyxl's read-only mode streams the rows. The
    archive is checked against the limits first (a zip bomb is refused unopened)."""
    from openpyxl import load_workbook

    check_xlsx(source, data, limits or Limits())
    try:
        workbook = load_workbook(io.BytesIO(data) if data is not None else source, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl, zipfile, XML: whatever a broken file raises is «не читается»
        raise BadValue(f"Файл XLSX не читается: {exc}", f"The XLSX file cannot be read: {exc}") from None
    for worksheet in workbook.worksheets:
        headers: list[str] | None = None
        header_line = 0
        for index, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if any(v not in (None, "") for v in values):
                headers = ["" if v is None else str(v) for v in values]
                header_line = index
                break
            if index > 20:
                break
        if headers is None:
            continue
        kind, category, fields, unknown = classify(worksheet.title, headers)

        def stream(ws=worksheet, start=header_line) -> Iterator[tuple[int, list[Any]]]:  # noqa: ANN001
            for line, values in enumerate(ws.iter_rows(min_row=start + 1, values_only=True), start=start + 1):
                if any(v not in (None, "") for v in values):
                    yield line, list(values)

        sheet = Sheet(source, worksheet.title, kind or "", category, header_line, headers, fields, unknown,
                      rows_hint=max(0, (worksheet.max_row or header_line) - header_line))
        sheet._rows = stream  # noqa: SLF001 - Sheet is this module's own class
        yield sheet


def read_sheets(source: str, data: bytes | None = None, limits: Limits | None = None) -> list[Sheet]:
    """The file's sheets (blocking work: the importer calls it in a worker thread)."""
    if is_xlsx(source, data) if data is not None else _starts_as_zip(source):
        return list(read_xlsx(source, data, limits))
    sheet = read_csv(source, data)
    return [sheet] if sheet else []


def _starts_as_zip(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(2) == b"PK"
    except OSError:
        return is_xlsx(path)
