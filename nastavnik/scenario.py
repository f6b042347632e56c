"""A small region driven through the public HTTP APIs: the demo data of `nastavnik run --demo`,
and the chain the flow and integration tests walk (registered → paired → surveyed)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from shared import clock
from shared.auth import issue_token
from shared.clock import academic_year_of

from services.surveys.instruments import deficit_self_diagnosis, growth_measurement, professional_interests

MUNICIPALITIES = {"mun-north": "Северный район", "mun-river": "Приречный городской округ"}
SCHOOLS = [
    ("demo-school-1", "МБОУ СОШ № 1", "mun-north", False, False),
    ("demo-school-2", "МБОУ Лицей № 2", "mun-north", False, False),
    ("demo-school-3", "МКОУ ООШ с. Заречное", "mun-river", True, True),
]
# (external id, category, full name, subjects, experience, birth year, grade)
PEOPLE = [
    ("t-01", "teacher", "Иванова Анна Петровна", ["математика и информатика"], 24, 1975, None),
    ("t-02", "teacher", "Смирнов Илья Олегович", ["математика и информатика"], 1, 2000, None),
    ("t-03", "teacher", "Кузнецова Мария Игоревна", ["русский язык и литература"], 2, 1999, None),
    ("t-04", "teacher", "Попов Сергей Викторович", ["история и обществознание"], 12, 1986, None),
    ("p-01", "pupil", "Соколов Артём", [], None, None, 10),
    ("p-02", "pupil", "Лебедева Полина", [], None, None, 6),
    ("p-03", "pupil", "Морозов Даниил", [], None, None, 5),
]
# satisfaction ratings per school: (mentee answers, mentor answers)
RATINGS = [(9, 8), (7, 10), (6, 7)]


@dataclass
class School:
    id: str
    municipality_id: str
    programme_id: str = ""
    people: dict[str, str] = field(default_factory=dict)  # external id → participant id
    pair_ids: list[str] = field(default_factory=list)


@dataclass
class Region:
    region_id: str
    academic_year: str
    schools: list[School]


class RegionScenario:
    def __init__(self, client: httpx.AsyncClient, secret: str, region_id: str, *, patience: float = 30.0) -> None:
        self.client = client
        self.secret = secret
        self.region_id = region_id
        self.patience = patience
        self.admin = self.token("operator", "region_admin", "region", region_id)

    def key(self, name: str) -> str:
        """An idempotency key: the same for the same answer on every run (a rerun stores nothing
        twice), but not guessable from the demo's names without the secret (issue 13, M1)."""
        return "demo-" + hmac.new(self.secret.encode(), name.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, sub: str, role: str, scope: str, scope_id: str) -> str:
        return issue_token(self.secret, sub=sub, role=role, scope=scope, scope_id=scope_id, ttl=timedelta(days=30))

    async def already_loaded(self) -> bool:
        response = await self._call("GET", "/registry/api/v1/schools", self.admin)
        return bool(response.json())

    async def load(self, *, schools: int = len(SCHOOLS), surveys: bool = True, school_year: bool = False,
                   people_ready: Callable[[], Awaitable[None]] | None = None,
                   settled: Callable[[], Awaitable[None]] | None = None) -> Region:
        """The region's schools, people, programmes, pairs and (with `surveys`) questionnaires.
        With `school_year` (the demo) the first school plays a whole school year instead
        (nastavnik/school_year.py) and the others a short one, so every report section has data;
        `people_ready` is awaited once the first school's people are registered (the demo's accounts).
        At the year's end the written analyses are approved on their pages, after `settled` (every
        service has heard the year's events: the text is generated from the final figures)."""
        from nastavnik.programme_year import RegionYear
        from nastavnik.school_year import SchoolYear

        year = academic_year_of(clock.today())
        region = Region(self.region_id, year, [])
        played = SchoolYear(self)
        for index, (school_id, name, municipality_id, low, difficult) in enumerate(SCHOOLS[:schools]):
            await self._call("POST", "/registry/api/v1/schools", self.admin, json={
                "school_id": school_id, "name": name, "municipality_id": municipality_id,
                "municipality_name": MUNICIPALITIES[municipality_id], "low_results": low, "difficult_conditions": difficult,
            })
            if school_year and index == 0:
                region.schools.append(await played.play(School(school_id, municipality_id), year, people_ready))
            else:
                region.schools.append(await self._school(School(school_id, municipality_id), year))
                if index == 0 and people_ready is not None:
                    await people_ready()
        for index, (school, (mentee_rating, mentor_rating)) in enumerate(zip(region.schools, RATINGS, strict=False)):
            if school_year and index == 0:
                continue
            await self._pairs(school)
            if surveys:
                await self.satisfaction(school, "t-02", "satisfaction_mentee", mentee_rating)
                await self.satisfaction(school, "t-01", "satisfaction_mentor", mentor_rating)
                await self.monitoring(school, mentee_rating)
            if school_year:
                await played.short_year(school, mentee_rating)
        if school_year:
            await RegionYear(self).play(region.schools)
            if settled is not None:
                await settled()
            await played.approve_analyses(region.schools[0], year)
        return region

    async def _school(self, school: School, year: str) -> School:
        curator = self.token("curator", "school_curator", "school", school.id)
        for external_id, category, name, subjects, experience, birth_year, grade in PEOPLE:
            # Consent to personal-data processing (152-ФЗ) is recorded with the registration: for a
            # pupil, the legal representative's; without it nobody is announced or enrolled.
            consent = {"given_by": "legal_representative" if category == "pupil" else "self", "document": f"согласие {external_id}"}
            body = {"category": category, "full_name": name, "external_id": external_id, "subjects": subjects,
                    "experience_years": experience, "birth_year": birth_year, "grade": grade, "consent": consent}
            person = await self._call("POST", f"/registry/api/v1/schools/{school.id}/participants", curator, json=body)
            school.people[external_id] = person.json()["id"]
        programme = await self._call("POST", f"/registry/api/v1/schools/{school.id}/programmes", curator, json={
            "title": "Программа наставничества «Вместе»", "academic_year": year,
            "forms": ["teacher_teacher", "pupil_pupil"],
        })
        school.programme_id = programme.json()["id"]
        for external_id, role, capacity in [("t-01", "mentor", 3), ("t-02", "mentee", None), ("t-03", "mentee", None),
                                            ("p-01", "mentor", 2), ("p-02", "mentee", None)]:
            await self._call("POST", f"/registry/api/v1/programmes/{school.programme_id}/enrolments", curator, json={
                "participant_id": school.people[external_id], "role": role, "capacity": capacity,
            })
        return school

    async def _pairs(self, school: School) -> None:
        curator = self.token("curator", "school_curator", "school", school.id)
        for mentor, mentees, form in [("t-01", ["t-02", "t-03"], "teacher_teacher"), ("p-01", ["p-02"], "pupil_pupil")]:
            pair = await self._call("POST", f"/pairing/api/v1/programmes/{school.programme_id}/pairs", curator, json={
                "mentor_id": school.people[mentor], "mentee_ids": [school.people[m] for m in mentees], "form": form,
            }, wait_for_events=True)
            school.pair_ids.append(pair.json()["id"])

    async def satisfaction(self, school: School, external_id: str, instrument: str, rating: int) -> dict:
        participant_id = school.people[external_id]
        role = "mentee" if instrument.endswith("mentee") else "mentor"
        respondent = self.token(participant_id, role, "school", school.id)
        answers = dict.fromkeys(("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met"), rating)
        response = await self._call("POST", "/surveys/api/v1/responses", respondent, json={
            "instrument": {"code": instrument, "version": 1}, "respondent_id": participant_id,
            "answers": answers, "submission_id": self.key(f"{school.id}-{external_id}-{instrument}"),
        }, wait_for_events=True)
        return response.json()

    async def monitoring(self, school: School, rating: int) -> None:
        """The rest of the year's questionnaires, by the HTTP API: the teacher mentees' deficit
        self-diagnosis at the start and at the end (t-02's deficits shrink, t-03's methodological
        one does not), t-02's growth measurement at both stages, the curator's questionnaire (t-04
        is the curator) and the pupils' professional-interest test. `rating` varies it by school."""
        curator = self.token("curator", "school_curator", "school", school.id)
        deficit = [code for items in deficit_self_diagnosis.STATEMENTS.values() for code, _ in items]
        diagnostics = {("t-02", "start"): 4, ("t-02", "end"): 2, ("t-03", "start"): 3, ("t-03", "end"): 3}
        for (external_id, stage), value in diagnostics.items():
            answers = dict.fromkeys(deficit, value)
            if external_id == "t-03" and stage == "end":
                answers.update(me_lesson_design=4, me_methods=4, me_evaluation=4)
            await self._answer(school, external_id, "deficit_self_diagnosis", answers, stage)
        measured = [code for _, items in growth_measurement.SCALES.values() for code, _ in items]
        for stage, value in (("start", max(rating - 4, 1)), ("end", rating)):
            await self._answer(school, "t-02", "growth_measurement", dict.fromkeys(measured, value), stage)
        ratings = ("organisation", "pairs_formed_well", "mentor_engagement", "mentee_engagement", "admin_support", "resources")
        await self._call("POST", "/surveys/api/v1/responses", curator, json={
            "instrument": {"code": "curator_questionnaire", "version": 1}, "respondent_id": school.people["t-04"],
            "answers": {**dict.fromkeys(ratings, rating), "plan_approved": "yes", "mentors_trained": "yes" if rating > 6 else "no",
                        "meetings_held": rating},
            "submission_id": self.key(f"{school.id}-t-04-curator_questionnaire")}, wait_for_events=True)
        pairs = len(professional_interests.PAIRS)
        for n, external_id in enumerate(("p-01", "p-02", "p-03")):
            # each pupil prefers the first option of every pair but a different few: leanings differ
            leanings = {f"q{k:02d}": "b" if (k + n) % 3 == 0 else "a" for k in range(1, pairs + 1)}
            await self._call("POST", "/surveys/api/v1/responses", curator, json={
                "instrument": {"code": "professional_interests_ddo", "version": 1}, "respondent_id": school.people[external_id],
                "answers": leanings, "submission_id": self.key(f"{school.id}-{external_id}-professional_interests_ddo")}, wait_for_events=True)

    async def _answer(self, school: School, external_id: str, code: str, answers: dict, stage: str) -> None:
        """A mentee answers a staged questionnaire with their own token."""
        participant_id = school.people[external_id]
        respondent = self.token(participant_id, "mentee", "school", school.id)
        await self._call("POST", "/surveys/api/v1/responses", respondent, json={
            "instrument": {"code": code, "version": 1}, "respondent_id": participant_id, "answers": answers, "stage": stage,
            "submission_id": self.key(f"{school.id}-{external_id}-{code}-{stage}")}, wait_for_events=True)

    async def _call(self, method: str, path: str, token: str, *, json: dict | None = None, wait_for_events: bool = False) -> httpx.Response:
        """Call the API; with wait_for_events, retry while the service learns from events: a 404
        (an unknown person or pair), or surveys' 422 for someone whose enrolment it has not heard of yet
        (a respondent, or a campaign's explicit respondents), or practices' for an author it has not heard of."""
        deadline = asyncio.get_running_loop().time() + self.patience
        while True:
            response = await self.client.request(method, path, json=json, headers={"Authorization": f"Bearer {token}"})
            learning = response.status_code == 404 or (response.status_code == 422 and (
                "не зачислен" in response.text or "Неизвестные респонденты" in response.text
                or "Среди людей школы нет автора" in response.text))
            if learning and wait_for_events and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
                continue
            if response.status_code >= 400:
                raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text}")
            return response
