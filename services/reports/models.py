"""Reports' own tables: its view of schools and people, the counters, and parked events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class School(SQLModel, table=True):
    __tablename__ = "reports_school"

    id: str = Field(primary_key=True)
    name: str
    municipality_id: str = Field(index=True)
    municipality_name: str
    region_id: str
    low_results: bool = False
    difficult_conditions: bool = False


class Participant(SQLModel, table=True):
    __tablename__ = "reports_participant"

    id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    category: str
    young_specialist: bool = False
    # added after the first release: nullable or with a server default (shared.db adds them to existing tables)
    newly_arrived: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    grade: int | None = None
    subjects: str = Field(default="[]", sa_column_kwargs={"server_default": "[]"},
                          description="JSON list of the normalised subjects (the staff by subject).")
    self_determination: str | None = None
    order_key: str = Field(default="", sa_column_kwargs={"server_default": ""},
                           description="Event time of the latest state applied (registered or updated).")


class RoleInYear(SQLModel, table=True):
    """A person counted once per role and year, however many programmes they are in."""

    __tablename__ = "reports_role_in_year"

    participant_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    role: str = Field(primary_key=True)


class SchoolInYear(SQLModel, table=True):
    """How many people (roles) a school has enrolled in a year: it runs a programme while > 0."""

    __tablename__ = "reports_school_year"

    school_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    people: int = 0


class Counter(SQLModel, table=True):
    __tablename__ = "reports_counter"

    scope: str = Field(primary_key=True)
    scope_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: float = 0


class ParkedEvent(SQLModel, table=True):
    """An event that arrived before the school or person it refers to (queues do not keep
    order between event types); applied as soon as that reference is registered."""

    __tablename__ = "reports_parked_event"

    waiting_for: str = Field(primary_key=True, description="'school:<id>' or 'participant:<id>'")
    message_id: str = Field(primary_key=True)
    event_type: str
    body: str


class Contribution(SQLModel, table=True):
    """What one person added to the counters of their school in a year, so that a withdrawn
    person can leave the counts (the key becomes a pseudonym then)."""

    __tablename__ = "reports_contribution"

    person: str = Field(primary_key=True)
    school_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: float = 0


class Withdrawn(SQLModel, table=True):
    """Pseudonyms of withdrawn people: later events about them are ignored."""

    __tablename__ = "reports_withdrawn"

    pseudonym: str = Field(primary_key=True)


class Pair(SQLModel, table=True):
    __tablename__ = "reports_pair"

    id: str = Field(primary_key=True)
    school_id: str
    academic_year: str
    form: str
    mentor_id: str = Field(index=True)
    mentees: int
    status: str = "active"


class MentorLoad(SQLModel, table=True):
    __tablename__ = "reports_mentor_load"

    mentor_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    school_id: str
    capacity: int | None = None
    active_mentees: int = 0


class Diagnostic(SQLModel, table=True):
    """A mentee's deficit self-diagnosis at one stage (the latest by event time counts)."""

    __tablename__ = "reports_diagnostic"

    person: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    stage: str = Field(primary_key=True)
    school_id: str
    order_key: str = Field(description="event time + response id: the latest wins whatever the arrival order")
    scores: str = Field(description="area → score, JSON")


class Measurement(SQLModel, table=True):
    """A person's growth measurement (growth_measurement) at one stage (the latest by event time counts)."""

    __tablename__ = "reports_measurement"

    person: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    stage: str = Field(primary_key=True)
    school_id: str
    order_key: str = Field(description="event time + response id: the latest wins whatever the arrival order")
    scores: str = Field(description="scale → score, JSON")


class PlanProgress(SQLModel, table=True):
    """The latest known state (by event time) of a pair's development plan: what it contributes."""

    __tablename__ = "reports_plan_progress"

    pair_id: str = Field(primary_key=True)
    school_id: str
    academic_year: str
    order_key: str = Field(description="event time + progress: the latest wins whatever the arrival order")
    measures_total: int = 0
    measures_done: int = 0


class Campaign(SQLModel, table=True):
    """What reports knows of a survey campaign; it counts once opened (its year = the year of
    `opens_on`), with the closing figures when closed, else the responses seen so far."""

    __tablename__ = "reports_campaign"

    id: str = Field(primary_key=True)
    opened: bool = False
    school_id: str | None = Field(default=None, description="None: a campaign beyond one school (municipality- or region-wide)")
    municipality_id: str | None = Field(default=None, description="A municipality-wide campaign's municipality")
    academic_year: str | None = None
    invited: int = 0
    closed: bool = False
    closed_invited: int = 0
    closed_responded: int = 0


class CampaignResponse(SQLModel, table=True):
    """A response to a campaign (no person kept): counted once, attributed to its school."""

    __tablename__ = "reports_campaign_response"

    campaign_id: str = Field(primary_key=True)
    response_id: str = Field(primary_key=True)
    school_id: str
    academic_year: str


class Programme(SQLModel, table=True):
    """A school's mentoring programme, for showing its title (the SWOT breakdown): its latest
    known state by event time, whatever the order launched / updated arrive in."""

    __tablename__ = "reports_programme"

    id: str = Field(primary_key=True)
    school_id: str
    academic_year: str
    title: str
    order_key: str = Field(description="event time + launched/updated + event id: the latest wins whatever the arrival order")


class CustomInstrument(SQLModel, table=True):
    """A custom instrument's owner and the texts of its items (surveys.instrument.saved.v1), for
    naming its per-item summaries: the latest saved state by event time."""

    __tablename__ = "reports_instrument"

    code: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    owner_scope: str
    owner_id: str
    title: str
    items: str = Field(description="JSON: item code → {text, options: {code: text}}")
    order_key: str


class YearFact(SQLModel, table=True):
    """The latest known state (by event time) of one fact of a programme's year (issue 15): a
    document, a curator's appointment, an activity, a meeting, a training or recognition record,
    a practice, a roadmap item. A removal keeps the row (removed) so that an older event arriving
    later does not bring it back. People only by pseudonym (domain.pseudonym)."""

    __tablename__ = "reports_year_fact"

    kind: str = Field(primary_key=True, description="document, curator, activity, meeting, training, recognition, practice, roadmap")
    id: str = Field(primary_key=True)
    tally: str = Field(description="domain_year.TALLIES: the group whose counters it feeds")
    group_key: str = Field(index=True)
    school_id: str | None = Field(default=None, description="None: the region's roadmap")
    academic_year: str
    person: str | None = Field(default=None, index=True, description="The trained or recognised mentor's pseudonym")
    removed: bool = False
    order_key: str = Field(description="event time + removal + event id: the latest wins whatever the arrival order")
    data: str = Field(description="what the tally needs (domain_year), JSON")


class YearTally(SQLModel, table=True):
    """What a group of facts of a programme's year added to the counters, and where: a change
    recomputes the group and adds the difference."""

    __tablename__ = "reports_year_tally"

    tally: str = Field(primary_key=True)
    group_key: str = Field(primary_key=True)
    school_id: str | None = Field(default=None, description="None: counted for the region only (the roadmap)")
    academic_year: str
    counters: str = Field(description="counter name → value, JSON")


class History(SQLModel, table=True):
    """Every announced value set of a scope and year, in order (the dashboard's time series)."""

    __tablename__ = "reports_history"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(index=True)
    scope_id: str = Field(index=True)
    academic_year: str
    at: datetime
    caused_by: str
    values: str = Field(description="indicator code → value, JSON")


class WrittenAnalysis(SQLModel, table=True):
    """The written analysis of a report (scope and academic year): version 0 is the analyst's
    draft (at most one), versions 1, 2, … are the approved texts, each with the key figures it
    was written against. Written by people, not derived from events: rebuild keeps it."""

    __tablename__ = "reports_analysis"
    __table_args__ = (UniqueConstraint("scope", "scope_id", "academic_year", "version", name="reports_analysis_version"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(index=True)
    scope_id: str = Field(index=True)
    academic_year: str
    version: int = Field(description="0: the draft; 1, 2, …: approved versions")
    sections: str = Field(description="[{title, text}], JSON")
    figures: str = Field(description="indicator code → value the text was written against (analysis.SNAPSHOT_CODES), JSON")
    author: str = Field(description="who saved (the draft) or approved it: name, else the account")
    at: datetime


DERIVED = (
    School, Participant, RoleInYear, SchoolInYear, Counter, ParkedEvent, Contribution, Withdrawn, Pair, MentorLoad, Diagnostic,
    Measurement, PlanProgress, Campaign, CampaignResponse, Programme, CustomInstrument, YearFact, YearTally, History,
)
"""The tables derived from the consumed events (the inbox): rebuild empties and refills them."""
TABLES = (*DERIVED, WrittenAnalysis)
