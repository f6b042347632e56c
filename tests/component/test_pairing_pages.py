"""Finer rules of the pairing pages (HTTP, one service): a run of 500 mentees is shown a page of
50 proposals at a time and fast; names missing from the read model read «участник удалён»;
the to-do fragment per role; the programme's title comes from the registry's events."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.contracts.registry import ProgrammeLaunched, SchoolRegistered
from shared.web import issue_session

from services.pairing.main import create_service
from services.pairing.models import Candidate, ProgrammeEnrolment, School
from services.pairing.schemas import GoalIn, MeasureIn, MeasureResultIn, PairIn, PlanIn, RunIn
from tests.component.helpers import deliver, running
from tests.conftest import SECRET

YEAR = "2026/2027"
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="s1")


def cookies(principal: Principal) -> dict[str, str]:
    return {COOKIE_NAME: issue_session(SECRET, principal)}


async def _cohort(service, mentees: int, mentors: int) -> None:
    """People written straight into pairing's read model (as its event handlers would)."""
    async with service.runtime.db.sessions() as session:
        for i in range(mentors):
            pid = f"t{i:03d}"
            session.add(Candidate(participant_id=pid, school_id="s1", category="teacher", display_name=f"Наставник {i:03d}",
                                  subjects=["математика" if i % 2 else "русский язык"], experience_years=15 + i % 10))
            session.add(ProgrammeEnrolment(participant_id=pid, programme_id="prog", role="mentor", school_id="s1",
                                           academic_year=YEAR, capacity=8))
        for i in range(mentees):
            pid = f"e{i:03d}"
            session.add(Candidate(participant_id=pid, school_id="s1", category="teacher", display_name=f"Наставляемый {i:03d}",
                                  subjects=["математика" if i % 3 else "физика"], experience_years=i % 4))
            session.add(ProgrammeEnrolment(participant_id=pid, programme_id="prog", role="mentee", school_id="s1",
                                           academic_year=YEAR))
        await session.merge(School(school_id="s1", municipality_id="m1"))
        await session.commit()


async def test_a_run_of_500_mentees_is_paged_and_fast(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        await _cohort(service, mentees=500, mentors=56)
        await deliver(service, ProgrammeLaunched(programme_id="prog", school_id="s1", academic_year=YEAR, title="Программа «Рост»"))
        run = await service.service.run_matcher("prog", RunIn().command(), CURATOR)
        assert run.matched == 448 and len(run.unmatched) == 52  # 56 mentors × 8 places
        client.cookies.update(cookies(CURATOR))
        url = f"/matching/prog/runs/{run.id}"
        await client.get(url)  # templates compiled once
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            response = await client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert "Программа «Рост»" in response.text
        assert response.text.count('data-proposal="') == 50
        assert "Страница 1 из 9" in response.text and "Страница 1 из 2" in response.text  # proposals, unmatched
        timings.sort()
        assert timings[int(len(timings) * 0.95) - 1] < 0.3, timings
        last = await client.get(url, params={"page": 9, "upage": 2})
        assert last.text.count('data-proposal="') == 448 - 8 * 50
        assert "Страница 9 из 9" in last.text
        # the programmes list counts what is left to do
        listing = (await client.get("/matching")).text
        assert re.search(r'data-label="Без пары" class="num">500<', listing)
        assert re.search(r'data-label="Ждут решения" class="num">448<', listing)


async def test_names_missing_from_the_read_model_and_the_todo_per_role(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, SchoolRegistered(school_id="s1", name="Школа 1", municipality_id="m1", municipality_name="М1", region_id="r"))
        await _cohort(service, mentees=2, mentors=1)
        pairing = service.service
        pair = await pairing.form_pair("prog", PairIn(mentor_id="t000", mentee_ids=["e000"]).command(), CURATOR)
        mentor = Principal(sub="t000", role="mentor", scope="school", scope_id="s1")
        mentee = Principal(sub="e000", role="mentee", scope="school", scope_id="s1")

        async def todo(principal: Principal) -> str:
            response = await client.get("/todo", cookies=cookies(principal))
            assert response.status_code == 200 and "<html" not in response.text
            return response.text

        assert "без плана развития — 1" in await todo(CURATOR)
        assert "Поставьте цели плана развития" in await todo(mentor)
        assert await todo(mentee) == ""
        await pairing.set_goals(pair.id, PlanIn(goals=[GoalIn(area="methodological", goal="Освоить проектную задачу")]).command(), mentor)
        measure = await pairing.add_measure(pair.id, MeasureIn(title="Пробный урок", due_on=clock.today() + timedelta(days=3)).command(), mentor)
        assert "без плана" not in await todo(CURATOR)
        assert "Пробный урок" in await todo(mentor) and "Поставьте цели" not in await todo(mentor)
        await pairing.record_result(pair.id, measure.id, MeasureResultIn(product="Конспект урока").command(), mentor)
        assert "Пробный урок" in await todo(mentee)
        assert "Пробный урок" not in await todo(mentor)
        assert await todo(Principal(sub="x", role="school_curator", scope="school", scope_id="s2")) == ""

        # a person gone from the read model (withdrawn) reads «участник удалён»
        async with service.runtime.db.sessions() as session:
            await session.delete(await session.get(Candidate, "e000"))
            await session.commit()
        page = await client.get(f"/pairs/{pair.id}", cookies=cookies(CURATOR))
        assert "участник удалён" in page.text
        # the mentee's page lists the mentor; another mentee gets 404 for this pair
        assert (await client.get(f"/my/{pair.id}", cookies=cookies(Principal(sub="e001", role="mentee", scope="school",
                                                                                scope_id="s1")))).status_code == 404
        # the API stays JSON for API clients
        assert (await client.get(f"/api/v1/pairs/{pair.id}/plan", headers={"Accept": "application/json"})).status_code == 401


async def test_a_page_without_a_session_asks_to_sign_in(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        response = await client.get("/matching")
        assert response.status_code == 303 and "/registry/sign-in" in response.headers["location"]
        mentee = Principal(sub="e1", role="mentee", scope="school", scope_id="s1")
        assert (await client.get("/matching", cookies=cookies(mentee))).status_code == 403
        assert isinstance(client, httpx.AsyncClient)


async def test_a_page_of_proposals_is_confirmed_at_once(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        await _cohort(service, mentees=120, mentors=15)
        run = await service.service.run_matcher("prog", RunIn().command(), CURATOR)
        assert run.matched == 120
        client.cookies.update(cookies(CURATOR))
        page = (await client.get(f"/matching/prog/runs/{run.id}", params={"page": 2})).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        assert "Подтвердить все ждущие решения на этой странице (50)" in page
        response = await client.post(f"/matching/prog/runs/{run.id}/confirm", data={"csrf_token": token, "page": "2"})
        assert response.status_code == 303 and "confirmed=50&refused=0" in response.headers["location"]
        after = (await client.get(response.headers["location"].removeprefix("/pairing"))).text
        assert "Подтверждено пар: 50." in after and "Подтвердить все ждущие" not in after
        first = (await client.get(f"/matching/prog/runs/{run.id}", params={"page": 1})).text
        assert first.count("ждёт решения") >= 1 and "Подтвердить все ждущие решения на этой странице (50)" in first
        pairs = (await client.get("/pairs", params={"programme": "prog", "state": "formed"})).text
        assert pairs.count("data-pair=") == 50
