"""Events the registry publishes about a school programme's year (issue 15): its documents and
the curator's appointment, its activities and who came, the training and the recognition of
its mentors. Reports counts them into the monitoring's indicators.

They carry ids, kinds, dates and counts — what the indicators need — never a document's file,
title or number, an activity's topic or a person's name: those stay in the registry."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from shared.contracts.envelope import EventData
from shared.vocabulary import ActivityKind as ActivityKind
from shared.vocabulary import DocumentKind as DocumentKind
from shared.vocabulary import RecognitionKind as RecognitionKind
from shared.vocabulary import RecognitionLevel as RecognitionLevel
from shared.vocabulary import RecognitionResult as RecognitionResult
from shared.vocabulary import TrainingKind as TrainingKind

ACADEMIC_YEAR = r"^\d{4}/\d{4}$"


class DocumentRecorded(EventData):
    event_type = "registry.document.recorded.v1"
    description = (
        "A document of a school's mentoring programme was recorded or its details changed (an order, "
        "the regulation, the roadmap, the curator's appointment order…): its kind and date, whole current state."
    )

    document_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)
    kind: DocumentKind
    issued_on: date = Field(description="The document's date (дата приказа, утверждения).")

    def subject(self) -> str:
        return self.document_id


class DocumentRemoved(EventData):
    event_type = "registry.document.removed.v1"
    description = "A programme's document was removed (recorded by mistake, or replaced)."

    document_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)
    kind: DocumentKind

    def subject(self) -> str:
        return self.document_id


class CuratorAppointed(EventData):
    event_type = "registry.curator.appointed.v1"
    description = (
        "The director appointed a programme's curator by order (seed 001 «куратор назначается приказом "
        "директора»): the curator and the order's document."
    )

    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)
    curator_id: str = Field(description="The appointed person's registry id.")
    order_document_id: str | None = Field(default=None, description="The recorded appointment order, when attached.")
    appointed_on: date

    def subject(self) -> str:
        return self.programme_id


class ActivitySaved(EventData):
    event_type = "registry.activity.saved.v1"
    description = (
        "A programme's activity (установочная встреча, обучение, открытый урок, методический аудит, итоговая "
        "конференция…) was planned, held or changed: its planned and actual dates and attendance, whole current state."
    )

    activity_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)
    kind: ActivityKind
    planned_on: date
    held_on: date | None = Field(default=None, description="When it was held; absent while it is only planned.")
    participants_invited: int = Field(ge=0, description="People listed as its participants.")
    participants_attended: int = Field(ge=0, description="Of them, marked as present.")

    def subject(self) -> str:
        return self.activity_id


class ActivityCancelled(EventData):
    event_type = "registry.activity.cancelled.v1"
    description = "A planned activity was cancelled or removed: it counts neither as planned nor as held."

    activity_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)

    def subject(self) -> str:
        return self.activity_id


class TrainingRecorded(EventData):
    event_type = "registry.training.recorded.v1"
    description = (
        "A mentor completed a training (курсы повышения квалификации, образовательный интенсив…): who, when, "
        "which kind. Whole current state of the record."
    )

    training_id: str
    person_id: str = Field(description="The trained mentor's registry id.")
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR, description="The academic year of the completion date.")
    kind: TrainingKind
    completed_on: date
    hours: int | None = Field(default=None, ge=0)

    def subject(self) -> str:
        return self.training_id


class TrainingRemoved(EventData):
    event_type = "registry.training.removed.v1"
    description = "A training record was removed (a mistake, or the person withdrew their consent)."

    training_id: str
    person_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)

    def subject(self) -> str:
        return self.training_id


class RecognitionRecorded(EventData):
    event_type = "registry.recognition.recorded.v1"
    description = (
        "A mentor's recognition was recorded: participation or a prize in a contest of professional mastery, an "
        "award, taking part in ИКУ or a teachers' olympiad — its kind, level and result. Whole current state."
    )

    recognition_id: str
    person_id: str = Field(description="The recognised mentor's registry id.")
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)
    kind: RecognitionKind
    level: RecognitionLevel
    result: RecognitionResult
    awarded_on: date

    def subject(self) -> str:
        return self.recognition_id


class RecognitionRemoved(EventData):
    event_type = "registry.recognition.removed.v1"
    description = "A recognition record was removed (a mistake, or the person withdrew their consent)."

    recognition_id: str
    person_id: str
    school_id: str
    academic_year: str = Field(pattern=ACADEMIC_YEAR)

    def subject(self) -> str:
        return self.recognition_id
