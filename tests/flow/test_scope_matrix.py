"""The scope matrix: every route of every service's OpenAPI × every role × its own school's data
and another municipality's, checked against the scope rule the route declares next to itself
(`openapi_extra=scope_rule(...)`, published as `x-scope`; shared/scopes.py).

- A route without a rule fails (so does a route this file cannot call: add its request below).
- A role the rule does not allow is refused (403/404), on its own data too.
- An allowed role succeeds on its own school's data (a mentor or mentee: on their own record
  and pair); on the other municipality's school it is refused, unless its token is the region's.
- No answer to a token below the region holds anything of the other municipality (its school,
  people, programme, pair, campaign, own questionnaire), except what the rule says is the
  region's (`region`: e.g. the partners of the region).

The data is arranged through the public HTTP APIs of the all-in-one app (two municipalities,
one school each, a pair, a matching run, a campaign, a school's own questionnaire)."""

from __future__ import annotations

import itertools
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from shared import clock
from shared.auth import ROLES, SCOPE_OF_ROLE, issue_token
from shared.clock import academic_year_of
from shared.messaging.outbox import OutboxMessage
from shared.scopes import KINDS, rule_of

from nastavnik.services import FACTORIES
from tests.conftest import SECRET

YEAR = academic_year_of(clock.today())
METHODS = ("get", "post", "put", "patch", "delete")
_counter = itertools.count(1)


@dataclass
class School:
    """One municipality's school and the things in it the matrix addresses."""

    key: str  # a / b
    id: str
    municipality_id: str
    surname: str
    mentor: str = ""
    mentee: str = ""
    programme: str = ""
    matching: str = ""  # a second programme: its proposals are never superseded by the matrix's runs
    enrolment: str = ""
    pair: str = ""
    measure: str = ""
    meeting: str = ""
    run: str = ""
    proposal: str = ""
    campaign: str = ""
    instrument: str = ""
    partner: str = ""
    ids: set[str] = field(default_factory=set)  # what must never reach the other municipality's tokens
    # made while arranging, one per call that uses one up: pairing learns of people by events
    ready: list[tuple[str, str]] = field(default_factory=list)  # (mentor, mentee) enrolled, not paired
    pairs: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    spare_mentors: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)  # removed one per call


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    # a 2xx that still did nothing (an import report with every row rejected) is not a success
    did_something: Callable[[httpx.Response], bool] = lambda _response: True


class World:
    def __init__(self, client: httpx.AsyncClient, app: Any) -> None:
        self.client = client
        self.app = app
        self.admin = self.headers("operator", "region_admin", "region", "test-region")
        self.consume = True  # whether the next call is meant to succeed and use up what it takes
        self.schools = {"a": School("a", "sch-a", "mun-a", "Альфина"), "b": School("b", "sch-b", "mun-b", "Бетова")}

    def take(self, pool: list) -> Any:
        """One of a pool's things: used up by a call meant to succeed; a call meant to be refused
        only names it (if it wrongly succeeded, the matrix reports that call)."""
        return pool.pop() if self.consume else pool[-1]

    @staticmethod
    def headers(sub: str, role: str, scope: str, scope_id: str) -> dict[str, str]:
        token = issue_token(SECRET, sub=sub, role=role, scope=scope, scope_id=scope_id, ttl=timedelta(hours=1))
        return {"Authorization": f"Bearer {token}"}

    def principal(self, role: str, school: School) -> dict[str, str]:
        """The token of `role` at `school` (the 'own' side)."""
        if role == "region_admin":
            return self.admin
        if role == "municipal_coordinator":
            return self.headers("coordinator", role, "municipality", school.municipality_id)
        if role == "mentor":
            return self.headers(school.mentor, role, "school", school.id)
        if role == "mentee":
            return self.headers(school.mentee, role, "school", school.id)
        if role == "data_protection_officer":  # region staff: SCOPE_OF_ROLE
            return self.headers("dpo", role, "region", "test-region")
        return self.headers(role, role, "school", school.id)

    async def settle(self) -> None:
        for name, service in self.app.state.services.items():
            try:
                await service.runtime.relay.wait_idle(timeout=120)  # a loaded machine: hundreds of events
            except TimeoutError:
                async with service.runtime.db.sessions() as session:
                    stuck = (await session.exec(select(OutboxMessage.event_type, OutboxMessage.created_at).where(
                        col(OutboxMessage.sent_at).is_(None)))).all()
                raise AssertionError(f"{name}: events not delivered: {stuck}") from None

    async def call(self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        response = await self.client.request(method, path, json=json, headers=headers or self.admin, **kw)
        assert response.status_code < 300, f"arranging: {method} {path} → {response.status_code} {response.text}"
        return response.json() if response.content else None

    # -- arranging, through the public APIs --------------------------------------------------

    async def person(self, school: School, role_hint: str, experience: int = 20) -> str:
        n = next(_counter)
        body = {"category": "teacher", "full_name": f"{school.surname} {role_hint} {n}", "external_id": f"{school.key}-{n}",
                "subjects": ["математика и информатика"], "experience_years": experience, "birth_year": 1980 if experience > 3 else 2001,
                "consent": {"given_by": "self", "document": f"согласие {n}"}}
        person = await self.call("POST", f"/registry/api/v1/schools/{school.id}/participants", body)
        school.ids.add(person["id"])
        return person["id"]

    async def enrol(self, school: School, participant: str, role: str, capacity: int | None = None, programme: str = "") -> str:
        enrolment = await self.call("POST", f"/registry/api/v1/programmes/{programme or school.programme}/enrolments",
                                    {"participant_id": participant, "role": role, "capacity": capacity})
        return enrolment["id"]

    async def mentor_and_mentee(self, school: School, capacity: int = 3) -> tuple[str, str]:
        mentor, mentee = await self.person(school, "наставник", 20), await self.person(school, "наставляемый", 1)
        await self.enrol(school, mentor, "mentor", capacity)
        await self.enrol(school, mentee, "mentee")
        return mentor, mentee

    async def pools(self, school: School, calls: int) -> None:
        """What the calls that use something up need, made at once: pairing learns of people by
        events, and waiting for them once per call would make the matrix slow. The proposals are
        another programme's (`matching`): a new matching run of a programme supersedes its open ones."""
        matching = await self.call("POST", f"/registry/api/v1/schools/{school.id}/programmes", {
            "title": f"Подбор {school.surname}", "academic_year": YEAR, "forms": ["teacher_teacher"]})
        school.matching = matching["id"]
        school.ids.add(school.matching)
        mentors = []
        for _ in range(3 * calls + 1):  # confirm, reject, replace by every role; one to read
            mentor, mentee = await self.person(school, "наставник", 20), await self.person(school, "наставляемый", 1)
            await self.enrol(school, mentor, "mentor", 1, programme=school.matching)
            await self.enrol(school, mentee, "mentee", programme=school.matching)
            mentors.append(mentor)
        for _ in range(calls):
            mentors.append(await self.person(school, "наставник", 30))
            await self.enrol(school, mentors[-1], "mentor", 1, programme=school.matching)
        school.ready = [await self.mentor_and_mentee(school) for _ in range(calls)]
        paired = [await self.mentor_and_mentee(school) for _ in range(calls)]
        await self.settle()
        for mentor, mentee in paired:
            pair = await self.call("POST", f"/pairing/api/v1/programmes/{school.programme}/pairs",
                                   {"mentor_id": mentor, "mentee_ids": [mentee], "form": "teacher_teacher"})
            school.pairs.append(pair["id"])
        run = await self.call("POST", f"/pairing/api/v1/programmes/{school.matching}/matching/runs", {})
        school.proposals = [p["id"] for p in run["proposals"]]
        proposed = {p["mentor_id"] for p in run["proposals"]}
        school.spare_mentors = [m for m in mentors if m not in proposed]
        assert len(school.proposals) > 3 * calls and len(school.spare_mentors) >= calls, run["explanation"]
        school.ids |= {run["id"], *school.proposals, *school.pairs}

    async def fresh_campaign(self, school: School) -> str:
        campaign = await self.call("POST", "/surveys/api/v1/campaigns", {
            "instrument": {"code": "satisfaction_mentee", "version": 1}, "school_id": school.id, "role": "mentee",
            "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=30)).isoformat()})
        school.ids.add(campaign["id"])
        return campaign["id"]

    async def arrange(self) -> None:
        for school in self.schools.values():
            await self.call("POST", "/registry/api/v1/schools", {
                "school_id": school.id, "name": f"Школа {school.surname}", "municipality_id": school.municipality_id,
                "municipality_name": f"Район {school.surname}"})
            school.ids |= {school.id, school.municipality_id, f"Школа {school.surname}", school.surname}
            partner = await self.call("POST", "/registry/api/v1/partners", {
                "partner_id": f"partner-{school.key}", "name": f"Колледж {school.surname}", "kind": "college",
                "municipality_id": school.municipality_id})
            school.partner = partner["id"]
            programme = await self.call("POST", f"/registry/api/v1/schools/{school.id}/programmes", {
                "title": f"Программа {school.surname}", "academic_year": YEAR, "forms": ["teacher_teacher"]})
            school.programme = programme["id"]
            school.ids.add(school.programme)
            school.mentor = await self.person(school, "наставник", 20)
            school.mentee = await self.person(school, "наставляемый", 1)
            await self.enrol(school, school.mentor, "mentor", 3)
            school.enrolment = await self.enrol(school, school.mentee, "mentee")
            school.ids.add(school.enrolment)
            await self.settle()
            pair = await self.call("POST", f"/pairing/api/v1/programmes/{school.programme}/pairs",
                                   {"mentor_id": school.mentor, "mentee_ids": [school.mentee], "form": "teacher_teacher"})
            school.pair = pair["id"]
            school.ids.add(school.pair)
            measure = await self.call("POST", f"/pairing/api/v1/pairs/{school.pair}/plan/measures",
                                      {"title": "Открытый урок", "due_on": (clock.today() + timedelta(days=60)).isoformat()})
            school.measure = measure["id"]
            school.ids.add(school.measure)
            for _ in range(4):  # the log's meetings: one to change and reflect on, three to remove
                recorded = await self.call("POST", f"/pairing/api/v1/pairs/{school.pair}/meetings", meeting_body(),
                                           headers=self.principal("school_curator", school))
                school.meetings.append(recorded["id"])
            school.meeting = school.meetings.pop(0)
            school.ids |= {school.meeting, *school.meetings}
            await self.pools(school, 4)  # the most calls meant to succeed (region, municipality, school) + one to name
            school.proposal = school.proposals.pop()
            run = await self.call("POST", f"/pairing/api/v1/programmes/{school.programme}/matching/runs", {})
            school.run = run["id"]
            school.ids.add(school.run)
            school.campaign = await self.fresh_campaign(school)
            curator = self.principal("school_curator", school)
            school.instrument = f"own_{school.key}_questions"
            await self.call("POST", "/surveys/api/v1/instruments", self.instrument(school.instrument), headers=curator)
            school.ids.add(school.instrument)
            await self.call("POST", "/surveys/api/v1/responses", self.answer(school, school.mentee, "start"),
                            headers=self.principal("mentee", school))
        await self.settle()

    @staticmethod
    def instrument(code: str) -> dict[str, Any]:
        return {"code": code, "version": 1, "title": "Своя анкета школы", "respondent_roles": ["mentee"], "staged": False,
                "sections": [{"code": "main", "title": "Основное", "items": [
                    {"code": "q1", "text": "Насколько полезны встречи?", "kind": "scale", "min": 1, "max": 5}]}],
                "scales": [{"code": "use", "method": "mean", "items": ["q1"]}]}

    @staticmethod
    def answer(school: School, respondent: str, stage: str = "start") -> dict[str, Any]:
        return {"instrument": {"code": "growth_measurement", "version": 1}, "respondent_id": respondent, "stage": stage,
                "answers": GROWTH_ANSWERS, "submission_id": f"matrix-{uuid.uuid4()}"}


def _growth_answers() -> dict[str, int]:
    from services.surveys.instruments import growth_measurement

    return {code: 3 for _, items in growth_measurement.SCALES.values() for code, _ in items}


GROWTH_ANSWERS = _growth_answers()


# -- how to call each route for a school (the own or the other) -----------------------------

Build = Callable[[World, School, str], Awaitable[Call]]
REQUESTS: dict[str, Build] = {}


def route(key: str) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        REQUESTS[key] = build
        return build

    return register


def simple(key: str, path: str, json: Any = None, **params: Any) -> None:
    """A call with nothing fresh: `path` formatted with the school's fields (s.id, s.pair …)."""
    method, _, _ = key.partition(" ")

    async def build(_world: World, school: School, _role: str) -> Call:
        body = json(school) if callable(json) else json
        return Call(method, path.format(s=school), body, params or None)

    REQUESTS[key] = build


for probe in ("/health", "/ready", "/metrics", "/asyncapi.json", "/asyncapi"):
    for service in FACTORIES:
        simple(f"GET /{service}{probe}", f"/{service}{probe}")

# registry
R = "/registry/api/v1"
simple(f"GET {R}/region", f"{R}/region")
simple(f"GET {R}/schools", f"{R}/schools")
simple(f"GET {R}/schools/{{school_id}}", f"{R}/schools/{{s.id}}")
simple(f"PATCH {R}/schools/{{school_id}}", f"{R}/schools/{{s.id}}", {"low_results": False})
simple(f"GET {R}/partners", f"{R}/partners")
simple(f"GET {R}/schools/{{school_id}}/participants", f"{R}/schools/{{s.id}}/participants")


@route(f"GET {R}/participants/{{participant_id}}")
async def _person(_world: World, school: School, role: str) -> Call:  # a mentor reads their own record
    return Call("GET", f"{R}/participants/{school.mentor if role == 'mentor' else school.mentee}")


simple(f"PATCH {R}/participants/{{participant_id}}", f"{R}/participants/{{s.mentee}}", {"position": "учитель"})
simple(f"POST {R}/participants/{{participant_id}}/consent", f"{R}/participants/{{s.mentee}}/consent",
       {"given_by": "self", "document": "согласие, повторно"})
simple(f"GET {R}/schools/{{school_id}}/programmes", f"{R}/schools/{{s.id}}/programmes")
simple(f"GET {R}/programmes/{{programme_id}}", f"{R}/programmes/{{s.programme}}")
simple(f"PATCH {R}/programmes/{{programme_id}}", f"{R}/programmes/{{s.programme}}", lambda s: {"title": f"Программа {s.surname}"})
simple(f"GET {R}/programmes/{{programme_id}}/enrolments", f"{R}/programmes/{{s.programme}}/enrolments")


@route(f"POST {R}/schools")
async def _new_school(_world: World, school: School, _role: str) -> Call:
    n = next(_counter)
    return Call("POST", f"{R}/schools", {"school_id": f"sch-{school.key}-{n}", "name": f"Школа {school.surname} {n}",
                                         "municipality_id": school.municipality_id, "municipality_name": f"Район {school.surname}"})


@route(f"POST {R}/partners")
async def _new_partner(_world: World, school: School, _role: str) -> Call:
    n = next(_counter)
    return Call("POST", f"{R}/partners", {"partner_id": f"partner-{school.key}-{n}", "name": f"Вуз {school.surname} {n}",
                                          "kind": "university", "municipality_id": school.municipality_id})


@route(f"POST {R}/schools/{{school_id}}/participants")
async def _new_participant(_world: World, school: School, _role: str) -> Call:
    n = next(_counter)
    return Call("POST", f"{R}/schools/{school.id}/participants",
                {"category": "teacher", "full_name": f"{school.surname} новый {n}", "external_id": f"{school.key}-new-{n}"})


@route(f"POST {R}/participants/{{participant_id}}/withdrawal")
async def _withdraw(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{R}/participants/{await world.person(school, 'выбывающий')}/withdrawal", {"reason": "left_school"})


@route(f"POST {R}/schools/{{school_id}}/programmes")
async def _new_programme(_world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{R}/schools/{school.id}/programmes", {"title": f"Ещё программа {school.surname}", "academic_year": YEAR})


@route(f"POST {R}/programmes/{{programme_id}}/enrolments")
async def _new_enrolment(world: World, school: School, _role: str) -> Call:
    person = await world.person(school, "зачисляемый", 1)
    return Call("POST", f"{R}/programmes/{school.programme}/enrolments", {"participant_id": person, "role": "mentee"})


@route(f"POST {R}/enrolments/{{enrolment_id}}/end")
async def _end_enrolment(world: World, school: School, _role: str) -> Call:
    enrolment = await world.enrol(school, await world.person(school, "завершающий", 1), "mentee")
    return Call("POST", f"{R}/enrolments/{enrolment}/end")


@route(f"POST {R}/imports")
async def _import(_world: World, school: School, _role: str) -> Call:
    n = next(_counter)
    csv = f"Внешний id;ФИО;Категория\n{school.key}-imp-{n};{school.surname} Импорт {n};педагог\n".encode()
    return Call("POST", f"{R}/imports", params={"school": school.id}, files={"file": ("roster.csv", csv, "text/csv")},
                did_something=lambda r: r.json().get("applied") is True and r.json().get("errors_total") == 0)


def _roster(school: School) -> bytes:
    n = next(_counter)
    return f"Внешний id;ФИО;Категория\n{school.key}-job-{n};{school.surname} Задание {n};педагог\n".encode()


# An import job is its starter's ("own"): the job is started for the caller's own school (the
# token names it) and read or cancelled by the same caller; another's job is a 404.
@route(f"POST {R}/import-jobs")
async def _start_import_job(world: World, _school: School, _role: str) -> Call:
    own = world.schools["a"]
    return Call("POST", f"{R}/import-jobs", params={"school": own.id, "dry_run": "true"},
                files={"file": ("roster.csv", _roster(own), "text/csv")})


async def _own_job(world: World, role: str) -> str:
    own = world.schools["a"]
    started = await world.client.post(f"{R}/import-jobs", params={"school": own.id, "dry_run": "true"},
                                      files={"file": ("roster.csv", _roster(own), "text/csv")}, headers=world.principal(role, own))
    return started.json()["id"] if started.status_code == 202 else "no-such-job"


@route(f"GET {R}/import-jobs/{{job_id}}")
async def _read_import_job(world: World, _school: School, role: str) -> Call:
    return Call("GET", f"{R}/import-jobs/{await _own_job(world, role)}")


@route(f"POST {R}/import-jobs/{{job_id}}/cancel")
async def _cancel_import_job(world: World, _school: School, role: str) -> Call:
    return Call("POST", f"{R}/import-jobs/{await _own_job(world, role)}/cancel")


# a programme's year (issue 15): activities, training and recognition of mentors
def today() -> str:
    return clock.today().isoformat()


simple(f"POST {R}/programmes/{{programme_id}}/activities", f"{R}/programmes/{{s.programme}}/activities",
       lambda s: {"kind": "kickoff", "title": "Установочная встреча", "planned_on": today(), "participant_ids": [s.mentor]})
simple(f"GET {R}/programmes/{{programme_id}}/activities", f"{R}/programmes/{{s.programme}}/activities")
simple(f"POST {R}/schools/{{school_id}}/training", f"{R}/schools/{{s.id}}/training",
       lambda s: {"person_ids": [s.mentor], "kind": "intensive", "title": "Интенсив", "organiser": "ИРО", "completed_on": today()})
simple(f"GET {R}/schools/{{school_id}}/training", f"{R}/schools/{{s.id}}/training")
simple(f"POST {R}/schools/{{school_id}}/recognitions", f"{R}/schools/{{s.id}}/recognitions",
       lambda s: {"person_id": s.mentor, "kind": "contest", "level": "school", "result": "participant", "title": "Конкурс",
                  "awarded_on": today()})
simple(f"GET {R}/schools/{{school_id}}/recognitions", f"{R}/schools/{{s.id}}/recognitions")


async def _fresh_activity(world: World, school: School) -> str:
    activity = await world.call("POST", f"{R}/programmes/{school.programme}/activities", {
        "kind": "open_lesson", "title": "Открытый урок", "planned_on": today(), "participant_ids": [school.mentor]})
    return activity["id"]


@route(f"GET {R}/activities/{{activity_id}}")
async def _read_activity(world: World, school: School, _role: str) -> Call:
    return Call("GET", f"{R}/activities/{await _fresh_activity(world, school)}")


@route(f"PATCH {R}/activities/{{activity_id}}")
async def _change_activity(world: World, school: School, _role: str) -> Call:
    return Call("PATCH", f"{R}/activities/{await _fresh_activity(world, school)}", {"place": "актовый зал"})


@route(f"POST {R}/activities/{{activity_id}}/held")
async def _hold_activity(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{R}/activities/{await _fresh_activity(world, school)}/held",
                {"held_on": today(), "attended_ids": [school.mentor]})


@route(f"POST {R}/activities/{{activity_id}}/cancel")
async def _cancel_activity(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{R}/activities/{await _fresh_activity(world, school)}/cancel")


@route(f"DELETE {R}/training/{{training_id}}")
async def _remove_training(world: World, school: School, _role: str) -> Call:
    [training] = await world.call("POST", f"{R}/schools/{school.id}/training", {
        "person_ids": [school.mentor], "kind": "course", "title": "Курсы", "organiser": "ИРО", "completed_on": today()})
    return Call("DELETE", f"{R}/training/{training['id']}")


@route(f"DELETE {R}/recognitions/{{recognition_id}}")
async def _remove_recognition(world: World, school: School, _role: str) -> Call:
    recognition = await world.call("POST", f"{R}/schools/{school.id}/recognitions", {
        "person_id": school.mentor, "kind": "award", "level": "municipal", "result": "winner", "title": "Грамота",
        "awarded_on": today()})
    return Call("DELETE", f"{R}/recognitions/{recognition['id']}")


@route(f"GET {R}/participants/{{participant_id}}/training-and-recognition")
async def _own_record(_world: World, school: School, role: str) -> Call:  # a mentor or mentee reads their own
    return Call("GET", f"{R}/participants/{school.mentee if role == 'mentee' else school.mentor}/training-and-recognition")
# a programme's documents (issue 15): each call that needs a document gets a fresh one, uploaded
# by the school's curator (multipart fields as httpx `files` without a file name)
MATRIX_PDF = b"%PDF-1.4\n%%EOF\n"


def _document_form(school: School, kind: str = "order") -> dict[str, Any]:
    return {"programme_id": (None, school.programme), "kind": (None, kind), "number": (None, "1-од"),
            "issued_on": (None, (clock.today() - timedelta(days=1)).isoformat()),
            "file": ("prikaz.pdf", MATRIX_PDF, "application/pdf")}


async def _document(world: World, school: School, kind: str = "order") -> str:
    r = await world.client.post(f"{R}/documents", files=_document_form(school, kind), headers=world.principal("school_curator", school))
    assert r.status_code == 201, f"arranging a document: {r.status_code} {r.text}"
    return r.json()["id"]


@route(f"POST {R}/documents")
async def _upload_document(_world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{R}/documents", files=_document_form(school))


simple(f"GET {R}/programmes/{{programme_id}}/documents", f"{R}/programmes/{{s.programme}}/documents")


@route(f"GET {R}/documents/{{document_id}}")
async def _read_document(world: World, school: School, _role: str) -> Call:
    return Call("GET", f"{R}/documents/{await _document(world, school)}")


@route(f"GET {R}/documents/{{document_id}}/file")
async def _download_document(world: World, school: School, _role: str) -> Call:
    return Call("GET", f"{R}/documents/{await _document(world, school)}/file")


@route(f"PATCH {R}/documents/{{document_id}}")
async def _change_document(world: World, school: School, _role: str) -> Call:
    return Call("PATCH", f"{R}/documents/{await _document(world, school)}", {"title": "О наставничестве"})


@route(f"DELETE {R}/documents/{{document_id}}")
async def _remove_document(world: World, school: School, _role: str) -> Call:
    return Call("DELETE", f"{R}/documents/{await _document(world, school)}")


@route(f"PUT {R}/programmes/{{programme_id}}/curator-appointment")
async def _appoint_curator(world: World, school: School, _role: str) -> Call:
    person, order = await world.person(school, "куратор"), await _document(world, school, "curator_order")
    return Call("PUT", f"{R}/programmes/{school.programme}/curator-appointment",
                {"participant_id": person, "order_document_id": order})


# Revoking a subject nobody signs in as: the matrix's own tokens stay valid.
simple(f"POST {R}/revocations", f"{R}/revocations", {"subject_id": "matrix-nobody"})

for service in ("registry", "pairing", "surveys", "notifications", "practices"):
    simple(f"GET /{service}/api/v1/audit", f"/{service}/api/v1/audit", limit=5)

# pairing
P = "/pairing/api/v1"
simple(f"GET {P}/programmes/{{programme_id}}/pairs", f"{P}/programmes/{{s.programme}}/pairs")
simple(f"GET {P}/subjects", f"{P}/subjects")
simple(f"PUT {P}/subjects", f"{P}/subjects", {"terms": [{"name": "алгебра", "subject": "математика"}]})
simple(f"GET {P}/programmes/{{programme_id}}/matching/settings", f"{P}/programmes/{{s.programme}}/matching/settings")
simple(f"PUT {P}/programmes/{{programme_id}}/matching/settings", f"{P}/programmes/{{s.programme}}/matching/settings",
       {"require_coverage": False})
simple(f"POST {P}/programmes/{{programme_id}}/matching/runs", f"{P}/programmes/{{s.programme}}/matching/runs", {})
simple(f"GET {P}/programmes/{{programme_id}}/matching/runs/{{run_id}}", f"{P}/programmes/{{s.programme}}/matching/runs/{{s.run}}")
simple(f"GET {P}/programmes/{{programme_id}}/proposals/{{proposal_id}}", f"{P}/programmes/{{s.matching}}/proposals/{{s.proposal}}")
simple(f"POST {P}/programmes/{{programme_id}}/exclusions", f"{P}/programmes/{{s.programme}}/exclusions",
       lambda s: {"mentor_id": s.mentor, "mentee_id": s.mentee, "reason": "матрица"})
simple(f"PUT {P}/programmes/{{programme_id}}/preferences/{{mentee_id}}", f"{P}/programmes/{{s.programme}}/preferences/{{s.mentee}}",
       lambda s: {"mentor_ids": [s.mentor]})
simple(f"PUT {P}/programmes/{{programme_id}}/mentor-preferences/{{mentor_id}}",
       f"{P}/programmes/{{s.programme}}/mentor-preferences/{{s.mentor}}", lambda s: {"mentee_ids": [s.mentee]})
simple(f"GET {P}/programmes/{{programme_id}}/mentor-limits/{{mentor_id}}", f"{P}/programmes/{{s.programme}}/mentor-limits/{{s.mentor}}")
simple(f"PUT {P}/programmes/{{programme_id}}/mentor-limits/{{mentor_id}}",
       f"{P}/programmes/{{s.programme}}/mentor-limits/{{s.mentor}}", lambda s: {"refused_ids": [s.mentee], "grade_to": 11})
simple(f"GET {P}/pairs/{{pair_id}}/plan", f"{P}/pairs/{{s.pair}}/plan")
simple(f"PUT {P}/pairs/{{pair_id}}/plan/goals", f"{P}/pairs/{{s.pair}}/plan/goals", {"goals": []})
simple(f"POST {P}/pairs/{{pair_id}}/plan/measures", f"{P}/pairs/{{s.pair}}/plan/measures",
       lambda s: {"title": "Взаимопосещение", "due_on": (clock.today() + timedelta(days=30)).isoformat()})
simple(f"PATCH {P}/pairs/{{pair_id}}/plan/measures/{{measure_id}}", f"{P}/pairs/{{s.pair}}/plan/measures/{{s.measure}}",
       {"product": "конспект урока"})


def meeting_body(_school: School | None = None) -> dict[str, Any]:
    return {"held_on": today(), "minutes": 45, "format": "online", "topic": "Разбор урока"}


simple(f"GET {P}/pairs/{{pair_id}}/meetings", f"{P}/pairs/{{s.pair}}/meetings")
simple(f"POST {P}/pairs/{{pair_id}}/meetings", f"{P}/pairs/{{s.pair}}/meetings", meeting_body)
simple(f"PUT {P}/pairs/{{pair_id}}/meetings/{{meeting_id}}", f"{P}/pairs/{{s.pair}}/meetings/{{s.meeting}}", meeting_body)
simple(f"PUT {P}/pairs/{{pair_id}}/meetings/{{meeting_id}}/reflection", f"{P}/pairs/{{s.pair}}/meetings/{{s.meeting}}/reflection",
       {"text": "Полезно", "usefulness": 5})


@route(f"DELETE {P}/pairs/{{pair_id}}/meetings/{{meeting_id}}")
async def _remove_meeting(world: World, school: School, _role: str) -> Call:
    return Call("DELETE", f"{P}/pairs/{school.pair}/meetings/{world.take(school.meetings)}")


@route(f"POST {P}/programmes/{{programme_id}}/pairs")
async def _new_pair(world: World, school: School, _role: str) -> Call:
    mentor, mentee = world.take(school.ready)
    return Call("POST", f"{P}/programmes/{school.programme}/pairs", {"mentor_id": mentor, "mentee_ids": [mentee]})


@route(f"POST {P}/programmes/{{programme_id}}/pairs/{{pair_id}}/end")
async def _end_pair(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{P}/programmes/{school.programme}/pairs/{world.take(school.pairs)}/end", {"outcome": "completed"})


for action, body in (("confirm", None), ("reject", {"reason": "матрица"})):

    def _proposal_call(action: str = action, body: Any = body) -> Build:
        async def build(world: World, school: School, _role: str) -> Call:
            return Call("POST", f"{P}/programmes/{school.matching}/proposals/{world.take(school.proposals)}/{action}", body)

        return build

    REQUESTS[f"POST {P}/programmes/{{programme_id}}/proposals/{{proposal_id}}/{action}"] = _proposal_call()


@route(f"POST {P}/programmes/{{programme_id}}/proposals/{{proposal_id}}/replace")
async def _replace(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{P}/programmes/{school.matching}/proposals/{world.take(school.proposals)}/replace",
                {"mentor_id": world.take(school.spare_mentors)})


# surveys
S = "/surveys/api/v1"
simple(f"GET {S}/instruments", f"{S}/instruments")
simple(f"GET {S}/campaigns", f"{S}/campaigns")
simple(f"GET {S}/campaigns/{{campaign_id}}", f"{S}/campaigns/{{s.campaign}}")
simple(f"POST {S}/campaigns/{{campaign_id}}/reminders", f"{S}/campaigns/{{s.campaign}}/reminders")


@route(f"GET {S}/growth")
async def _growth(_world: World, school: School, role: str) -> Call:
    return Call("GET", f"{S}/growth", params={"respondent_id": school.mentor if role == "mentor" else school.mentee})


@route(f"POST {S}/instruments")
async def _new_instrument(_world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{S}/instruments", World.instrument(f"matrix_{school.key}_{next(_counter)}"))


@route(f"POST {S}/responses")
async def _respond(world: World, school: School, role: str) -> Call:
    if role == "mentor":  # a mentor answers for themself
        return Call("POST", f"{S}/responses", {
            "instrument": {"code": "satisfaction_mentor", "version": 1}, "respondent_id": school.mentor,
            "answers": dict.fromkeys(("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met"), 8),
            "submission_id": f"matrix-{uuid.uuid4()}"})
    return Call("POST", f"{S}/responses", World.answer(school, school.mentee, "end"))


@route(f"POST {S}/campaigns")
async def _new_campaign(_world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{S}/campaigns", {
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "school_id": school.id, "role": "mentee",
        "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=30)).isoformat()})


@route(f"POST {S}/campaigns/{{campaign_id}}/close")
async def _close_campaign(world: World, school: School, _role: str) -> Call:
    return Call("POST", f"{S}/campaigns/{await world.fresh_campaign(school)}/close")


# reports
T = "/reports/api/v1"
simple(f"GET {T}/indicators/definitions", f"{T}/indicators/definitions")
for tail in ("", "/children", "/history", "/swot", "/drilldown", "/breakdowns"):
    simple(f"GET {T}/indicators/{{scope}}/{{scope_id}}{tail}", f"{T}/indicators/school/{{s.id}}{tail}")
simple(f"GET {T}/exports/{{scope}}/{{scope_id}}.{{fmt}}", f"{T}/exports/school/{{s.id}}.csv")

# notifications
simple("GET /notifications/api/v1/mail", "/notifications/api/v1/mail")

# practices: a fresh practice of the target school in the state each call needs
PR = "/practices/api/v1"
PRACTICE = {"title": "Практика матрицы", "form": "teacher_teacher", "description": "Описание"}
PDF = b"%PDF-1.4\n%%EOF\n"


async def _practice(world: World, school: School, status: str = "draft", with_file: bool = False) -> tuple[str, str]:
    """A practice of `school` (made by its curator) in `status`, and its file's id when asked."""
    curator = world.headers("school_curator", "school_curator", "school", school.id)
    practice = (await world.call("POST", f"{PR}/practices", PRACTICE, curator))["id"]
    file_id = ""
    if with_file:
        file_id = (await world.call("POST", f"{PR}/practice-files/{practice}", headers=curator,
                                    files={"file": ("m.pdf", PDF, "application/pdf")}))["id"]
    steps = {"draft": [], "submitted": [("submit", curator)],
             "published": [("submit", curator), ("take", world.admin), ("publish", world.admin)]}[status]
    for action, headers in steps:
        await world.call("POST", f"{PR}/practices/{practice}/{action}", {}, headers)
    return practice, file_id


simple(f"GET {PR}/practices", f"{PR}/practices")
simple(f"POST {PR}/practices", f"{PR}/practices", PRACTICE)
simple(f"GET {PR}/roadmap", f"{PR}/roadmap")
def roadmap_item(_school: School | None = None) -> dict[str, Any]:
    return {"number": "1", "measure": "Мероприятие матрицы", "due_on": today()}


simple(f"POST {PR}/roadmap", f"{PR}/roadmap", roadmap_item)


@route(f"PUT {PR}/roadmap/{{item_id}}")
async def _save_roadmap_item(world: World, _school: School, _role: str) -> Call:
    item = await world.call("POST", f"{PR}/roadmap", roadmap_item())
    return Call("PUT", f"{PR}/roadmap/{item['id']}", {**roadmap_item(), "status": "in_progress"})


@route(f"GET {PR}/practices/{{practice_id}}")
async def _read_practice(world: World, school: School, _role: str) -> Call:
    practice, _ = await _practice(world, school, "published")
    return Call("GET", f"{PR}/practices/{practice}")


@route(f"PUT {PR}/practices/{{practice_id}}")
async def _edit_practice(world: World, school: School, _role: str) -> Call:
    practice, _ = await _practice(world, school)
    return Call("PUT", f"{PR}/practices/{practice}", {**PRACTICE, "title": "Исправленная практика"})


@route(f"POST {PR}/practices/{{practice_id}}/{{action}}")
async def _practice_step(world: World, school: School, role: str) -> Call:
    if role == "region_admin":  # the region takes a submitted practice under review
        practice, _ = await _practice(world, school, "submitted")
        return Call("POST", f"{PR}/practices/{practice}/take", {})
    practice, _ = await _practice(world, school)
    return Call("POST", f"{PR}/practices/{practice}/submit", {})


@route(f"POST {PR}/practice-files/{{practice_id}}")
async def _attach_file(world: World, school: School, _role: str) -> Call:
    practice, _ = await _practice(world, school)
    return Call("POST", f"{PR}/practice-files/{practice}", files={"file": ("m.pdf", PDF, "application/pdf")})


@route(f"GET {PR}/practice-files/{{practice_id}}/{{file_id}}")
async def _download_file(world: World, school: School, _role: str) -> Call:
    practice, file_id = await _practice(world, school, "published", with_file=True)
    return Call("GET", f"{PR}/practice-files/{practice}/{file_id}")


@route(f"DELETE {PR}/practice-files/{{practice_id}}/{{file_id}}")
async def _delete_file(world: World, school: School, _role: str) -> Call:
    practice, file_id = await _practice(world, school, with_file=True)
    return Call("DELETE", f"{PR}/practice-files/{practice}/{file_id}")


# -- the matrix ---------------------------------------------------------------------------


def operations(settings: Any) -> list[tuple[str, dict[str, Any]]]:
    """("METHOD /service/path", operation) for every operation of every service's OpenAPI."""
    out = []
    for name, factory in FACTORIES.items():
        spec = factory(settings, shared_process=True).http.openapi()
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                if method in METHODS:
                    out.append((f"{method.upper()} /{name}{path}", operation))
    return out


def test_every_route_declares_a_scope_rule_and_is_in_the_matrix(settings) -> None:
    found = operations(settings)
    assert len(found) > 50
    missing = [key for key, operation in found if rule_of(operation) is None]
    assert not missing, f"routes without a scope rule (openapi_extra=scope_rule(...), shared/scopes.py): {missing}"
    bad = [key for key, operation in found if rule_of(operation)["kind"] not in KINDS]
    assert not bad
    uncalled = [key for key, _ in found if key not in REQUESTS]
    assert not uncalled, f"routes the scope matrix cannot call yet (add them to REQUESTS): {uncalled}"


@pytest.mark.timeout(1200)  # ~1 min of CPU; a machine shared by many test runs may take much longer
async def test_scope_matrix(system, settings) -> None:
    app, client = system
    world = World(client, app)
    await world.arrange()
    own, other = world.schools["a"], world.schools["b"]
    failures: list[str] = []
    calls = 0
    for key, operation in operations(settings):
        rule = rule_of(operation)
        assert rule is not None and key in REQUESTS, key  # the test above names them
        if os.environ.get("NASTAVNIK_MATRIX_TRACE"):
            print(f"matrix: {key}", file=sys.stderr, flush=True)
        for role in ROLES:
            headers = {} if rule["kind"] == "public" else world.principal(role, own)
            allowed = rule["kind"] == "public" or role in rule["roles"]
            for target in (other, own):  # the other first: a refused write must change nothing the own call needs
                region_wide = SCOPE_OF_ROLE[role] == "region"  # the region's staff: both municipalities are theirs
                cross = target is other and rule["kind"] == "school" and not region_wide
                world.consume = allowed and not cross
                call = await REQUESTS[key](world, target, role)
                response = await client.request(call.method, call.path, json=call.json, params=call.params,
                                                files=call.files, headers=headers)
                calls += 1
                succeeded = response.status_code < 300 and call.did_something(response)
                where = f"{key} as {role} on the {'own' if target is own else 'other'} school: {response.status_code}"
                if response.status_code == 503 and call.path.endswith("/ready"):
                    continue  # "not ready" is the probe's documented answer (a check timed out on a loaded machine), not a scope decision
                if response.status_code >= 500:
                    failures.append(f"{where} (server error) {response.text[:200]}")
                    continue
                if not allowed:
                    if succeeded or response.status_code not in (403, 404):
                        failures.append(f"{where}, expected 403 or 404 (role not allowed) {response.text[:200]}")
                    continue
                if cross and succeeded:
                    failures.append(f"{where}: a cross-scope call succeeded {response.text[:200]}")
                elif cross and response.status_code not in (403, 404) and response.status_code >= 300:
                    failures.append(f"{where}, expected 403 or 404 {response.text[:200]}")
                elif not cross and not succeeded:
                    failures.append(f"{where}, expected success {response.text[:300]}")
                if succeeded and not region_wide and rule["kind"] not in ("public", "region"):
                    leaked = sorted(i for i in other.ids if i in response.text)
                    if leaked:
                        failures.append(f"{where}: the answer holds the other municipality's {leaked}")
    await world.settle()  # nothing in flight when the services stop
    if failures and os.environ.get("NASTAVNIK_MATRIX_TRACE"):
        print("\n".join(failures), file=sys.stderr, flush=True)
    assert not failures, f"{len(failures)} of {calls} calls broke their route's scope rule:\n" + "\n".join(failures)
