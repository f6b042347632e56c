"""Reports use cases: apply each consumed event to the counters of the scopes it touches
(no full recount), then announce the new indicator values of those scopes; read indicators,
their history and drill-downs; rebuild everything from the consumed events.

Every table of reports is derived from the inbox (the consumed events, bodies kept), and the
effect of the events does not depend on their arrival order: events whose school, person or
pair is not known yet are parked, per-person facts keep the latest by event time, and a
withdrawn person's contributions are subtracted (later events about them are ignored). So a
replay of the inbox (`rebuild`) ends with exactly the counters the live updates gave.

The service is composed by use case: the counting core (counting.py: batches of counter
changes, parking, withdrawn people, visibility), the projection (projection.py: applying the
events, the rebuild), the outcome tables (outcomes.py) and the queries behind the API, pages
and exports (queries.py). The exports themselves are in exports.py."""

from __future__ import annotations

from services.reports.projection import ReportsProjection
from services.reports.queries import ReportsQueries


class ReportsService(ReportsProjection, ReportsQueries):
    """The reports use cases: ReportsCore's constructor (db, region, metrics, region name)."""
