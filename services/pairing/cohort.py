"""The matcher's input: one candidate as a `Participant`, and both sides as arrays (`Cohort`)
with shared code books, for the vectorised rules and scores of `domain.candidate_pairs`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from shared import vocabulary
from shared.vocabulary import DEFICIT_AREAS, INTEREST_TYPES

from services.pairing.profiles import subject_name, subject_terms
from services.pairing.pupils import CHOICES, FIELDS, GRADE_KINDS, grade_kind

AREAS: tuple[str, ...] = tuple(DEFICIT_AREAS)
"""Deficit areas in a fixed order (shared.vocabulary.DEFICIT_AREAS)."""
TYPES: tuple[str, ...] = tuple(INTEREST_TYPES)
"""Климов's five types of profession in a fixed order (shared.vocabulary.INTEREST_TYPES)."""
_CATEGORY_CODES = {category: i for i, category in enumerate(vocabulary.CATEGORIES)}


@dataclass(frozen=True)
class Participant:
    """One candidate as the matcher sees them. For a mentee `profile` is deficit levels, for a
    mentor strength levels (0..1 per area). `load` is the mentor's places already taken."""

    participant_id: str
    category: str
    school_id: str
    municipality_id: str | None = None
    subjects: tuple[str, ...] = ()
    experience_years: int | None = None
    grade: int | None = None
    profile: Mapping[str, float] = field(default_factory=dict)
    capacity: int = 1
    load: int = 0
    priority: bool = False
    """A young specialist or a newly arrived teacher (seed 001): first when places are short."""
    interests: Mapping[str, float] = field(default_factory=dict)
    """0..1 per type of profession: a pupil's diagnostic; for a mentor, the types they show."""
    class_direction: tuple[str, ...] = ()
    """A pupil: the subject or direction of their class (e.g. «педагогический класс», «химия»)."""
    choice: str | None = None
    """A pupil: professional self-determination (pedagogical, other, undecided); None: unknown."""
    field_of_work: str | None = None
    """A mentor: what they show a pupil (`FIELDS`: school_teacher, pedagogical, other); None: nothing."""
    grade_limits: tuple[int, int] | None = None
    """A mentor's limit: pupils of these grades only (from, to), the mentor's own hard rule."""


@dataclass
class Cohort:
    """Participants as arrays (one row per person) for vectorised rules and scores."""

    ids: list[str]
    person: np.ndarray  # int64 code of participant_id, shared between mentees and mentors
    category: np.ndarray  # int8
    school: np.ndarray  # int64
    municipality: np.ndarray  # int64
    subjects: np.ndarray  # uint64 (n, words): bit c of the row = subject code c, any number of subjects
    experience: np.ndarray  # float32, nan when unknown
    grade: np.ndarray  # int16, 0 when unknown
    profile: np.ndarray  # float32 (n, len(AREAS))
    capacity: np.ndarray  # int64: free places (mentors)
    priority: np.ndarray | None = None  # bool: young specialist or newly arrived (None: nobody)
    interests: np.ndarray | None = None  # float32 (n, len(TYPES)) (None: nobody's known)
    direction: np.ndarray | None = None  # uint64 (n, words): a pupil's class direction, as subject bits
    kind: np.ndarray | None = None  # int8: 1 + index in GRADE_FIT (0: none)
    choice: np.ndarray | None = None  # int8: 1 + index in CHOICES (0: unknown)
    field: np.ndarray | None = None  # int8: 1 + index in FIELDS (0: none)
    grade_limits: np.ndarray | None = None  # int16 (n, 2): a mentor's grades from, to (0: no limit)

    def __len__(self) -> int:
        return len(self.ids)


def encode(
    mentees: Sequence[Participant], mentors: Sequence[Participant], vocabulary: Mapping[str, str] | None = None
) -> tuple[Cohort, Cohort]:
    """Both sides as arrays with shared code books (schools, municipalities, subjects, people).
    Two people share a subject when their subjects share a term of the region's vocabulary."""
    known = {subject_name(k): subject_name(v) for k, v in (vocabulary or {}).items()}
    books: dict[str, dict[str, int]] = {"person": {}, "school": {}, "municipality": {}, "subject": {}}

    def code(book: str, value: str | None) -> int:
        if value is None:
            return -1
        table = books[book]
        return table.setdefault(value, len(table))

    pending: list[tuple[Cohort, list[list[int]], list[list[int]]]] = []  # made bit matrices once every code is known

    def cohort(people: Sequence[Participant]) -> Cohort:
        n = len(people)
        profile = np.zeros((n, len(AREAS)), dtype=np.float32)
        for row, p in enumerate(people):
            for area, level in p.profile.items():
                if area in AREAS:
                    profile[row, AREAS.index(area)] = level
        codes = [[code("subject", term) for subject in p.subjects for term in subject_terms(subject, known)] for p in people]
        directions = [[code("subject", term) for d in p.class_direction for term in subject_terms(d, known)] for p in people]
        kinds = [grade_kind(p.category, p.subjects) for p in people]
        side = Cohort(
            ids=[p.participant_id for p in people],
            person=np.array([code("person", p.participant_id) for p in people], dtype=np.int64),
            category=np.array([_CATEGORY_CODES.get(p.category, -1) for p in people], dtype=np.int8),
            school=np.array([code("school", p.school_id) for p in people], dtype=np.int64),
            municipality=np.array(  # unknown municipality: the school stands for it
                [code("municipality", p.municipality_id or f"school:{p.school_id}") for p in people], dtype=np.int64
            ),
            subjects=np.zeros((n, 1), dtype=np.uint64),
            experience=np.array([np.nan if p.experience_years is None else p.experience_years for p in people], dtype=np.float32),
            grade=np.array([p.grade or 0 for p in people], dtype=np.int16),
            profile=profile,
            capacity=np.array([max(p.capacity - p.load, 0) for p in people], dtype=np.int64),
            priority=np.array([p.priority for p in people], dtype=bool),
            interests=np.array([[p.interests.get(t, 0.0) for t in TYPES] for p in people], dtype=np.float32).reshape(n, len(TYPES)),
            direction=np.zeros((n, 1), dtype=np.uint64),
            kind=np.array([0 if k is None else 1 + GRADE_KINDS.index(k) for k in kinds], dtype=np.int8),
            choice=np.array([1 + CHOICES.index(p.choice) if p.choice in CHOICES else 0 for p in people], dtype=np.int8),
            field=np.array([1 + FIELDS.index(p.field_of_work) if p.field_of_work in FIELDS else 0 for p in people], dtype=np.int8),
            grade_limits=np.array([p.grade_limits or (0, 0) for p in people], dtype=np.int16).reshape(n, 2),
        )
        pending.append((side, codes, directions))
        return side

    mentee_cohort, mentor_cohort = cohort(mentees), cohort(mentors)
    words = max(1, -(-len(books["subject"]) // 64))
    for side, codes, directions in pending:
        side.subjects = subject_bits(codes, words)
        side.direction = subject_bits(directions, words)
    return mentee_cohort, mentor_cohort


def subject_bits(codes: Sequence[Sequence[int]], words: int) -> np.ndarray:
    """Subject codes per person → a (n, words) uint64 bit matrix: exact set semantics at any
    number of distinct subjects (a shared subject is a shared bit, never a collision)."""
    bits = np.zeros((len(codes), words), dtype=np.uint64)
    for row, own in enumerate(codes):
        for c in own:
            bits[row, c // 64] |= np.uint64(1) << np.uint64(c % 64)
    return bits
