"""Events the practices service publishes: the region's bank of effective mentoring practices
(seed 002 «банк эффективных наставнических практик», seed 003 «выявлять, систематизировать,
отбирать и диссеминировать») and the regional roadmap's execution (seed 004).

A practice's text, files and authors stay in the service; events carry what the indicators
need: whose practice it is, its status and what it is about."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from shared.contracts.envelope import EventData
from shared.vocabulary import Form as Form
from shared.vocabulary import PracticeStatus as PracticeStatus
from shared.vocabulary import RoadmapStatus as RoadmapStatus
from shared.vocabulary import SchoolLevel as SchoolLevel

ACADEMIC_YEAR = r"^\d{4}/\d{4}$"


class PracticeStatusChanged(EventData):
    event_type = "practices.practice.status_changed.v1"
    description = (
        "A practice moved through the region's review: submitted by a school, taken under review, published, "
        "returned with a comment, or withdrawn from publication. Whole current state (no text, files or names)."
    )

    practice_id: str
    school_id: str = Field(description="The submitting school.")
    academic_year: str = Field(pattern=ACADEMIC_YEAR, description="The academic year it was first submitted in.")
    status: PracticeStatus
    form: Form
    deficit_areas: list[str] = Field(default_factory=list, description="Deficit area codes it works on.")
    school_levels: list[SchoolLevel] = Field(default_factory=list)
    published_on: date | None = Field(default=None, description="When it was (last) published.")

    def subject(self) -> str:
        return self.practice_id


class RoadmapItemSaved(EventData):
    event_type = "practices.roadmap_item.saved.v1"
    description = (
        "An item of the regional roadmap (seed 004: a measure, its deadline, responsible executor and document "
        "type) was added or its execution status changed. Whole current state."
    )

    item_id: str
    region_id: str
    number: str = Field(description="Its number in the roadmap («5», «II.3»).")
    due_on: date = Field(description="The deadline: the last day of its term.")
    status: RoadmapStatus
    done_on: date | None = Field(default=None, description="When it was done; present only when status is done.")

    def subject(self) -> str:
        return self.item_id
