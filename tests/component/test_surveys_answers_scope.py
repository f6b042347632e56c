"""Reading answers beyond one school, one rule per test: a coordinator sees per-school aggregates of
their municipality only, a school below MIN_GROUP not broken down; the region sees every school and
may narrow to a municipality; drilling down to another municipality's school is refused; free
texts are listed without names; the scope's export holds the scope's responses only; a mentee's
answers are never shown to their own mentor (a curator who mentors); the school's list is paged
in a stable order and the audit names only what a page showed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shared.auth import Principal
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.errors import Forbidden, NotFound

from services.surveys import answers as answers_module
from services.surveys import domain
from services.surveys.answers import HIDDEN, AnswerReader
from services.surveys.answers_scope import ScopeReader
from services.surveys.main import create_service
from services.surveys.models import AnswerRead
from tests.component.helpers import bearer, deliver, running

YEAR = "2026/2027"
SCHOOLS = {"n1": "north", "n2": "north", "s1": "south"}
SATISFACTION = domain.BUILT_IN[("satisfaction_mentee", 2)]
NORTH = Principal(sub="coordinator-north", role="municipal_coordinator", scope="municipality", scope_id="north", name="Координатор")
REGION = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region", name="Регион")
MENTOR = Principal(sub="n1-mentor", role="mentor", scope="school", scope_id="n1", name="Наставник")
# the curator of n1 is a teacher who also mentors n1-e0 (sub = their participant id)
MENTORING_CURATOR = Principal(sub="n1-mentor", role="school_curator", scope="school", scope_id="n1", name="Куратор-наставник")
CURATOR = Principal(sub="curator-n1", role="school_curator", scope="school", scope_id="n1", name="Куратор")


def answers(text: str, rating: int) -> dict:
    out: dict = {}
    for item in SATISFACTION.items:
        out[item.code] = rating if item.kind == "scale" else "yes" if item.kind == "single" else text
    return out


@pytest.fixture
async def surveys(settings):
    """n1 with 5 mentees (n1-e0 mentored by n1-mentor), n2 with 2, s1 (another municipality) with 5."""
    service = create_service(settings.model_copy(update={"surveys_schedule_interval": 0}))
    async with running(service) as client:
        for school_id, municipality_id in SCHOOLS.items():
            await deliver(service, SchoolRegistered(school_id=school_id, name=f"Школа {school_id}", municipality_id=municipality_id,
                                                    municipality_name=f"Район {municipality_id}", region_id="test-region"))
            for n in range(2 if school_id == "n2" else 5):
                pid = f"{school_id}-e{n}"
                await deliver(service, ParticipantRegistered(participant_id=pid, school_id=school_id, category="teacher",
                                                             display_name=f"Имя {pid}"))
                await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id=f"prog-{school_id}", school_id=school_id,
                                                           role="mentee", academic_year=YEAR))
        await deliver(service, ParticipantRegistered(participant_id="n1-mentor", school_id="n1", category="teacher", display_name="Наставник"))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-n1", school_id="n1", mentor_id="n1-mentor",
                                          mentee_ids=["n1-e0"], form="teacher_teacher", academic_year=YEAR))
        yield service, client


async def submit_all(client) -> dict[str, str]:
    """Every mentee answers; n1's ratings 6, 7, 8, 9, 10 (mean 8), s1's all 4; free text names the school."""
    ids = {}
    for school_id in SCHOOLS:
        headers = bearer("school_curator", "school", school_id, sub=f"curator-{school_id}")
        for n in range(2 if school_id == "n2" else 5):
            pid = f"{school_id}-e{n}"
            rating = 6 + n if school_id == "n1" else 4
            response = await client.post("/api/v1/responses", headers=headers, json={
                "instrument": {"code": "satisfaction_mentee", "version": 2}, "respondent_id": pid,
                "answers": answers(f"текст {pid}", rating)})
            assert response.status_code == 201, response.text
            ids[pid] = response.json()["id"]
    return ids


async def audit(service) -> list[AnswerRead]:
    async with service.runtime.db.sessions() as session:
        return sorted((await session.exec(select(AnswerRead))).all(), key=lambda r: r.read_at)


async def test_a_coordinator_sees_their_schools_aggregates_and_small_groups_are_not_broken_down(surveys) -> None:
    service, client = surveys
    ids = await submit_all(client)
    page = await ScopeReader(service.service).overview(NORTH, municipality_id="south", instrument=None)
    assert page.title == "Район north" and page.municipalities == []  # a coordinator's own municipality, whatever they ask
    by_school = {s.school_id: s for s in page.schools}
    assert sorted(by_school) == ["n1", "n2"]
    assert by_school["n1"].responses == 5 and by_school["n1"].means["satisfaction"] == pytest.approx(8.0)
    assert by_school["n2"].responses == 2 and by_school["n2"].means is None  # below MIN_GROUP: not broken down
    assert page.total.responses == 7 and page.total.means["satisfaction"] == pytest.approx((6 + 7 + 8 + 9 + 10 + 4 + 4) / 7)
    # free texts of the scope, without names, with their school; s1's are not among them
    texts = [t for _, listed in page.free_texts for _, t in listed]
    assert "текст n2-e1" in texts and not any("s1-" in t for t in texts)
    assert all(school in ("Школа n1", "Школа n2") for _, listed in page.free_texts for school, _ in listed)
    read = (await audit(service))[-1]
    assert read.what == "scope" and read.reader_id == "coordinator-north"
    assert sorted(read.response_ids) == sorted(v for k, v in ids.items() if not k.startswith("s1"))


async def test_the_region_sees_every_school_and_narrows_to_a_municipality(surveys) -> None:
    service, client = surveys
    await submit_all(client)
    reader = ScopeReader(service.service)
    page = await reader.overview(REGION, municipality_id=None, instrument="satisfaction_mentee:2")
    assert [s.school_id for s in page.schools] == ["n1", "n2", "s1"] and page.total.responses == 12
    assert dict(page.municipalities) == {"north": "Район north", "south": "Район south"}
    south = await reader.overview(REGION, municipality_id="south", instrument=None)
    assert [s.school_id for s in south.schools] == ["s1"] and south.total.means["satisfaction"] == pytest.approx(4.0)
    with pytest.raises(NotFound):
        await reader.overview(REGION, municipality_id="nowhere", instrument=None)


async def test_drilling_down_stays_in_the_coordinators_municipality_and_respondents_read_nothing(surveys) -> None:
    service, client = surveys
    ids = await submit_all(client)
    reader = AnswerReader(service.service)
    school = await reader.answers(NORTH, school_id="n2", instrument=None, campaign_id=None)
    assert sorted(r.name for r in school.rows) == ["Имя n2-e0", "Имя n2-e1"] and school.summary is None
    before = len(await audit(service))
    with pytest.raises(NotFound):
        await reader.answers(NORTH, school_id="s1", instrument=None, campaign_id=None)
    with pytest.raises(NotFound):
        await reader.response(NORTH, ids["s1-e0"])
    with pytest.raises(Forbidden):
        await ScopeReader(service.service).overview(CURATOR, municipality_id=None, instrument=None)
    with pytest.raises(Forbidden):
        await ScopeReader(service.service).overview(MENTOR, municipality_id=None, instrument=None)
    assert len(await audit(service)) == before  # refused reads leave no record


async def test_the_scope_export_holds_the_scopes_responses_and_is_audited(surveys) -> None:
    service, client = surveys
    ids = await submit_all(client)
    page = await ScopeReader(service.service).overview(NORTH, municipality_id=None, instrument=None, export=True)
    assert sorted(r.id for r in page.rows) == sorted(v for k, v in ids.items() if k.startswith("n"))
    assert page.school_names[ids["n2-e0"]] == "Школа n2"
    read = (await audit(service))[-1]
    assert read.what == "export" and sorted(read.response_ids) == sorted(r.id for r in page.rows)


async def test_a_mentees_answers_are_never_shown_to_their_mentor(surveys) -> None:
    service, client = surveys
    ids = await submit_all(client)
    reader = AnswerReader(service.service)
    page = await reader.answers(MENTORING_CURATOR, school_id=None, instrument=None, campaign_id=None)
    hidden = [r for r in page.rows if r.hidden]
    assert [r.id for r in hidden] == [ids["n1-e0"]] and hidden[0].answers == {} and hidden[0].scores == {}
    assert not any("текст n1-e0" in t for _, texts in page.free_texts for t in texts)
    assert page.summary is None  # 4 responses are shown: fewer than MIN_GROUP, so no means either
    assert ids["n1-e0"] not in (await audit(service))[-1].response_ids
    with pytest.raises(Forbidden, match=HIDDEN):
        await reader.response(MENTORING_CURATOR, ids["n1-e0"])
    exported = await reader.answers(MENTORING_CURATOR, school_id=None, instrument=None, campaign_id=None, what="export")
    assert ids["n1-e0"] not in (await audit(service))[-1].response_ids and len(exported.rows) == 5
    # another curator of the school reads it
    assert (await reader.response(CURATOR, ids["n1-e0"])).row.answers


async def test_the_schools_list_is_paged_in_a_stable_order_and_the_audit_names_the_page(surveys, monkeypatch) -> None:
    service, client = surveys
    ids = await submit_all(client)
    monkeypatch.setattr(answers_module, "PAGE_SIZE", 2)
    reader = AnswerReader(service.service)
    seen = []
    for number in (1, 2, 3):
        page = await reader.answers(CURATOR, school_id=None, instrument=None, campaign_id=None, page=number)
        assert (page.pager.page, page.pager.pages_total, page.pager.total) == (number, 3, 5)
        seen += [r.id for r in page.rows]
        read = (await audit(service))[-1]
        assert set(read.response_ids) >= {r.id for r in page.rows} and read.filter["page"] == number
    assert sorted(seen) == sorted(v for k, v in ids.items() if k.startswith("n1")) and len(set(seen)) == 5
    assert (page.pager.first, page.pager.last) == (5, 5)
    again = [r.id for n in (1, 2, 3) for r in (await reader.answers(CURATOR, school_id=None, instrument=None, campaign_id=None,
                                                                     page=n)).rows]
    assert again == seen  # the same order every time
    beyond = await reader.answers(CURATOR, school_id=None, instrument=None, campaign_id=None, page=9)
    assert beyond.pager.page == 3


def _session(service, principal: Principal) -> dict[str, str]:
    from shared.auth import COOKIE_NAME
    from shared.web import issue_session

    return {COOKIE_NAME: issue_session(service.runtime.settings.jwt_secret, principal.model_copy(update={"sid": "s-" + principal.sub}))}


async def test_the_pages_as_read(surveys) -> None:
    """The region's overview offers the municipalities and links each school to its list; a
    curator who mentors sees their mentee's row hidden, and its page is the 403 page."""
    service, client = surveys
    ids = await submit_all(client)
    region = await client.get("/answers", cookies=_session(service, REGION))
    assert region.status_code == 200
    assert "Район south" in region.text and 'href="/surveys/answers?school_id=s1&amp;instrument=satisfaction_mentee%3A2"' in region.text
    assert "меньше 5 ответов" in region.text  # n2
    mentoring = await client.get("/answers", cookies=_session(service, MENTORING_CURATOR))
    assert mentoring.status_code == 200 and HIDDEN in mentoring.text and f"/surveys/answers/{ids['n1-e0']}" not in mentoring.text
    refused = await client.get(f"/answers/{ids['n1-e0']}", cookies=_session(service, MENTORING_CURATOR))
    assert refused.status_code == 403 and HIDDEN in refused.text
