"""The built-in instrument library, as data: one module per instrument (family), each a list
of definitions in the shape services.surveys.domain validates. Codes of items and scales are
stable English identifiers; a changed instrument is a new version, never an edit of a used one."""

from __future__ import annotations

from services.surveys.instruments import (
    curator,
    deficit_self_diagnosis,
    growth_measurement,
    professional_interests,
    satisfaction,
    swot,
)

DEFINITIONS: list[dict] = [
    *deficit_self_diagnosis.DEFINITIONS,
    *satisfaction.DEFINITIONS,
    *swot.DEFINITIONS,
    *curator.DEFINITIONS,
    *growth_measurement.DEFINITIONS,
    *professional_interests.DEFINITIONS,
]
