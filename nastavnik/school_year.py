"""A whole school year of the demo school, through the public HTTP APIs only (what `nastavnik run
--demo` shows and tests/flow/test_school_year_report.py checks): people and a programme of all
seven forms; the entry diagnostics from campaigns opened for stage «start»; pairs from a matching
run the curator confirms, and by hand for the other forms (a newly arrived teacher gets the head
as her mentor); development plans with measures done; the satisfaction questionnaires of mentees
and mentors from campaigns; the curator's SWOT of every form; the final diagnostics from
campaigns opened for stage «end»; the curator's questionnaire; the pupils' professional-interest
test; around the pairs, the programme's year (nastavnik/programme_year.py: documents, the curator's
appointment, activities, meetings, training, recognition). The mentee satisfaction campaign stays open and the demo mentee (t-02) has not answered it,
so the demo mentee finds a questionnaire to fill.

The other demo schools get a shorter year (`short_year`): a plan with a measure done and a
campaign answered, so that every row of the region's report has data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from shared import clock, vocabulary
from shared.auth import Principal

from nastavnik.programme_year import ProgrammeYear
from nastavnik.web_forms import submit
from services.surveys.instruments import deficit_self_diagnosis, growth_measurement, professional_interests

if TYPE_CHECKING:
    from nastavnik.scenario import RegionScenario, School

# (external id, category, full name, subjects, experience, birth year, grade, partner)
PEOPLE = [
    ("t-01", "teacher", "Иванова Анна Петровна", ["математика и информатика"], 24, 1975, None, None),
    ("t-02", "teacher", "Смирнов Илья Олегович", ["математика и информатика"], 1, 2000, None, None),
    ("t-03", "teacher", "Кузнецова Мария Игоревна", ["русский язык и литература"], 2, 1999, None, None),
    ("t-04", "teacher", "Попов Сергей Викторович", ["история и обществознание"], 12, 1986, None, None),
    ("p-01", "pupil", "Соколов Артём", [], None, None, 10, None),
    ("p-02", "pupil", "Лебедева Полина", [], None, None, 6, None),
    ("p-03", "pupil", "Морозов Даниил", [], None, None, 5, None),
    ("p-04", "pupil", "Ковалёва Софья", [], None, None, 9, None),
    ("p-05", "pupil", "Орлов Максим", [], None, None, 9, None),
    ("p-06", "pupil", "Белова Ксения", [], None, None, 9, None),
    ("p-07", "pupil", "Егоров Тимофей", [], None, None, 9, None),
    ("p-08", "pupil", "Никитина Вера", [], None, None, 9, None),
    ("s-01", "student", "Васильев Никита Андреевич", [], None, 2004, None, None),
    ("s-02", "student", "Зайцева Алина Романовна", [], None, 2006, None, None),
    ("e-01", "employer", "Фёдоров Павел Игоревич", [], 15, 1980, None, None),
]
ARRIVING = [  # registered and enrolled in the autumn, after the pairs were matched
    ("t-05", "teacher", "Григорьева Ольга Павловна", ["управленческая команда"], 28, 1971, None, None),
    ("t-06", "teacher", "Новикова Дарья Сергеевна", ["биология"], 0, 2002, None, None),
]
# (external id, role, capacity)
ENROLMENTS = [("t-01", "mentor", 3), ("t-02", "mentee", None), ("t-03", "mentee", None), ("p-01", "mentor", 2),
              ("p-02", "mentee", None), ("p-03", "mentee", None), ("p-04", "mentee", None), ("p-05", "mentee", None),
              ("p-06", "mentee", None), ("p-07", "mentee", None), ("p-08", "mentee", None),
              ("s-01", "mentor", 1), ("s-02", "mentee", None), ("e-01", "mentor", 5)]
# pairs formed by hand after the matching run: (mentor, mentees, form); the employer mentors a
# group of four ninth-graders choosing a profession
BY_HAND = [("p-01", ["p-02"], "pupil_pupil"), ("t-01", ["p-03"], "teacher_pupil"), ("s-01", ["p-04"], "student_pupil"),
           ("e-01", ["p-05", "p-06", "p-07", "p-08"], "employer_pupil"), ("e-01", ["s-02"], "employer_student"), ("t-05", ["t-06"], "head_teacher")]
FORMS = list(vocabulary.FORMS)
RATINGS = ("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met")
# satisfaction (1–10) of who answers: the demo mentee t-02 leaves the mentees' campaign open
MENTEE_SATISFACTION = {"t-03": 9, "t-06": 8, "p-02": 10, "p-03": 7, "p-04": 6, "p-05": 9, "s-02": 5}
MENTOR_SATISFACTION = {"t-01": 8, "t-05": 9, "p-01": 10, "s-01": 7, "e-01": 6}
# deficit self-diagnosis (1–5, all statements) at start and end; t-03's methodological deficit stays
DIAGNOSTICS = {"t-02": (4, 2), "t-03": (3, 3), "t-06": (5, 3)}
# the pupils' professional self-determination the curator records at the year's end (the older ones)
SELF_DETERMINATION = {"p-01": "pedagogical", "p-04": "other", "p-05": "pedagogical", "p-06": "undecided", "p-07": "other",
                      "p-08": "other"}
GROWTH = {"t-02": (5, 8), "t-03": (6, 7), "t-06": (4, 8)}  # growth measurement (1–10) at start and end
SWOT_FACTORS = {
    "strengths_factors": ["motivated_pairs", "regular_meetings", "form_fit"],
    "weaknesses_factors": ["form_mismatch"],
    "opportunities_factors": ["training"],
    "threats_factors": ["burnout", "turnover"],
}


class SchoolYear:
    """Plays a school's year through `scenario`'s HTTP client, as the people of that school would."""

    def __init__(self, scenario: RegionScenario) -> None:
        self.scenario = scenario
        self.call = scenario._call  # noqa: SLF001 - the same package: the scenario lends its HTTP client
        self.today = clock.today()

    def window(self, days: int = 14) -> dict:
        return {"opens_on": self.today.isoformat(), "closes_on": (self.today + timedelta(days=days)).isoformat()}

    def curator(self, school: School) -> str:
        return self.scenario.token("curator", "school_curator", "school", school.id)

    def person(self, school: School, external_id: str, role: str) -> str:
        return self.scenario.token(school.people[external_id], role, "school", school.id)

    async def play(self, school: School, academic_year: str, people_ready: Callable[[], Awaitable[None]] | None = None) -> School:
        curator = self.curator(school)
        await self._register(school, PEOPLE, curator)
        programme = await self.call("POST", f"/registry/api/v1/schools/{school.id}/programmes", curator, json={
            "title": "Программа наставничества «Вместе»", "academic_year": academic_year, "forms": FORMS})
        school.programme_id = programme.json()["id"]
        await self._enrol(school, ENROLMENTS, curator)
        if people_ready is not None:  # the demo's accounts: mentors and mentees sign in once enrolled
            await people_ready()
        # September: the entry diagnostics of the teacher mentees, from campaigns opened for stage «start»
        await self._diagnostics(school, "start", curator)
        # pairs: the matcher proposes the teachers' pairs, the curator confirms them
        await self._matched_pairs(school, curator)
        # October: the head and a newly arrived teacher join; the other forms' pairs by hand
        await self._register(school, ARRIVING, curator)
        await self._enrol(school, [("t-05", "mentor", 1), ("t-06", "mentee", None)], curator)
        await self._diagnostics(school, "start", curator, only=["t-06"])
        for mentor, mentees, form in BY_HAND:
            pair = await self.call("POST", f"/pairing/api/v1/programmes/{school.programme_id}/pairs", curator, json={
                "mentor_id": school.people[mentor], "mentee_ids": [school.people[m] for m in mentees], "form": form,
            }, wait_for_events=True)
            school.pair_ids.append(pair.json()["id"])
        await self._plans(school, curator)
        # spring: satisfaction, SWOT, the final diagnostics, the curator's questionnaire, the interest test
        await self._satisfaction(school, curator)
        for form in FORMS:
            await self.call("POST", "/surveys/api/v1/responses", curator, json={
                "instrument": {"code": f"swot_{form}", "version": 1}, "respondent_id": school.people["t-04"],
                "answers": {**SWOT_FACTORS, "pairs_count": 1, "overall_rating": 8},
                "submission_id": f"{school.id}-swot-{form}"}, wait_for_events=True)
        await self._diagnostics(school, "end", curator)
        await self._curator_questionnaire(school, curator)
        await self._interests(school, curator)
        # around the pairs all year: documents, the curator's appointment, activities, meetings, training
        await ProgrammeYear(self.scenario).play(school)
        # the year's end: the pupils' self-determination; the written analysis approved (the
        # school's by its curator, the region's by the region's analyst in `approve_region`)
        for external_id, code in SELF_DETERMINATION.items():
            await self.call("PATCH", f"/registry/api/v1/participants/{school.people[external_id]}", curator,
                            json={"self_determination": code})
        return school

    async def approve_analyses(self, school: School, academic_year: str) -> None:
        """The year's end, on the analysis pages as a browser posts them: the school's curator
        approves the school's written analysis, the region's analyst the region's (each the text
        generated from the year's figures, unchanged)."""
        people = ((Principal(sub="curator", role="school_curator", scope="school", scope_id=school.id, name="Куратор школы"),
                   "school", school.id),
                  (Principal(sub="analyst", role="region_admin", scope="region", scope_id=self.scenario.region_id,
                             name="Аналитик региона"), "region", self.scenario.region_id))
        for principal, level, scope_id in people:
            page = "/reports/analysis?" + urlencode({"scope": level, "scope_id": scope_id, "academic_year": academic_year})
            await submit(self.scenario.client, self.scenario.secret, principal, page, "analysis-form", ("action", "approve"))

    async def short_year(self, school: School, rating: int) -> None:
        """A plan with one measure done and a campaign of the teacher mentees (t-03 answers)."""
        curator = self.curator(school)
        await self._plan(school, school.pair_ids[0], curator, done=1)
        campaign = await self.call("POST", "/surveys/api/v1/campaigns", curator, json={
            "title": "Удовлетворённость наставляемых", "instrument": {"code": "satisfaction_mentee", "version": 1},
            "role": "mentee", "category": "teacher", **self.window()}, wait_for_events=True)
        await self._respond(school, "t-03", "mentee", "satisfaction_mentee", dict.fromkeys(RATINGS, rating),
                            campaign=campaign.json()["id"])
        await ProgrammeYear(self.scenario).short(school)

    # -- steps ---------------------------------------------------------------------------------

    async def _register(self, school: School, people: list, curator: str) -> None:
        for external_id, category, name, subjects, experience, birth_year, grade, partner in people:
            consent = {"given_by": "legal_representative" if category == "pupil" else "self", "document": f"согласие {external_id}"}
            body = {"category": category, "full_name": name, "external_id": external_id, "subjects": subjects,
                    "experience_years": experience, "birth_year": birth_year, "grade": grade, "consent": consent,
                    "partner_id": partner, "newly_arrived": external_id == "t-06"}
            person = await self.call("POST", f"/registry/api/v1/schools/{school.id}/participants", curator, json=body)
            school.people[external_id] = person.json()["id"]

    async def _enrol(self, school: School, enrolments: list, curator: str) -> None:
        for external_id, role, capacity in enrolments:
            await self.call("POST", f"/registry/api/v1/programmes/{school.programme_id}/enrolments", curator, json={
                "participant_id": school.people[external_id], "role": role, "capacity": capacity})

    async def _campaign(self, curator: str, title: str, code: str, role: str, *, stage: str | None = None,
                        category: str | None = None, respondents: list[str] | None = None) -> str:
        body = {"title": title, "instrument": {"code": code, "version": 1}, "role": role, "stage": stage, "category": category,
                **self.window(30)}
        if respondents is not None:
            body["respondent_ids"] = respondents
        campaign = await self.call("POST", "/surveys/api/v1/campaigns", curator, json=body, wait_for_events=True)
        return campaign.json()["id"]

    async def _respond(self, school: School, external_id: str, role: str, code: str, answers: dict, *,
                       campaign: str | None = None, stage: str | None = None, token: str | None = None) -> None:
        """A respondent answers with their own token (the curator's for the curator's own forms)."""
        await self.call("POST", "/surveys/api/v1/responses", token or self.person(school, external_id, role), json={
            "instrument": {"code": code, "version": 1}, "respondent_id": school.people[external_id], "answers": answers,
            "campaign_id": campaign, "stage": stage,
            "submission_id": f"{school.id}-{external_id}-{code}-{stage or 'once'}"}, wait_for_events=True)

    async def _diagnostics(self, school: School, stage: str, curator: str, only: list[str] | None = None) -> None:
        """Deficit self-diagnosis and growth measurement of the teacher mentees, from campaigns of `stage`."""
        who = only or [p for p in DIAGNOSTICS if p in school.people]
        respondents = [school.people[p] for p in who]
        label = "входная" if stage == "start" else "итоговая"
        deficits = await self._campaign(curator, f"Самодиагностика дефицитов ({label})", "deficit_self_diagnosis", "mentee",
                                        stage=stage, category="teacher", respondents=respondents)
        growth = await self._campaign(curator, f"Мотивация и компетенции ({label})", "growth_measurement", "mentee",
                                      stage=stage, category="teacher", respondents=respondents)
        statements = [code for items in deficit_self_diagnosis.STATEMENTS.values() for code, _ in items]
        measured = [code for _, items in growth_measurement.SCALES.values() for code, _ in items]
        for external_id in who:
            value = DIAGNOSTICS[external_id][0 if stage == "start" else 1]
            answers = dict.fromkeys(statements, value)
            if external_id == "t-03" and stage == "end":
                answers.update(me_lesson_design=4, me_methods=4, me_evaluation=4)
            await self._respond(school, external_id, "mentee", "deficit_self_diagnosis", answers, campaign=deficits, stage=stage)
            score = GROWTH[external_id][0 if stage == "start" else 1]
            await self._respond(school, external_id, "mentee", "growth_measurement", dict.fromkeys(measured, score),
                                campaign=growth, stage=stage)

    async def _matched_pairs(self, school: School, curator: str) -> None:
        """The matcher proposes pairs of «учитель – учитель»; the curator confirms every proposal.
        Pairing learns the enrolments from events: run again until both teacher mentees are proposed
        (a run's counts include the pupils, so they cannot tell)."""
        base = f"/pairing/api/v1/programmes/{school.programme_id}"
        await self.call("PUT", f"{base}/matching/settings", curator, json={"form": "teacher_teacher"}, wait_for_events=True)
        deadline = asyncio.get_running_loop().time() + self.scenario.patience
        while True:
            run = (await self.call("POST", f"{base}/matching/runs", curator, json={}, wait_for_events=True)).json()
            proposed = {m["mentee_id"] for proposal in run["proposals"] for m in proposal["members"]}
            if proposed >= {school.people["t-02"], school.people["t-03"]} or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        for proposal in run["proposals"]:
            pair = await self.call("POST", f"{base}/proposals/{proposal['id']}/confirm", curator)
            school.pair_ids.append(pair.json()["id"])

    async def _plans(self, school: School, curator: str) -> None:
        for n, pair_id in enumerate(school.pair_ids):
            await self._plan(school, pair_id, curator, done=1 if n % 2 else 2)

    async def _plan(self, school: School, pair_id: str, curator: str, *, done: int) -> None:
        """Goals and two measures of the pair's development plan, `done` of them done."""
        due = (self.today + timedelta(days=60)).isoformat()
        await self.call("PUT", f"/pairing/api/v1/pairs/{pair_id}/plan/goals", curator,
                        json={"goals": [{"area": "methodological", "goal": "Уроки по обновлённым ФГОС"}]}, wait_for_events=True)
        for k, (title, area) in enumerate((("Открытый урок", "methodological"), ("Курс по цифровым инструментам", "ict_digital"))):
            measure = await self.call("POST", f"/pairing/api/v1/pairs/{pair_id}/plan/measures", curator,
                                      json={"title": title, "area": area, "due_on": due})
            if k < done:
                await self.call("PATCH", f"/pairing/api/v1/pairs/{pair_id}/plan/measures/{measure.json()['id']}", curator,
                                json={"done_on": self.today.isoformat(), "product": "Конспект и самоанализ урока"})

    async def _satisfaction(self, school: School, curator: str) -> None:
        mentees = await self._campaign(curator, "Удовлетворённость наставляемых", "satisfaction_mentee", "mentee")
        for external_id, rating in MENTEE_SATISFACTION.items():
            await self._respond(school, external_id, "mentee", "satisfaction_mentee",
                                {**dict.fromkeys(RATINGS, rating), "most_valuable": "Открытые уроки и разбор ошибок"},
                                campaign=mentees)
        mentors = await self._campaign(curator, "Удовлетворённость наставников", "satisfaction_mentor", "mentor")
        for external_id, rating in MENTOR_SATISFACTION.items():
            await self._respond(school, external_id, "mentor", "satisfaction_mentor",
                                {**dict.fromkeys(RATINGS, rating), "missing": "Времени на встречи"}, campaign=mentors)

    async def _curator_questionnaire(self, school: School, curator: str) -> None:
        ratings = ("organisation", "pairs_formed_well", "mentor_engagement", "mentee_engagement", "admin_support", "resources")
        await self._respond(school, "t-04", "curator", "curator_questionnaire", {
            **dict.fromkeys(ratings, 8), "plan_approved": "yes", "mentors_trained": "yes", "meetings_held": 24,
            "difficulties": "Трудно найти время для встреч пар"}, token=curator)

    async def _interests(self, school: School, curator: str) -> None:
        """The pupils' professional-interest test (ДДО Климова), from a campaign of the pupil mentees."""
        campaign = await self._campaign(curator, "Диагностика профессиональных интересов", "professional_interests_ddo", "mentee",
                                        category="pupil")
        pairs = len(professional_interests.PAIRS)
        for n, external_id in enumerate(("p-02", "p-03", "p-04", "p-05", "p-06", "p-07", "p-08")):
            # each pupil prefers the first option of most pairs, a different few the second: leanings differ
            answers = {f"q{k:02d}": "b" if (k + n) % 3 == 0 else "a" for k in range(1, pairs + 1)}
            await self._respond(school, external_id, "mentee", "professional_interests_ddo", answers, campaign=campaign)
