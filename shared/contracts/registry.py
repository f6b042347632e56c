"""Events the registry publishes: who is who in the region."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.contracts.envelope import EventData

Category = Literal["teacher", "pupil", "student", "employer"]
EnrolmentRole = Literal["mentor", "mentee", "curator"]


class SchoolRegistered(EventData):
    event_type = "registry.school.registered.v1"
    description = "A school of the region was registered."

    school_id: str
    name: str
    municipality_id: str
    municipality_name: str
    region_id: str
    low_results: bool = Field(default=False, description="School with low educational results.")
    difficult_conditions: bool = Field(default=False, description="School in difficult social conditions (ШНОР).")

    def subject(self) -> str:
        return self.school_id


class ParticipantRegistered(EventData):
    event_type = "registry.participant.registered.v1"
    description = "A person (teacher, pupil, student, employer) joined a school's mentoring base."

    participant_id: str
    school_id: str
    category: Category
    display_name: str = Field(description="Name shown to curators; the only personal data carried.")
    subjects: list[str] = Field(default_factory=list)
    experience_years: int | None = Field(default=None, ge=0)
    young_specialist: bool = False
    grade: int | None = Field(default=None, ge=1, le=11, description="Pupils only.")

    def subject(self) -> str:
        return self.participant_id


class ParticipantEnrolled(EventData):
    event_type = "registry.participant.enrolled.v1"
    description = "A person was enrolled in a mentoring programme as mentor, mentee or curator."

    participant_id: str
    programme_id: str
    school_id: str
    role: EnrolmentRole
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    capacity: int | None = Field(default=None, ge=1, description="Mentors only: mentees at once.")

    def subject(self) -> str:
        return self.participant_id


class ParticipantWithdrawn(EventData):
    event_type = "registry.participant.withdrawn.v1"
    description = (
        "A person withdrew consent to personal-data processing (152-ФЗ) or left the school: their enrolments "
        "are ended, and every consumer must erase or anonymise what it holds about them."
    )

    participant_id: str
    school_id: str
    reason: Literal["consent_withdrawn", "left_school"]
    ended_programme_ids: list[str] = Field(default_factory=list)

    def subject(self) -> str:
        return self.participant_id
