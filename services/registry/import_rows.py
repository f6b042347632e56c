"""The importer's rows of schools, partners, programmes and enrolments (thousands at most): each
goes through the same use cases as the HTTP API (services/registry/service.py), after the
checks that report a row's problems instead of failing the whole import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from shared.clock import utcnow
from shared.contracts.registry import PartnerRegistered, PartnerUpdated, SchoolUpdated

from services.registry import domain
from services.registry import spreadsheet as sheets
from services.registry import spreadsheet_values as cells
from services.registry.commands import Enrol, LaunchProgramme, RegisterSchool
from services.registry.import_report import ImporterBase, _Context, _Row
from services.registry.models import Enrolment, Municipality, Participant, Partner, Programme, School
from services.registry.service import school_event


class ReferenceRows(ImporterBase):
    """Schools, partners, programmes, enrolments (a mixin of Importer)."""

    def _too_long(self, ctx: _Context, sheet: sheets.Sheet, line: int, values: dict, limits: dict[str, int]) -> bool:
        """A row error for a value longer than the API would take (domain.*_LIMITS); True if there is one."""
        found = domain.too_long(values, limits)
        if found is None:
            return False
        name, limit = found
        self._error(ctx, sheet, line, sheet.column(name), values[name][:80],
                    f"Слишком длинное значение «{sheet.column(name)}»: {len(values[name])} символов, допустимо не более {limit}",
                    f"'{sheet.column(name)}' is too long: {len(values[name])} characters, at most {limit}", sheet.cell(name, line))
        return True

    async def _school_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        principal = ctx.options.principal
        if principal is not None and principal.role != "region_admin":
            self._error(ctx, sheet, line, "", "", "Школы регистрирует только региональный администратор",
                        "Only the region's administrator registers schools")
            return None
        values = row.parse(self, ctx, line, {
            "school_id": cells.text, "name": cells.text, "municipality_id": cells.text, "municipality_name": cells.text,
            "low_results": cells.boolean, "difficult_conditions": cells.boolean,
        })
        if values is None:
            return None
        for name in ("school_id", "name", "municipality_id", "municipality_name"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        if self._too_long(ctx, sheet, line, values, domain.SCHOOL_LIMITS):
            return None
        if ctx.options.school_id and values["school_id"] != ctx.options.school_id:
            self._error(ctx, sheet, line, sheet.column("school_id"), values["school_id"],
                        f"Строка другой школы ({values['school_id']}): импорт выполняется для школы {ctx.options.school_id}",
                        f"Row for another school ({values['school_id']}): this import is for school {ctx.options.school_id}")
            return None
        key = f"school\x1f{values['school_id']}"
        if key in ctx.seen_people:
            self._error(ctx, sheet, line, sheet.column("school_id"), values["school_id"],
                        f"Код школы повторяется (см. строку {ctx.seen_people[key]})",
                        f"Duplicate school code (see line {ctx.seen_people[key]})")
            return None
        ctx.seen_people[key] = line
        session = ctx.work.session
        school = await session.get(School, values["school_id"])
        low = bool(values.get("low_results"))
        difficult = bool(values.get("difficult_conditions"))
        if school is None:
            await self.service.register_school_in(ctx.work, RegisterSchool(
                school_id=values["school_id"], name=values["name"], municipality_id=values["municipality_id"],
                municipality_name=values["municipality_name"], low_results=low, difficult_conditions=difficult,
            ), ctx.options.actor)
            ctx.schools[values["school_id"]] = values["municipality_id"]
            ctx.report.events += 1
            return "created"
        municipality = await session.get(Municipality, values["municipality_id"])
        changed = False
        if municipality is None:
            municipality = Municipality(id=values["municipality_id"], name=values["municipality_name"])
            session.add(municipality)
            changed = True
        elif municipality.name != values["municipality_name"]:
            municipality.name = values["municipality_name"]
            session.add(municipality)
            changed = True
        if "low_results" not in sheet.fields:
            low = school.low_results
        if "difficult_conditions" not in sheet.fields:
            difficult = school.difficult_conditions
        for name, value in (("name", values["name"]), ("municipality_id", municipality.id), ("low_results", low),
                            ("difficult_conditions", difficult)):
            if getattr(school, name) != value:
                setattr(school, name, value)
                changed = True
        if not changed:
            return "unchanged"
        school.updated_at = utcnow()
        session.add(school)
        ctx.schools[school.id] = municipality.id
        ctx.work.emit(school_event(SchoolUpdated, school, municipality, self.settings.region_id))
        ctx.report.events += 1
        return "updated"

    async def _partner_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        principal = ctx.options.principal
        if principal is not None and principal.role not in ("region_admin", "municipal_coordinator"):
            self._error(ctx, sheet, line, "", "", "Партнёров регистрирует регион или муниципалитет",
                        "Partners are registered by the region or a municipality")
            return None
        values = row.parse(self, ctx, line, {"partner_id": cells.text, "name": cells.text, "kind": cells.partner_kind,
                                            "municipality_id": cells.text})
        if values is None:
            return None
        for name in ("partner_id", "name", "kind"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        session = ctx.work.session
        municipality_id = values.get("municipality_id") or None
        if municipality_id and await session.get(Municipality, municipality_id) is None:
            self._error(ctx, sheet, line, sheet.column("municipality_id"), municipality_id,
                        f"Муниципалитет {municipality_id} не найден", f"Municipality {municipality_id} not found")
            return None
        if principal is not None and principal.scope != "region" and not (municipality_id and principal.sees_municipality(municipality_id)):
            self._error(ctx, sheet, line, sheet.column("municipality_id"), municipality_id or "",
                        "Партнёр вне вашего муниципалитета", "The partner is outside your municipality")
            return None
        partner = await session.get(Partner, values["partner_id"])
        fields = {"partner_id": values["partner_id"], "name": values["name"], "kind": values["kind"],
                  "region_id": self.settings.region_id, "municipality_id": municipality_id}
        if partner is None:
            session.add(Partner(id=values["partner_id"], name=values["name"], kind=values["kind"], municipality_id=municipality_id))
            ctx.partners.add(values["partner_id"])
            ctx.work.emit(PartnerRegistered(**fields))
            ctx.report.events += 1
            return "created"
        if (partner.name, partner.kind, partner.municipality_id) == (values["name"], values["kind"], municipality_id):
            return "unchanged"
        partner.name, partner.kind, partner.municipality_id = values["name"], values["kind"], municipality_id
        session.add(partner)
        ctx.work.emit(PartnerUpdated(**fields))
        ctx.report.events += 1
        return "updated"

    async def _person_by_external_id(self, ctx: _Context, school_id: str, external_id: str) -> Participant | None:
        result = await ctx.work.session.exec(
            select(Participant).where(col(Participant.school_id) == school_id, col(Participant.external_id) == external_id)
        )
        return result.scalars().first()

    async def _programme_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        school_id = self._school_of_row(ctx, sheet, line, row)
        values = row.parse(self, ctx, line, {
            "code": cells.text, "title": cells.text, "academic_year": cells.academic_year,
            "forms": lambda v: cells.forms(v, domain.FORMS), "curator": cells.text,
            "stage": lambda v: cells.stage(v, domain.STAGES),
        })
        if values is None or school_id is None:
            return None
        for name in ("code", "title"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        if self._too_long(ctx, sheet, line, values, domain.PROGRAMME_LIMITS):
            return None
        key = f"programme\x1f{school_id}\x1f{values['code']}"
        if key in ctx.seen_people:
            self._error(ctx, sheet, line, sheet.column("code"), values["code"],
                        f"Код программы повторяется (см. строку {ctx.seen_people[key]})",
                        f"Duplicate programme code (see line {ctx.seen_people[key]})")
            return None
        ctx.seen_people[key] = line
        curator = None
        if values.get("curator"):
            curator = await self._person_by_external_id(ctx, school_id, values["curator"])
            problem = None
            if curator is None:
                problem = (f"Куратор с внешним id {values['curator']} не найден в школе", f"Curator {values['curator']} not found in the school")
            elif curator.category != "teacher":
                problem = ("Куратором может быть только педагог", "Only a teacher can be a curator")
            elif curator.consent_date is None:
                problem = (domain.no_consent_message("teacher"), "No consent to personal-data processing is recorded for the curator")
            if problem:
                self._error(ctx, sheet, line, sheet.column("curator"), values["curator"], *problem, sheet.cell("curator", line))
                return None
        session = ctx.work.session
        result = await session.exec(select(Programme).where(col(Programme.school_id) == school_id, col(Programme.code) == values["code"]))
        programme = result.scalars().first()
        emitted = len(ctx.work.emitted)
        if programme is None:
            await self.service.create_programme_in(ctx.work, school_id, LaunchProgramme(
                title=values["title"], academic_year=values["academic_year"], forms=values.get("forms") or ["teacher_teacher"],
                code=values["code"], curator_id=curator.id if curator else None, stage=values.get("stage") or "preparing",
            ), ctx.options.actor)
            ctx.report.events += len(ctx.work.emitted) - emitted
            return "created"
        if programme.academic_year != values["academic_year"]:
            self._error(ctx, sheet, line, sheet.column("academic_year"), values["academic_year"],
                        f"Программа {values['code']} относится к {programme.academic_year} учебному году; для нового года заведите новую программу",
                        f"Programme {values['code']} belongs to {programme.academic_year}; create a new programme for a new year")
            return None
        if programme.stage == "closed":
            return "unchanged"
        changes: dict[str, Any] = {"title": values["title"]}
        if "forms" in sheet.fields and values.get("forms"):
            changes["forms"] = values["forms"]
        if "curator" in sheet.fields:
            changes["curator_id"] = curator.id if curator else None
        if "stage" in sheet.fields and values.get("stage"):
            changes["stage"] = values["stage"]
        changed = await self.service.update_programme_in(ctx.work, programme, changes, ctx.options.actor)
        ctx.report.events += len(ctx.work.emitted) - emitted
        return "updated" if changed else "unchanged"

    async def _enrolment_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        school_id = self._school_of_row(ctx, sheet, line, row)
        values = row.parse(self, ctx, line, {"programme": cells.text, "external_id": cells.text, "role": cells.role,
                                            "capacity": lambda v: cells.integer(v, 1, 30)})
        if values is None or school_id is None:
            return None
        session = ctx.work.session
        result = await session.exec(select(Programme).where(col(Programme.school_id) == school_id, col(Programme.code) == values.get("programme")))
        programme = result.scalars().first()
        if programme is None:
            self._error(ctx, sheet, line, sheet.column("programme"), values.get("programme"),
                        f"Программа с кодом {values.get('programme')} не найдена в школе {school_id}",
                        f"No programme with code {values.get('programme')} in school {school_id}", sheet.cell("programme", line))
            return None
        person = await self._person_by_external_id(ctx, school_id, values.get("external_id") or "")
        if person is None:
            self._error(ctx, sheet, line, sheet.column("external_id"), values.get("external_id"),
                        f"Участник с внешним id {values.get('external_id')} не найден в школе {school_id}",
                        f"No person with external id {values.get('external_id')} in school {school_id}", sheet.cell("external_id", line))
            return None
        if not values.get("role"):
            self._error(ctx, sheet, line, sheet.column("role"), "", "Не указана роль", "The role is empty", sheet.cell("role", line))
            return None
        problem = None
        if programme.stage == "closed":
            problem = ("Программа завершена: зачислить нельзя", "The programme is closed")
        elif person.consent_date is None:
            problem = (domain.no_consent_message(person.category),
                       "No consent to personal-data processing is recorded" + (" by the pupil's legal representative" if person.category == "pupil" else ""))
        elif message := domain.enrolment_problem(values["role"], person.category, values.get("capacity")):
            problem = (message, _ENGLISH.get(message, "The enrolment breaks the registry's rules"))
        if problem:
            column = "capacity" if problem[0].startswith(("Для наставника", "Вместимость")) else "external_id"
            self._error(ctx, sheet, line, sheet.column(column), row.get(column), *problem, sheet.cell(column, line))
            return None
        result = await session.exec(select(Enrolment).where(
            col(Enrolment.participant_id) == person.id, col(Enrolment.programme_id) == programme.id, col(Enrolment.role) == values["role"]))
        enrolment = result.scalars().first()
        emitted = len(ctx.work.emitted)
        if enrolment is None:
            await self.service.enrol_in(ctx.work, programme, person, Enrol(
                participant_id=person.id, role=values["role"], capacity=values.get("capacity")))
            ctx.report.events += len(ctx.work.emitted) - emitted
            return "created"
        if enrolment.active and enrolment.capacity == values.get("capacity"):
            return "unchanged"
        enrolment.capacity = values.get("capacity")
        enrolment.active = True
        enrolment.ended_at = None
        session.add(enrolment)
        from shared.contracts.registry import ParticipantEnrolled

        ctx.work.emit(ParticipantEnrolled(participant_id=person.id, programme_id=programme.id, school_id=school_id,
                                          role=enrolment.role, academic_year=programme.academic_year, capacity=enrolment.capacity))
        ctx.report.events += 1
        return "updated"


_ENGLISH = {
    "Для наставника укажите вместимость (capacity): сколько наставляемых одновременно": "A mentor needs a capacity: how many mentees at once",
    "Вместимость (capacity) указывается только для наставника": "Only a mentor has a capacity",
    "Куратором может быть только педагог": "Only a teacher can be a curator",
}
