"""The programme's year around the pairs (issue 15) in a demo school, through the public HTTP APIs
only, as its curator, mentors and the region would record it: the programme's documents
(uploaded files) and the curator appointed by order; the activities planned and held with
attendance; the pairs' meetings; the mentors' training and recognition. The region's own part
(the bank of practices and the roadmap) is `RegionYear`.

`ProgrammeYear.play` is the whole school's year (the demo school); `short` only the documents
without the roadmap and one training, so the region's shares are not all 100 %."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from shared import clock
from shared.clock import academic_year_of

if TYPE_CHECKING:
    from nastavnik.scenario import RegionScenario, School

# (kind, number, title): the order, the regulation, the roadmap, the curator's appointment order
DOCUMENTS = [
    ("order", "112-од", "Приказ о внедрении целевой модели наставничества"),
    ("regulation", None, "Положение о системе наставничества педагогических работников"),
    ("roadmap", None, "Дорожная карта реализации программы наставничества"),
    ("curator_order", "113-од", "Приказ о назначении куратора программы наставничества"),
]
CURATOR = "t-04"
TRAINED = ("t-01", "t-05")  # of the five mentors (t-01, t-05, p-01, s-01, e-01)
RECOGNISED = "t-01"
MEETINGS = 3  # one meeting for each of the school's first three pairs
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ProgrammeYear:
    def __init__(self, scenario: RegionScenario) -> None:
        self.scenario = scenario
        self.call = scenario._call  # noqa: SLF001 - the same package: the scenario lends its HTTP client
        self.today = clock.today().isoformat()

    async def play(self, school: School) -> None:
        curator = self.scenario.token("curator", "school_curator", "school", school.id)
        documents = await self._documents(school, curator, DOCUMENTS)
        await self.call("PUT", f"/registry/api/v1/programmes/{school.programme_id}/curator-appointment", curator, json={
            "participant_id": school.people[CURATOR], "order_document_id": documents["curator_order"]})
        await self._activities(school, curator)
        for pair_id in school.pair_ids[:MEETINGS]:
            await self.call("POST", f"/pairing/api/v1/pairs/{pair_id}/meetings", curator, json={
                "held_on": self.today, "minutes": 45, "format": "in_person", "topic": "Разбор открытого урока",
            }, wait_for_events=True)
        await self.call("POST", f"/registry/api/v1/schools/{school.id}/training", curator, json={
            "person_ids": [school.people[p] for p in TRAINED], "kind": "intensive", "title": "Образовательный интенсив «Наставник»",
            "organiser": "ИРО", "completed_on": self.today, "hours": 16})
        await self.call("POST", f"/registry/api/v1/schools/{school.id}/recognitions", curator, json={
            "person_id": school.people[RECOGNISED], "kind": "contest", "level": "regional", "result": "winner",
            "title": "Конкурс профессионального мастерства «Наставник года»", "awarded_on": self.today})

    async def short(self, school: School) -> None:
        """Two of the three documents (no roadmap) and no appointment: the school a monitoring flags."""
        curator = self.scenario.token("curator", "school_curator", "school", school.id)
        await self._documents(school, curator, DOCUMENTS[:2])

    async def _documents(self, school: School, curator: str, documents: list) -> dict[str, str]:
        ids = {}
        for kind, number, title in documents:
            fields = {"programme_id": school.programme_id, "kind": kind, "issued_on": self.today, "title": title}
            if number:
                fields["number"] = number
            response = await self.scenario.client.post(
                "/registry/api/v1/documents", data=fields, files={"file": (f"{kind}.pdf", PDF, "application/pdf")},
                headers={"Authorization": f"Bearer {curator}"})
            if response.status_code != 201:
                raise RuntimeError(f"document {kind} → {response.status_code}: {response.text}")
            ids[kind] = response.json()["id"]
        return ids

    async def _activities(self, school: School, curator: str) -> None:
        """The kick-off held (three of the four invited came) and the final conference planned for May."""
        invited = [school.people[p] for p in ("t-01", "t-02", "t-03", "t-05")]
        base = f"/registry/api/v1/programmes/{school.programme_id}/activities"
        kickoff = await self.call("POST", base, curator, json={
            "kind": "kickoff", "title": "Установочная встреча наставников и наставляемых", "planned_on": self.today,
            "participant_ids": invited})
        await self.call("POST", f"/registry/api/v1/activities/{kickoff.json()['id']}/held", curator, json={
            "held_on": self.today, "attended_ids": invited[:3]})
        year_end = f"{academic_year_of(clock.today())[5:]}-05-20"
        await self.call("POST", base, curator, json={
            "kind": "conference", "title": "Итоговая конференция «Наставничество: итоги года»", "planned_on": year_end,
            "participant_ids": invited})


EXECUTOR = "ГБУ ДПО «Институт развития образования»"
# seed 004's items (section, number, measure, term, executors, document type), with this academic
# year's dates: (due (month, day) from the year's 1 September, status, done on): one done last
# year, one done on time, one under way past its deadline (overdue from 2 September), one planned
ROADMAP = [
    ("I", "1", "Разработка и утверждение дорожной карты реализации региональной целевой модели наставничества",
     "январь – февраль", "Министерство образования / " + EXECUTOR, "дорожная карта", -1, "done"),
    ("I", "2", "Создание и пополнение страницы «Информационно-ресурсное обеспечение продвижения лучших муниципальных "
     "практик наставничества» на сайте института", "сентябрь", EXECUTOR, "страница сайта", 14, "done"),
    ("I", "3", "Формирование графика муниципальных вебинаров по продвижению лучших наставнических практик",
     "к началу учебного года", EXECUTOR + " / муниципальные органы управления образованием", "график вебинаров", 0,
     "in_progress"),
    ("II", "5", "Региональный конкурс научно-методических материалов, номинация «Лучшие практики организации "
     "наставничества педагогических работников»", "III – IV кварталы", EXECUTOR,
     "приказы о проведении и результатах конкурса", 270, "planned"),
]
# (school index, title, form, deficit areas, levels, what the region does with it)
PRACTICES = [
    (0, "Методический аудит «5 вопросов наставнику»", "teacher_teacher", ["methodological", "psychological_pedagogical"],
     ["basic", "secondary"], "publish"),
    (1, "Профессиональные пробы «Один день из жизни классного руководителя»", "teacher_teacher",
     ["extracurricular_upbringing"], ["basic"], "submit"),
]


class RegionYear:
    """The region's part of the year: schools' practices submitted, one published after review;
    the regional roadmap's items (seed 004) with their execution."""

    def __init__(self, scenario: RegionScenario) -> None:
        self.scenario = scenario
        self.call = scenario._call  # noqa: SLF001 - the same package
        self.start = date(int(academic_year_of(clock.today())[:4]), 9, 1)

    async def play(self, schools: list[School]) -> None:
        for index, title, form, areas, levels, outcome in PRACTICES:
            await self._practice(schools[index], title, form, areas, levels, publish=outcome == "publish")
        for section, number, measure, term, executors, document, days, status in ROADMAP:
            due = self.start + timedelta(days=days)
            done_on = (due if due <= self.start else self.start) if status == "done" else None
            await self.call("POST", "/practices/api/v1/roadmap", self.scenario.admin, json={
                "section": section, "number": number, "measure": measure, "term": term, "due_on": due.isoformat(),
                "executors": executors, "document_type": document, "status": status,
                "done_on": done_on.isoformat() if done_on else None,
                "expected_results": "Создание условий для продвижения лучших наставнических практик"})

    async def _practice(self, school: School, title: str, form: str, areas: list[str], levels: list[str], *,
                        publish: bool) -> None:
        curator = self.scenario.token("curator", "school_curator", "school", school.id)
        practice = await self.call("POST", "/practices/api/v1/practices", curator, json={
            "title": title, "form": form, "deficit_areas": areas, "school_levels": levels,
            "description": "Цикл встреч наставников и молодых педагогов с разбором уроков и взаимопосещением.",
            "results": "Молодые педагоги провели открытые уроки; дефициты в методической области снизились.",
            "author_ids": [school.people["t-01"]]}, wait_for_events=True)
        practice_id = practice.json()["id"]
        response = await self.scenario.client.post(
            f"/practices/api/v1/practice-files/{practice_id}", files={"file": ("practice.pdf", PDF, "application/pdf")},
            headers={"Authorization": f"Bearer {curator}"})
        if response.status_code != 201:
            raise RuntimeError(f"practice file → {response.status_code}: {response.text}")
        await self.call("POST", f"/practices/api/v1/practices/{practice_id}/submit", curator)
        if publish:
            for action in ("take", "publish"):
                await self.call("POST", f"/practices/api/v1/practices/{practice_id}/{action}", self.scenario.admin)
