"""The importer's people sheets — the volume: 300,000 pupils in a region — on a bulk path: each
row validated (in a worker thread) into a record, then a chunk of records looked up and
written with multi-row INSERT / UPDATE statements (COPY on PostgreSQL), their events written
to the outbox the same way, in the import's transaction."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, String, and_, any_, bindparam, func, insert, select, tuple_, update

from shared import clock
from shared.clock import utcnow
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import ParticipantRegistered, ParticipantUpdated

from services.registry import domain
from services.registry import spreadsheet as sheets
from services.registry import spreadsheet_values as cells
from services.registry.cases import PERSON_FIELDS, snapshot
from services.registry.import_report import (
    OUTBOX,
    PARTICIPANT,
    SERVICE,
    ImporterBase,
    SheetReport,
    _as_date,
    _Context,
    _optional_text,
    _Row,
)
from services.registry.models import Participant


class PeopleImport(ImporterBase):
    """The people sheets (a mixin of Importer)."""

    async def _people(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport) -> None:
        await ctx.work.session.flush()
        async for batch in self._batches(ctx, sheet, ctx.options.chunk_size):
            # Validating is pure Python: a worker thread, so that the event loop keeps serving.
            chunk = await asyncio.to_thread(self._people_records, ctx, sheet, sheet_report, batch)
            if chunk:
                await self._apply_people(ctx, sheet, sheet_report, chunk)
            self._progress(ctx, len(batch))
            await self._checkpoint(ctx)

    def _people_records(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport,
                        batch: list[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
        records = []
        for line, values in batch:
            sheet_report.rows += 1
            record = None if self._long_cells(ctx, sheet, line, values) else self._person(ctx, sheet, line, _Row(sheet, values))
            if record is None:
                sheet_report.rejected += 1
            else:
                records.append(record)
        return records

    # -- one row: validation ----------------------------------------------------------------

    def _person(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> dict[str, Any] | None:
        """The row as a record to write (school, external id, fields, consent, withdrawal), or
        None after reporting every problem it has."""
        before = ctx.report.errors_total
        school_id = self._school_of_row(ctx, sheet, line, row)
        external_id = self._external_id(ctx, sheet, line, row, school_id)
        values = row.parse(self, ctx, line, PERSON_PARSERS, keep_going=True)
        assert values is not None  # keep_going: the good values and the names of the bad
        category = values.get("category") or sheet.category
        if not category and "category" not in values.get("_bad", ()):
            self._error(ctx, sheet, line, sheet.column("category"), row.get("category"), "Не указана категория участника",
                        "The person's category is empty", sheet.cell("category", line))
        fields = self._person_fields(ctx, sheet, line, values, category)
        if category:
            self._check_category(ctx, sheet, line, row, values, fields, category)
        state = values.get("consent")
        consent = self._consent(ctx, sheet, line, row, values, category) if state == "yes" else None
        withdraw = None
        if state == "withdrawn":
            withdraw = "consent_withdrawn"
        elif values.get("status") == "left":
            withdraw = "left_school"
        if ctx.report.errors_total > before:
            return None
        return {"line": line, "school_id": school_id, "external_id": external_id, "fields": fields,
                "consent": consent, "withdraw": withdraw}

    def _external_id(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row, school_id: str | None) -> str:
        """The person's external id, reported if empty or repeated for the school in this import."""
        external_id = cells.text(row.get("external_id"))
        if not external_id:
            self._error(ctx, sheet, line, sheet.column("external_id"), "", "Не указан внешний id участника",
                        "The person's external id is empty", sheet.cell("external_id", line))
        elif school_id:
            key = f"{school_id}\x1f{external_id}"
            first = ctx.seen_people.get(key)
            if first is not None:
                self._error(ctx, sheet, line, sheet.column("external_id"), external_id,
                            f"Внешний id {external_id} повторяется в этой школе (см. строку {first})",
                            f"External id {external_id} is repeated for this school (see line {first})",
                            sheet.cell("external_id", line))
            else:
                ctx.seen_people[key] = line
        return external_id

    def _person_fields(self, ctx: _Context, sheet: sheets.Sheet, line: int, values: dict[str, Any], category: str | None) -> dict[str, Any]:
        """The person's fields the sheet gives (a column it lacks leaves the field as it is)."""
        full_name = values.get("full_name") or " ".join(
            part for part in (values.get("last_name"), values.get("first_name"), values.get("middle_name")) if part
        )
        if not full_name:
            column = "full_name" if "full_name" in sheet.fields else "last_name"
            self._error(ctx, sheet, line, sheet.column(column), "", "Не указаны фамилия, имя, отчество",
                        "The person's name is empty", sheet.cell(column, line))
        fields: dict[str, Any] = {"category": category, "full_name": full_name}
        for name in ("subjects", "position", "experience_years", "age_band", "qualification", "newly_arrived", "grade", "partner_id",
                     "self_determination", "class_direction"):
            if name in sheet.fields:
                fields[name] = values.get(name)
        if "subjects" in fields and fields["subjects"] is None:
            fields["subjects"] = []
        if "newly_arrived" in fields:
            fields["newly_arrived"] = bool(fields["newly_arrived"])
        if "birth_year" in sheet.fields:
            fields["birth_year"] = values.get("birth_year")
        elif "birth_date" in sheet.fields:
            fields["birth_year"] = values["birth_date"].year if values.get("birth_date") else None
        return fields

    def _check_category(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row, values: dict[str, Any],
                        fields: dict[str, Any], category: str) -> None:
        """What only some categories have (domain.person_problems: a pupil's grade, self-determination
        and class direction, a student's or employer's partner organisation), then the partner's existence."""
        grade = fields.get("grade")
        if grade is None and "grade" in values.get("_bad", ()):
            grade = 0  # an unreadable grade is reported already: not missing as well
        for name, why_ru, why_en in domain.person_problems(category, grade, fields.get("partner_id") or None,
                                                             fields.get("self_determination") or None,
                                                             fields.get("class_direction") or None):
            why_ru = why_ru.replace(f" ({name})", "")  # the API names the JSON field; a file names the column
            if name == "grade" and "grade" not in sheet.fields:
                self._error(ctx, sheet, line, "Класс", "", f"{why_ru} (нет столбца «Класс»)", f"{why_en} (no column 'Класс')")
            elif not (name == "grade" and grade == 0):
                self._error(ctx, sheet, line, sheet.column(name), (grade or "") if name == "grade" else (row.get(name) or ""),
                            why_ru, why_en, sheet.cell(name, line))
        partner_id = fields.get("partner_id")
        if partner_id and category in ("student", "employer") and partner_id not in ctx.partners:
            self._error(ctx, sheet, line, sheet.column("partner_id"), partner_id,
                        f"Организация-партнёр {partner_id} не зарегистрирована", f"Partner {partner_id} is not registered",
                        sheet.cell("partner_id", line))

    def _consent(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row, values: dict[str, Any],
                 category: str | None) -> dict[str, Any]:
        """The consent a row records (who gave it, the representative, the document, the day)."""
        given_by = values.get("consent_by") or ("legal_representative" if category == "pupil" else "self")
        problem = domain.consent_problem(category or "", given_by, values.get("representative"))
        if problem:
            column = "consent_by" if "consent_by" in sheet.fields else "consent"
            self._error(ctx, sheet, line, sheet.column(column), row.get(column),
                        problem[1] + " (для обучающегося — «законный представитель»)",
                        "A pupil's consent is given by the legal representative", sheet.cell(column, line))
        return {"consent_by": given_by, "consent_representative": values.get("representative"),
                "consent_document": values.get("consent_document"), "consent_date": values.get("consent_date")}

    # -- a chunk of rows: bulk writes --------------------------------------------------------

    async def _apply_people(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport, chunk: list[dict[str, Any]]) -> None:
        conn = await ctx.work.session.connection()
        keys = [(r["school_id"], r["external_id"]) for r in chunk]
        existing = {(row["school_id"], row["external_id"]): row for row in await _existing(conn, keys)}
        writes = _Writes(tombstones=await self._tombstones(ctx, conn, [k for k in keys if k not in existing]))
        for record in chunk:
            current = existing.get((record["school_id"], record["external_id"]))
            if current is None:
                self._new_person(ctx, sheet, sheet_report, record, writes)
            elif record["withdraw"]:
                writes.withdrawals.append((current["id"], record["withdraw"]))
            else:
                self._changed_person(ctx, sheet_report, record, current, writes)
        await self._write_people(ctx, conn, sheet_report, writes)

    async def _tombstones(self, ctx: _Context, conn: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """(school, external id) → when the person withdrew, for people not in the registry who
        were in it once (only their hashed external id is kept)."""
        tombstones: dict[tuple[str, str], Any] = {}
        if not ctx.any_tombstones:
            return tombstones
        hashes = {domain.external_id_hash(self.settings.jwt_secret, s, e): (s, e) for s, e in keys}
        if not hashes:
            return tombstones
        if conn.dialect.name == "postgresql":  # one array parameter, the index on the hash
            matches = PARTICIPANT.c.external_id_hash == any_(bindparam("hashes", list(hashes), type_=ARRAY(String)))
        else:
            matches = PARTICIPANT.c.external_id_hash.in_(list(hashes))
        result = await conn.execute(select(PARTICIPANT.c.external_id_hash, PARTICIPANT.c.withdrawn_at).where(matches))
        for hashed, withdrawn_at in result:
            key = hashes[hashed]
            if key not in tombstones or withdrawn_at > tombstones[key]:
                tombstones[key] = withdrawn_at
        return tombstones

    def _new_person(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport, record: dict[str, Any], writes: _Writes) -> None:
        """A person not in the registry: inserted (announced if they consented), unless the row
        withdraws them or they withdrew before and come back without a newer consent."""
        if record["withdraw"]:
            sheet_report.unchanged += 1  # not in the registry: nothing to withdraw
            return
        key = (record["school_id"], record["external_id"])
        consent = record["consent"]
        if key in writes.tombstones:
            consent_day = consent["consent_date"] if consent else None
            problem = domain.reappearance_problem(_as_date(writes.tombstones[key]), consent_day)
            if problem:
                column = "consent_date" if "consent_date" in sheet.fields else "external_id"
                self._error(ctx, sheet, record["line"], sheet.column(column), record["external_id"], problem,
                            "The person withdrew consent or left; they may come back only with a newer consent",
                            sheet.cell(column, record["line"]))
                sheet_report.rejected += 1
                return
        row = _new_participant(record["school_id"], record["external_id"], record["fields"], writes.now)
        row["young_specialist"] = domain.is_young_specialist(
            row["category"], row["birth_year"], row["experience_years"], writes.today, row["age_band"])
        if consent:
            row.update(consent)
            row["consent_date"] = consent["consent_date"] or writes.today
            row["announced"] = True
            writes.events.append(self._event_row(ctx, ParticipantRegistered(**_snapshot_of(row)), ctx.work.correlation_id))
        writes.inserts.append(row)
        sheet_report.created += 1

    def _changed_person(self, ctx: _Context, sheet_report: SheetReport, record: dict[str, Any], current: dict[str, Any],
                        writes: _Writes) -> None:
        """A person in the registry: updated if the row changes them (announced: registered on a
        first consent, else updated if they were announced)."""
        today, consent = writes.today, record["consent"]
        after = dict(current)
        after.update(record["fields"])
        after["young_specialist"] = domain.is_young_specialist(
            after["category"], after["birth_year"], after["experience_years"], today, after["age_band"])
        newly_consented = False
        if consent and current["consent_date"] is None:
            after.update(consent)
            after["consent_date"] = consent["consent_date"] or today
            newly_consented = True
        elif consent:
            after.update({name: consent[name] for name in CONSENT_COLUMNS if consent.get(name) is not None})
        if not [name for name in (*PERSON_FIELDS, "category", "young_specialist", *CONSENT_COLUMNS) if after.get(name) != current.get(name)]:
            sheet_report.unchanged += 1
            return
        before_view = _snapshot_of(current)
        after_view = _snapshot_of(after)
        changed = [name for name in after_view if after_view[name] != before_view[name]]
        if newly_consented:
            after["announced"] = True
            writes.events.append(self._event_row(ctx, ParticipantRegistered(**after_view), ctx.work.correlation_id))
        elif current["announced"] and changed:
            writes.events.append(self._event_row(ctx, ParticipantUpdated(**after_view, changed=changed), ctx.work.correlation_id))
        after["updated_at"] = writes.now
        writes.updates.append({f"b_{name}": after[name] for name in _UPDATED_COLUMNS} | {"b_id": current["id"]})
        sheet_report.updated += 1

    async def _write_people(self, ctx: _Context, conn: Any, sheet_report: SheetReport, writes: _Writes) -> None:
        """The chunk's multi-row INSERT and UPDATE, its events into the outbox, then the withdrawals
        (through the registry's use case: each one ends enrolments and pairs)."""
        if writes.inserts:
            await _insert_many(conn, PARTICIPANT, writes.inserts)
        if writes.updates:
            await conn.execute(_UPDATE_PARTICIPANT, writes.updates)
        if writes.events:
            await _insert_many(conn, OUTBOX, writes.events)
            ctx.work.emitted.append(writes.events[-1]["id"])  # the relay is woken after the commit
            ctx.report.events += len(writes.events)
        for participant_id, reason in writes.withdrawals:
            person = await ctx.work.session.get(Participant, participant_id)
            if person is not None:
                emitted = len(ctx.work.emitted)
                await self.service.withdraw_in(ctx.work, person, reason, ctx.options.actor)
                ctx.report.events += len(ctx.work.emitted) - emitted
                sheet_report.withdrawn += 1
        if writes.withdrawals:
            await ctx.work.session.flush()

    def _event_row(self, ctx: _Context, event: Any, correlation_id: str | None) -> dict[str, Any]:
        envelope = new_envelope(SERVICE, event, correlation_id)
        return {"id": envelope.id, "event_type": envelope.type, "body": envelope.model_dump_json(),
                "correlation_id": correlation_id, "created_at": ctx.next_time(), "sent_at": None}


@dataclass
class _Writes:
    """What a chunk of people rows writes."""

    tombstones: dict[tuple[str, str], Any]
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    withdrawals: list[tuple[str, str]] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)

    @property
    def today(self) -> date:
        return clock.local_date(self.now)


PERSON_PARSERS: dict[str, Callable[[Any], Any]] = {
    "category": cells.category, "subjects": cells.listing, "position": _optional_text,
    "experience_years": lambda v: cells.integer(v, 0, 70), "birth_year": lambda v: cells.integer(v, 1930, 2030),
    "birth_date": cells.a_date, "age_band": cells.age_band, "qualification": _optional_text,
    "newly_arrived": cells.boolean, "grade": cells.grade, "partner_id": _optional_text,
    "self_determination": cells.self_determination, "class_direction": _optional_text, "consent": cells.consent_state, "consent_by": cells.consent_by, "representative": _optional_text,
    "consent_document": _optional_text, "consent_date": cells.a_date, "status": cells.status,
    "full_name": cells.text, "last_name": cells.text, "first_name": cells.text, "middle_name": cells.text,
}
"""How each cell of a people sheet is read."""
CONSENT_COLUMNS = ("consent_by", "consent_representative", "consent_document", "consent_date")


_UPDATED_COLUMNS = (*PERSON_FIELDS, "category", "young_specialist", "consent_by", "consent_representative",
                    "consent_document", "consent_date", "announced", "updated_at")
_UPDATE_PARTICIPANT = (
    update(PARTICIPANT)
    .where(PARTICIPANT.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in _UPDATED_COLUMNS})
)


async def _insert_many(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row insert in the import's transaction: PostgreSQL's COPY (binary, through asyncpg)
    where available — several times faster than INSERT for 300,000 rows — else executemany."""
    if conn.dialect.name == "postgresql":
        driver = (await conn.get_raw_connection()).driver_connection
        if hasattr(driver, "copy_records_to_table"):
            columns = [column.name for column in table.columns]
            # COPY hands values to asyncpg's codecs as they are: JSON columns need their text.
            as_json = [c.name for c in table.columns if c.type.__class__.__name__ == "JSON"]
            for row in rows:
                for name in as_json:
                    row[name] = json.dumps(row[name], ensure_ascii=False)
            # A column the importer does not set (one added to the model later) gets its
            # scalar default, as INSERT would give it, rather than breaking COPY.
            defaults = {c.name: c.default.arg for c in table.columns if c.default is not None and not callable(c.default.arg)}
            records = [tuple(row[c] if c in row else defaults.get(c) for c in columns) for row in rows]
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
            return
    await conn.execute(insert(table), rows)


async def _existing(conn: Any, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The participants with these (school, external id) keys: on PostgreSQL one query joining
    two arrays, elsewhere (school_id, external_id) IN (…) by the thousand."""
    found: list[dict[str, Any]] = []
    if conn.dialect.name == "postgresql":
        query = (
            select(PARTICIPANT)
            .join(_KEYS, and_(PARTICIPANT.c.school_id == _KEYS.c.s, PARTICIPANT.c.external_id == _KEYS.c.e))
        )
        result = await conn.execute(query, {"schools": [k[0] for k in keys], "externals": [k[1] for k in keys]})
        return [dict(mapping) for mapping in result.mappings()]
    for part in range(0, len(keys), 1000):
        result = await conn.execute(
            select(PARTICIPANT).where(tuple_(PARTICIPANT.c.school_id, PARTICIPANT.c.external_id).in_(keys[part:part + 1000]))
        )
        found.extend(dict(mapping) for mapping in result.mappings())
    return found


_KEYS = (
    func.unnest(bindparam("schools", type_=ARRAY(String)), bindparam("externals", type_=ARRAY(String)))
    .table_valued("s", "e")
    .render_derived(name="keys")
)


def _new_participant(school_id: str, external_id: str, fields: dict[str, Any], now: Any) -> dict[str, Any]:
    row = {
        "id": str(uuid.uuid4()), "school_id": school_id, "external_id": external_id, "category": fields["category"],
        "full_name": fields["full_name"], "subjects": fields.get("subjects") or [], "position": fields.get("position"),
        "experience_years": fields.get("experience_years"), "birth_year": fields.get("birth_year"),
        "age_band": fields.get("age_band"), "qualification": fields.get("qualification"),
        "newly_arrived": bool(fields.get("newly_arrived")), "grade": fields.get("grade"), "partner_id": fields.get("partner_id"),
        "self_determination": fields.get("self_determination"), "class_direction": fields.get("class_direction"), "young_specialist": False, "status": "active", "consent_by": None, "consent_representative": None,
        "consent_document": None, "consent_date": None, "announced": False, "withdrawn_at": None,
        "withdrawal_reason": None, "external_id_hash": None, "registered_at": now, "updated_at": None,
    }
    return row


def _snapshot_of(row: dict[str, Any]) -> dict[str, Any]:
    return snapshot(_View(row))  # type: ignore[arg-type]


class _View:
    """Attribute access over a row dict, for service.snapshot."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return self._row[name]
