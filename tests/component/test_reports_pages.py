"""Reports' pages over HTTP (a session cookie, as the browser sends it) and the fast reads
behind them: the dashboard's figures equal the full report's (which the exports use), the
schools' states and reasons, the to-do fragment, scope rules."""

from __future__ import annotations

import pytest

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from services.reports import attention, overview
from services.reports.main import create_service
from tests.component.helpers import deliver, region_fixtures
from tests.component.test_reports_indicators import YEAR, load_region, school
from tests.conftest import SECRET

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region")
COORDINATOR = Principal(sub="coordinator", role="municipal_coordinator", scope="municipality", scope_id="m1")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="s3")


pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared region lives on the module's loop
shared_region, region = region_fixtures(create_service, load_region)


def _signed_in(client, principal: Principal):
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, principal))
    return client


@pytest.mark.parametrize(("level", "scope_id", "who"), [("region", "test-region", ADMIN), ("municipality", "m1", COORDINATOR),
                                                         ("school", "s3", CURATOR)])
async def test_dashboard_figures_equal_the_full_report(region, level: str, scope_id: str, who: Principal) -> None:
    service, _ = region
    full = await service.service.report(level, scope_id, YEAR, who)
    fast = await overview.dashboard_data(service.service, level, scope_id, YEAR, who)
    assert fast.scope.values == full.scope.values and fast.title == full.title
    assert [(r.scope_id, r.name, r.values) for r in fast.municipalities] == [(r.scope_id, r.name, r.values) for r in full.municipalities]
    expected_schools = full.schools if level == "municipality" else []
    assert [(r.scope_id, r.values, r.low_results) for r in fast.schools] == [(r.scope_id, r.values, r.low_results) for r in expected_schools]
    expected_groups = full.groups if level != "school" else []
    assert [(g.name, g.values) for g in fast.groups] == [(g.name, g.values) for g in expected_groups]
    assert fast.swot == full.swot


@pytest.mark.changes_region
async def test_schools_states_put_a_school_without_a_programme_first(region) -> None:
    service, client = region
    await deliver(service, school("s4", "m1"))  # registered, nothing else
    states = await attention.school_states(service.service.db, "test-region", "municipality", "m1", YEAR, COORDINATOR)
    assert [s.school_id for s in states][0] == "s4"
    assert states[0].badges == ["нет программы", "нет пар"]
    page = await _signed_in(client, COORDINATOR).get("/schools", params={"academic_year": YEAR})
    assert page.status_code == 200
    assert page.text.index('data-school-id="s4"') < page.text.index('data-school-id="s1"')
    assert 'data-school-id="s3"' not in page.text  # another municipality
    lagging = await client.get("/schools", params={"academic_year": YEAR, "only_lagging": "true"})
    assert 'data-school-id="s4"' in lagging.text
    fragment = await client.get("/todo")
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'href="/reports/schools?only_lagging=true"' in fragment.text


async def test_reasons_of_a_lagging_school() -> None:
    base = dict(school_id="x", name="x", municipality_id="m", municipality_name="m", low_results=False, difficult_conditions=False,
                programmes=1, running=True, pairs_formed=4, pairs_active=4, plan_pairs=4, plan_share=100.0, campaigns_held=1,
                response_rate=80.0, pupils_share=75.0)
    assert attention.reasons_of(attention.SchoolState(**base)) == []
    assert attention.reasons_of(attention.SchoolState(**{**base, "plan_pairs": 1, "plan_share": 25.0})) == ["few_plans"]
    assert attention.reasons_of(attention.SchoolState(**{**base, "response_rate": 49.9})) == ["low_response"]
    assert attention.reasons_of(attention.SchoolState(**{**base, "programmes": 0, "running": False, "pairs_formed": 0,
                                                          "plan_share": None})) == ["no_programme", "no_pairs"]
    assert attention.reasons_of(attention.SchoolState(**{**base, "programmes": 0})) == []  # people enrolled: it runs


async def test_scope_rules_of_the_pages(region) -> None:
    _, client = region
    _signed_in(client, CURATOR)
    assert (await client.get("/dashboard", params={"scope": "school", "scope_id": "s1"})).status_code == 404
    assert (await client.get("/dashboard", params={"scope": "municipality", "scope_id": "m2"})).status_code == 404
    own = await client.get("/dashboard", params={"scope": "region", "academic_year": YEAR})
    assert own.status_code == 200 and "<h1>Школа s3</h1>" in own.text
    assert (await client.get("/schools")).status_code == 403
    assert (await client.get("/exports")).status_code == 403
    _signed_in(client, COORDINATOR)
    assert (await client.get("/dashboard", params={"scope": "municipality", "scope_id": "m2"})).status_code == 404
    exports = await client.get("/exports", params={"municipality": "m2"})  # not theirs: their own municipality instead
    assert exports.status_code == 200 and "/api/v1/exports/municipality/m1.csv" in exports.text and "m2" not in exports.text
    client.cookies.clear()
    anonymous = await client.get("/dashboard")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/registry/sign-in")
    mentee = Principal(sub="teacher-2", role="mentee", scope="school", scope_id="s1")
    _signed_in(client, mentee)
    assert (await client.get("/dashboard")).status_code == 403
    todo = await client.get("/todo")
    assert todo.status_code == 200 and "<li>" not in todo.text


@pytest.mark.changes_region
async def test_the_schools_list_comes_in_pages_lagging_first(region, monkeypatch) -> None:
    from services.reports import web

    service, client = region
    await deliver(service, school("s4", "m2"))  # no programme: the most lagging of the region
    monkeypatch.setattr(web, "SCHOOLS_PAGE", 2)
    _signed_in(client, ADMIN)
    first = await client.get("/schools", params={"academic_year": YEAR})
    assert first.text.count("data-school-id=") == 2 and first.text.index('data-school-id="s4"') > 0
    assert "Показаны 1–2 из 4" in first.text and "page=2" in first.text
    second = await client.get("/schools", params={"academic_year": YEAR, "page": 2})
    assert second.text.count("data-school-id=") == 2 and 'data-school-id="s4"' not in second.text
    assert "Показаны 3–4 из 4" in second.text
    only_m2 = await client.get("/schools", params={"academic_year": YEAR, "municipality": "m2"})
    assert only_m2.text.count("data-school-id=") == 2 and 'id="pager"' not in only_m2.text
