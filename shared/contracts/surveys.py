"""Events the surveys service publishes."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventData
from shared.limits import ANSWERS_MAX, ID_MAX
from shared.vocabulary import DEFICIT_AREAS as DEFICIT_AREAS  # the scales' codes travel in scores
from shared.vocabulary import DEFICIT_INSTRUMENT as DEFICIT_INSTRUMENT
from shared.vocabulary import DEFICIT_SCALE as DEFICIT_SCALE
from shared.vocabulary import GROWTH_INSTRUMENT as GROWTH_INSTRUMENT
from shared.vocabulary import INTEREST_SCALE as INTEREST_SCALE
from shared.vocabulary import INTEREST_TYPES as INTEREST_TYPES
from shared.vocabulary import INTERESTS_INSTRUMENT as INTERESTS_INSTRUMENT
from shared.vocabulary import Role as RespondentRole

Stage = Literal["start", "end"]
STAGED_INSTRUMENTS: frozenset[str] = frozenset({DEFICIT_INSTRUMENT, GROWTH_INSTRUMENT})
"""The built-in instruments that measure growth (the second stage of the monitoring): every
response to them names its stage, "start" (входная диагностика) or "end" (итоговая), given by
its campaign or explicitly on the API and on surveys.response.submit.v1; without one it is
refused. surveys.response.completed.v1 carries it in `stage`, and reports computes the «Рост»
indicators from a person's start and end responses of a year. Every other built-in
instrument refuses a stage, so its events have `stage` None. (A custom instrument may be
staged too, `"staged": true` in its definition; its events carry the stage the same way.)"""


class InstrumentRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(min_length=1)
    version: int = Field(ge=1)


class ResponseCompleted(EventData):
    event_type = "surveys.response.completed.v1"
    description = "A respondent completed a questionnaire; scores are per scale."

    response_id: str
    instrument: InstrumentRef
    respondent_id: str
    respondent_role: RespondentRole
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    pair_id: str | None = None
    stage: Stage | None = Field(
        default=None, description="start / end for an instrument that measures growth (STAGED_INSTRUMENTS), else None."
    )
    scores: dict[str, float]
    campaign_id: str | None = Field(default=None, description="The campaign the response answered, if any.")
    programme_id: str | None = Field(default=None, description="The mentoring programme the response is about (from its campaign), if known.")
    form: str | None = Field(
        default=None, description="Form of mentoring the response is about (the campaign's form, or the SWOT variant's), if known."
    )
    item_values: dict[str, float] | None = Field(
        default=None,
        description="Custom instruments only (None for the built-in ones): the number answered to each numeric item "
        "(scale, number; a matrix row as `item.row`). Never free text.",
    )
    item_choices: dict[str, list[str]] | None = Field(
        default=None,
        description="Custom instruments only: the option codes chosen for each choice item (single, multiple). Never free text.",
    )

    def subject(self) -> str:
        return self.response_id


class InstrumentItem(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="The item's code, as in item_values / item_choices (a matrix row: `item.row`).")
    text: str = Field(description="The question as respondents read it.")
    kind: str = Field(description="scale, number, single, multiple (matrix rows are given as scale items).")
    options: dict[str, str] = Field(default_factory=dict, description="Choice items: option code → its text.")


class InstrumentSaved(EventData):
    event_type = "surveys.instrument.saved.v1"
    description = (
        "The region or a school saved a custom instrument (a new version, or an edit of one not used yet): its "
        "owner and what reports needs to name its numeric and choice items. Free-text items are not listed."
    )

    code: str
    version: int = Field(ge=1)
    title: str
    owner_scope: Literal["region", "school"] = Field(description="region: for every school; school: that school's own.")
    owner_id: str = Field(description="The region id or the school id.")
    items: list[InstrumentItem] = Field(default_factory=list)

    def subject(self) -> str:
        return f"{self.code}:{self.version}"


class CampaignOpened(EventData):
    event_type = "surveys.campaign.opened.v1"
    description = "A curator or the centre opened a survey campaign: who is asked, with which instrument, until when."

    campaign_id: str
    instrument: InstrumentRef
    school_id: str | None = Field(default=None, description="None: every school of the region, or of `municipality_id`.")
    municipality_id: str | None = Field(
        default=None, description="Set when the campaign asks every school of one municipality (school_id is then None)."
    )
    programme_id: str | None = None
    role: RespondentRole | None = None
    form: str | None = Field(default=None, description="Form of mentoring (pairing's Form), if the campaign is for one form.")
    stage: Stage | None = None
    opens_on: date
    closes_on: date
    invited: int = Field(ge=0, description="Respondents given a personal link.")

    def subject(self) -> str:
        return self.campaign_id


class CampaignClosed(EventData):
    event_type = "surveys.campaign.closed.v1"
    description = "A survey campaign was closed: how many were asked and how many answered."

    campaign_id: str
    instrument: InstrumentRef
    school_id: str | None = None
    municipality_id: str | None = Field(default=None, description="As in surveys.campaign.opened.v1.")
    invited: int = Field(ge=0)
    responded: int = Field(ge=0)
    response_rate: float | None = Field(default=None, description="responded / invited, in %; None with nobody invited.")

    def subject(self) -> str:
        return self.campaign_id


class CampaignReminderDue(EventData):
    event_type = "surveys.campaign.reminder_due.v1"
    description = (
        "A respondent of an open campaign has not answered yet: a notification service may remind them. "
        "Ids only; `link_path` is the personal link (a capability: deliver it to the respondent only)."
    )

    campaign_id: str
    participant_id: str
    school_id: str
    instrument: InstrumentRef
    closes_on: date
    link_path: str = Field(description="Path of the personal web form under the surveys service, e.g. /surveys/form/<token>.")

    def subject(self) -> str:
        return self.campaign_id


class RespondentInvited(EventData):
    event_type = "surveys.respondent.invited.v1"
    description = (
        "A respondent was given a personal link to a questionnaire of a campaign (at its opening): a notification "
        "service may send it. Ids only; `link_path` is a capability: deliver it to the respondent only."
    )

    campaign_id: str
    participant_id: str
    school_id: str
    instrument: InstrumentRef
    closes_on: date
    link_path: str = Field(description="Path of the personal web form under the surveys service, e.g. /surveys/form/<token>.")

    def subject(self) -> str:
        return self.campaign_id


class CommandError(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str = Field(description="Dotted path in the command's data, e.g. data.answers.comfort; empty for the whole command.")
    message: str = Field(description="Why, in Russian.")


class CommandRejected(EventData):
    event_type = "surveys.command.rejected.v1"
    description = (
        "A school system's command (surveys.response.submit.v1) was not applied and nothing was stored: "
        "the reason and a message per field. The command's id is the CloudEvents subject."
    )

    command_id: str | None = Field(default=None, description="The rejected command's CloudEvents id.")
    command_type: str | None = None
    school_id: str
    reason: str = Field(description="Why, in Russian.")
    errors: list[CommandError] = Field(default_factory=list)
    submission_id: str | None = Field(default=None, description="The command's idempotency key, echoed back.")

    def subject(self) -> str | None:
        return self.command_id


# -- commands from school information systems (not events: no catalogue entry) -----------------


class SubmitResponse(BaseModel):
    """`surveys.response.submit.v1`: a school system submits answers it collected itself."""

    model_config = ConfigDict(extra="forbid")

    command_type: ClassVar[str] = "surveys.response.submit.v1"

    instrument: InstrumentRef
    respondent_id: str = Field(min_length=1, max_length=ID_MAX, description="The participant id the registry announced.")
    role: RespondentRole | None = Field(default=None, description="For instruments answered by several roles.")
    stage: Stage | None = None
    campaign_id: str | None = Field(default=None, max_length=ID_MAX)
    answers: dict[str, Any] = Field(max_length=ANSWERS_MAX, description="At most 300 answers (shared/limits.py).")
    submission_id: str = Field(min_length=8, max_length=100, description="Idempotency key of the school's system.")


SUBMIT_RESPONSE = SubmitResponse.command_type
