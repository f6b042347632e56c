"""The programme's year around the pairs (issue 15) in a demo school, through the public HTTP APIs
only, as its curator, mentors and the region would record it: the programme's documents
(uploaded files) and the curator appointed by order; the activities planned and held with
attendance; the pairs' meetings; the mentors' training and recognition. The region's own part
(the bank of practices and the roadmap) is `RegionYear`.

`ProgrammeYear.play` is the whole school's year (the demo school); `short` only the documents
without the roadmap and one training, so the region's shares are not all 100 %."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

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
        self.today = date.today().isoformat()

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
        year_end = f"{academic_year_of(date.today())[5:]}-05-20"
        await self.call("POST", base, curator, json={
            "kind": "conference", "title": "Итоговая конференция «Наставничество: итоги года»", "planned_on": year_end,
            "participant_ids": invited})
