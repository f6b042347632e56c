"""Approving a report's written analysis on PostgreSQL: four analysts approving at once on the
same version get one new version and three clear refusals (the advisory lock and the unique
(scope, id, year, version) constraint), never two texts under one number."""

from __future__ import annotations

import asyncio

from shared.auth import Principal
from shared.db import Database
from shared.errors import Conflict

from services.reports.analysis_cases import Analyses
from services.reports.models import TABLES
from services.reports.service import ReportsService

YEAR = "2026/2027"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="r", name="Орлова Вера")


async def test_simultaneous_approvals_make_one_version(databases: dict[str, str]) -> None:
    db = Database(databases["reports"], TABLES)
    await db.create_tables()
    try:
        analyses = Analyses(ReportsService(db, "r", None, "Край"))
        first = await analyses.approve("region", "r", YEAR, ADMIN, ["Охват"], ["Первая версия"], 0)
        assert first.number == 1
        results = await asyncio.gather(
            *(analyses.approve("region", "r", YEAR, ADMIN, ["Охват"], [f"Вторая версия {k}"], 1) for k in range(4)),
            return_exceptions=True,
        )
        assert sorted(r.number for r in results if not isinstance(r, Exception)) == [2]
        assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)) and len(results) == 4
        view = await analyses.view("region", "r", YEAR, ADMIN)
        assert [v.number for v in view.versions] == [2, 1] and view.shown[0].text.startswith("Вторая версия")
        old = await analyses.view("region", "r", YEAR, ADMIN, version=1)
        assert old.shown[0].text == "Первая версия"
    finally:
        await db.dispose()
