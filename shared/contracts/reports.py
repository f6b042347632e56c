"""Events the reports service publishes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.contracts.envelope import EventData

ScopeLevel = Literal["region", "municipality", "school"]


class IndicatorsUpdated(EventData):
    event_type = "reports.indicators.updated.v1"
    description = "The monitoring indicators of one scope and academic year changed."

    scope: ScopeLevel
    scope_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    indicators: dict[str, float | None] = Field(description="Indicator code → its current value.")
    caused_by: str = Field(description="Id of the event that caused the change (the last one applied, when several were).")
    also_caused_by: list[str] = Field(
        default_factory=list,
        description="Ids of further events whose effect these values already include: under load, reports applies "
        "the events that queued up together and announces each scope once.",
    )

    def subject(self) -> str:
        return f"{self.scope}:{self.scope_id}"
