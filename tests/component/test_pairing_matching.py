"""The curator's matching flow by HTTP: propose, explain, confirm / reject / replace, end,
re-match; deficit profiles from surveys; withdrawals; development plans."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shared.contracts.registry import (
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantWithdrawn,
    PartnerRegistered,
    SchoolRegistered,
)
from shared.contracts.surveys import DEFICIT_INSTRUMENT, INTERESTS_INSTRUMENT, InstrumentRef, ResponseCompleted

from services.pairing.main import create_service
from services.pairing.models import Candidate, Interests, Pair, Profile
from tests.component.helpers import bearer, deliver, emitted, running

YEAR = "2026/2027"
CURATOR = bearer("school_curator", "school", "s1")
PROG = "/api/v1/programmes/prog"


def teacher(pid: str, years: int, subjects: tuple[str, ...] = (), school: str = "s1") -> ParticipantRegistered:
    return ParticipantRegistered(
        participant_id=pid, school_id=school, category="teacher", display_name=f"Педагог {pid}", subjects=list(subjects), experience_years=years
    )


def enrolled(pid: str, role: str, capacity: int | None = None, school: str = "s1") -> ParticipantEnrolled:
    return ParticipantEnrolled(participant_id=pid, programme_id="prog", school_id=school, role=role, academic_year=YEAR, capacity=capacity)


def diagnostic(pid: str, role: str, **scores: float) -> ResponseCompleted:
    return ResponseCompleted(
        response_id=f"r-{pid}",
        instrument=InstrumentRef(code=DEFICIT_INSTRUMENT, version=1),
        respondent_id=pid,
        respondent_role=role,
        school_id="s1",
        academic_year=YEAR,
        scores=scores,
    )


@pytest.fixture
async def region(settings):
    """School s1 (municipality m1): mentors senior (ICT strong, 2 places) and methodist
    (methods strong, 1 place); mentees e1, e2 (ICT deficits) and e3 (methods deficit)."""
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, SchoolRegistered(school_id="s1", name="Школа 1", municipality_id="m1", municipality_name="М1", region_id="r"))
        people = [
            teacher("senior", 20, ("информатика",)),
            teacher("methodist", 12, ("математика",)),
            teacher("e1", 1, ("информатика",)),
            teacher("e2", 2),
            teacher("e3", 1, ("математика",)),
        ]
        for p in people:
            await deliver(service, p)
        await deliver(service, enrolled("senior", "mentor", capacity=2))
        await deliver(service, enrolled("methodist", "mentor", capacity=1))
        for pid in ("e1", "e2", "e3"):
            await deliver(service, enrolled(pid, "mentee"))
        await deliver(service, diagnostic("senior", "mentor", ict_digital=1, methodological=6))
        await deliver(service, diagnostic("methodist", "mentor", ict_digital=9, methodological=1))
        await deliver(service, diagnostic("e1", "mentee", ict_digital=10, methodological=2))
        await deliver(service, diagnostic("e2", "mentee", ict_digital=9, methodological=1))
        await deliver(service, diagnostic("e3", "mentee", ict_digital=1, methodological=10))
        yield service, client


def by_mentee(run: dict) -> dict[str, dict]:
    return {m["mentee_id"]: p for p in run["proposals"] for m in p["members"]}


async def run(client, **body) -> dict:
    response = await client.post(f"{PROG}/matching/runs", headers=CURATOR, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_matcher_proposes_explained_pairs_and_announces_the_run(region) -> None:
    service, client = region
    result = await run(client)
    proposals = by_mentee(result)
    assert {m: p["mentor_id"] for m, p in proposals.items()} == {"e1": "senior", "e2": "senior", "e3": "methodist"}
    member = next(m for m in proposals["e1"]["members"] if m["mentee_id"] == "e1")
    assert set(member["breakdown"]) == {"deficit_coverage", "same_subject", "experience_gap", "same_school", "preference", "priority", "interests", "mentor_preference",
                                         "grade_fit", "class_direction", "chosen_field"}
    assert member["breakdown"]["same_subject"] == 15.0 and member["breakdown"]["same_school"] == 10.0
    assert member["score"] == round(sum(member["breakdown"].values()), 2)  # the explanation adds up exactly
    assert member["display_name"] == "Педагог e1" and proposals["e1"]["mentor_name"] == "Педагог senior"
    assert result["matched"] == 3 and result["unmatched"] == [] and "Подобрано 3 из 3" in result["explanation"]
    [completed] = await emitted(service, "pairing.matching.completed.v1")
    assert completed["matched"] == 3 and completed["unmatched"] == 0 and completed["programme_id"] == "prog"
    again = await client.get(f"{PROG}/matching/runs/{result['id']}", headers=CURATOR)
    assert again.status_code == 200 and len(again.json()["proposals"]) == 3
    one = await client.get(f"{PROG}/proposals/{proposals['e3']['id']}", headers=CURATOR)
    assert one.json()["members"][0]["breakdown"] == proposals["e3"]["members"][0]["breakdown"]


async def test_unmatched_mentees_carry_their_reason(region) -> None:
    service, client = region
    await deliver(service, teacher("e4", 1))
    await deliver(service, enrolled("e4", "mentee"))
    await deliver(service, diagnostic("e4", "mentee", health_saving=10))  # nobody is strong there
    await deliver(service, teacher("e5", 1))
    await deliver(service, enrolled("e5", "mentee"))  # no diagnostic: covered by anyone, but places run out
    result = await run(client)
    reasons = {u["mentee_id"]: u for u in result["unmatched"]}
    assert reasons["e4"]["reason"] == "no_coverage" and "дефициты" in reasons["e4"]["message"]
    assert reasons["e5"]["reason"] == "taken" and reasons["e5"]["candidates"] == 2
    [completed] = await emitted(service, "pairing.matching.completed.v1")
    assert completed["matched"] == 3 and completed["unmatched"] == 2


async def test_confirm_forms_the_pair_once(region) -> None:
    service, client = region
    proposal = by_mentee(await run(client))["e3"]
    confirmed = await client.post(f"{PROG}/proposals/{proposal['id']}/confirm", headers=CURATOR)
    assert confirmed.status_code == 201, confirmed.text
    [formed] = await emitted(service, "pairing.pair.formed.v1")
    assert formed["mentor_id"] == "methodist" and formed["mentee_ids"] == ["e3"]
    assert formed["proposal_id"] == proposal["id"] and formed["how"] == "one_to_one"
    twice = await client.post(f"{PROG}/proposals/{proposal['id']}/confirm", headers=CURATOR)
    assert twice.status_code == 409
    # the next run leaves the paired mentee and the methodist's taken place out
    rerun = await run(client)
    assert "e3" not in by_mentee(rerun) and all(p["mentor_id"] != "methodist" for p in rerun["proposals"])


async def test_reject_excludes_the_pair_from_the_next_run(region) -> None:
    _, client = region
    proposal = by_mentee(await run(client))["e3"]
    rejected = await client.post(f"{PROG}/proposals/{proposal['id']}/reject", headers=CURATOR, json={"reason": "Разные смены"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    rerun = await run(client)
    assert by_mentee(rerun).get("e3", {}).get("mentor_id") != "methodist"


async def test_replace_pairs_the_mentee_with_the_curator_s_choice(region) -> None:
    service, client = region
    proposal = by_mentee(await run(client))["e2"]
    replaced = await client.post(f"{PROG}/proposals/{proposal['id']}/replace", headers=CURATOR, json={"mentor_id": "methodist"})
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["mentor_id"] == "methodist" and replaced.json()["mentee_ids"] == ["e2"]
    [formed] = await emitted(service, "pairing.pair.formed.v1")
    assert formed["mentor_id"] == "methodist"
    # the hard rules still hold for a hand-made pair: e2 cannot mentor anyone
    other = by_mentee(await run(client))["e1"]
    bad = await client.post(f"{PROG}/proposals/{other['id']}/replace", headers=CURATOR, json={"mentor_id": "e2"})
    assert bad.status_code == 404


async def test_ended_pair_frees_the_mentee_for_re_matching(region) -> None:
    service, client = region
    proposal = by_mentee(await run(client))["e3"]
    pair = (await client.post(f"{PROG}/proposals/{proposal['id']}/confirm", headers=CURATOR)).json()
    no_reason = await client.post(f"{PROG}/pairs/{pair['id']}/end", headers=CURATOR, json={"outcome": "terminated"})
    assert no_reason.status_code == 422
    ended = await client.post(f"{PROG}/pairs/{pair['id']}/end", headers=CURATOR, json={"outcome": "terminated", "reason": "Конфликт графиков"})
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    [event] = await emitted(service, "pairing.pair.ended.v1")
    assert event["outcome"] == "terminated" and event["reason"] == "Конфликт графиков" and event["mentee_ids"] == ["e3"]
    assert (await client.post(f"{PROG}/pairs/{pair['id']}/end", headers=CURATOR, json={"outcome": "completed"})).status_code == 409
    first = await run(client)  # freed, in the run again, but the terminated pair is not proposed again
    [e3] = [u for u in first["unmatched"] if u["mentee_id"] == "e3"]
    assert e3["reason"] == "no_coverage" and e3["candidates"] == 2  # methodist excluded; senior does not cover
    await deliver(service, teacher("coach", 15))
    await deliver(service, enrolled("coach", "mentor", capacity=1))
    await deliver(service, diagnostic("coach", "mentor", methodological=1))
    assert by_mentee(await run(client))["e3"]["mentor_id"] == "coach"


async def test_completed_pair_s_mentee_does_not_return_to_the_pool(region) -> None:
    _, client = region
    proposal = by_mentee(await run(client))["e3"]
    pair = (await client.post(f"{PROG}/proposals/{proposal['id']}/confirm", headers=CURATOR)).json()
    done = await client.post(f"{PROG}/pairs/{pair['id']}/end", headers=CURATOR, json={"outcome": "completed"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    rerun = await run(client)
    assert "e3" not in by_mentee(rerun) and all(u["mentee_id"] != "e3" for u in rerun["unmatched"])


async def test_an_exclusion_needs_both_people_enrolled(region) -> None:
    _, client = region
    ghost = await client.post(f"{PROG}/exclusions", headers=CURATOR, json={"mentor_id": "nobody", "mentee_id": "e1"})
    assert ghost.status_code == 404 and "Наставник nobody не зачислен" in ghost.text
    wrong_side = await client.post(f"{PROG}/exclusions", headers=CURATOR, json={"mentor_id": "senior", "mentee_id": "methodist"})
    assert wrong_side.status_code == 404 and "Наставляемый methodist не зачислен" in wrong_side.text
    ok = await client.post(f"{PROG}/exclusions", headers=CURATOR, json={"mentor_id": "senior", "mentee_id": "e1"})
    assert ok.status_code == 204


async def test_a_newcomer_comes_first_when_places_are_short(region) -> None:
    service, client = region  # senior's two places are wanted by e1, e2 and now the newcomer e4
    newcomer = teacher("e4", 1).model_copy(update={"newly_arrived": True})
    await deliver(service, newcomer)
    await deliver(service, enrolled("e4", "mentee"))
    await deliver(service, diagnostic("e4", "mentee", ict_digital=9, methodological=1))
    proposals = by_mentee(await run(client))
    assert proposals["e4"]["mentor_id"] == "senior"
    assert proposals["e4"]["members"][0]["breakdown"]["priority"] == 10.0


async def test_stable_matching_and_the_minimum_score_are_settings(region) -> None:
    _, client = region
    saved = await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"stable": True, "min_score": 30})
    assert saved.status_code == 200, saved.text
    assert saved.json()["stable"] is True and saved.json()["min_score"] == 30
    result = await run(client)
    assert result["rules"]["stable"] is True and result["optimum_score"] is not None
    assert result["stability_cost"] == round(result["optimum_score"] - result["total_score"], 2) >= 0
    assert "устойчивый подбор" in result["explanation"] and "ниже 30 балла" in result["explanation"]
    assert all(p["score"] >= 30 for p in result["proposals"])
    bad = await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"min_score": -1})
    assert bad.status_code == 422


async def test_a_mentor_in_two_programmes_is_not_overloaded(region) -> None:
    service, client = region  # senior (2 places) already mentors two teachers in another programme
    for pid, role in (("senior", "mentor"), ("x1", "mentee"), ("x2", "mentee")):
        if pid != "senior":
            await deliver(service, teacher(pid, 1))
        await deliver(service, enrolled(pid, role, capacity=2 if role == "mentor" else None).model_copy(update={"programme_id": "prog2"}))
    other = await client.post("/api/v1/programmes/prog2/pairs", headers=CURATOR, json={"mentor_id": "senior", "mentee_ids": ["x1", "x2"]})
    assert other.status_code == 201, other.text
    result = await run(client)
    assert all(p["mentor_id"] != "senior" for p in result["proposals"])
    by_hand = await client.post(f"{PROG}/pairs", headers=CURATOR, json={"mentor_id": "senior", "mentee_ids": ["e1"]})
    assert by_hand.status_code == 422 and "вместимость" in by_hand.text


async def test_curator_edits_weights_and_objective(region) -> None:
    _, client = region
    current = await client.get(f"{PROG}/matching/settings", headers=CURATOR)
    assert current.json()["weights"]["deficit_coverage"] == 30.0 and "deficit_coverage" in current.json()["criteria"]
    changed = await client.put(
        f"{PROG}/matching/settings", headers=CURATOR, json={"weights": {"same_subject": 0}, "how": "group", "objective": "best_score"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["weights"]["same_subject"] == 0 and changed.json()["weights"]["deficit_coverage"] == 30.0
    result = await run(client)
    assert result["rules"]["weights"]["same_subject"] == 0 and result["objective"] == "best_score"
    group = next(p for p in result["proposals"] if p["mentor_id"] == "senior")
    assert sorted(m["mentee_id"] for m in group["members"]) == ["e1", "e2"]  # one group proposal
    pair = await client.post(f"{PROG}/proposals/{group['id']}/confirm", headers=CURATOR)
    assert pair.status_code == 201 and sorted(pair.json()["mentee_ids"]) == ["e1", "e2"] and pair.json()["how"] == "group"
    bad = await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"weights": {"charisma": 5}})
    assert bad.status_code == 422 and "Неизвестный критерий" in bad.text


async def test_preferences_feed_the_score(region) -> None:
    _, client = region
    ranked = await client.put(f"{PROG}/preferences/e3", headers=bearer("mentee", "school", "s1", sub="e3"), json={"mentor_ids": ["methodist"]})
    assert ranked.status_code == 200, ranked.text
    other = await client.put(f"{PROG}/preferences/e1", headers=bearer("mentee", "school", "s1", sub="e3"), json={"mentor_ids": ["senior"]})
    assert other.status_code == 403
    member = by_mentee(await run(client))["e3"]["members"][0]
    assert member["breakdown"]["preference"] == 5.0


async def test_other_school_and_mentees_cannot_run_the_matcher(region) -> None:
    _, client = region
    assert (await client.post(f"{PROG}/matching/runs", headers=bearer("school_curator", "school", "s2"))).status_code == 404
    assert (await client.post(f"{PROG}/matching/runs", headers=bearer("mentee", "school", "s1", sub="e1"))).status_code == 403
    coordinator = bearer("municipal_coordinator", "municipality", "m1")
    assert (await client.post(f"{PROG}/matching/runs", headers=coordinator)).status_code == 201


async def test_withdrawn_person_leaves_pairs_and_their_data_is_erased(region) -> None:
    service, client = region
    await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"how": "group"})
    group = next(p for p in (await run(client))["proposals"] if p["mentor_id"] == "senior")
    pair = (await client.post(f"{PROG}/proposals/{group['id']}/confirm", headers=CURATOR)).json()
    await deliver(service, ParticipantWithdrawn(participant_id="e1", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog"]))
    [ended] = await emitted(service, "pairing.pair.ended.v1")
    assert ended["pair_id"] == pair["id"] and ended["outcome"] == "terminated" and ended["reason"] == "Участник выбыл из программы"
    formed = await emitted(service, "pairing.pair.formed.v1")
    assert formed[-1]["mentor_id"] == "senior" and formed[-1]["mentee_ids"] == ["e2"]  # the group goes on without e1
    async with service.runtime.db.sessions() as session:
        assert await session.get(Candidate, "e1") is None and await session.get(Profile, "e1") is None
        assert (await session.get(Pair, pair["id"])).status == "terminated"
    await deliver(service, teacher("e1", 1))  # a late registration does not bring the data back
    async with service.runtime.db.sessions() as session:
        assert (await session.exec(select(Candidate).where(Candidate.participant_id == "e1"))).first() is None
    rerun = await run(client)
    assert "e1" not in by_mentee(rerun) and all(u["mentee_id"] != "e1" for u in rerun["unmatched"])


async def test_development_plan_goals_measures_and_progress_events(region) -> None:
    service, client = region
    proposal = by_mentee(await run(client))["e3"]
    pair = (await client.post(f"{PROG}/proposals/{proposal['id']}/confirm", headers=CURATOR)).json()
    plan_url = f"/api/v1/pairs/{pair['id']}/plan"
    mentor = bearer("mentor", "school", "s1", sub="methodist")
    mentee = bearer("mentee", "school", "s1", sub="e3")
    goals = await client.put(f"{plan_url}/goals", headers=mentor, json={"goals": [{"area": "methodological", "goal": "Освоить технологию смыслового чтения"}]})
    assert goals.status_code == 200, goals.text
    bad_area = await client.put(f"{plan_url}/goals", headers=mentor, json={"goals": [{"area": "astrology", "goal": "x"}]})
    assert bad_area.status_code == 422
    measures = []
    for title, due in (("Открытый урок", "2026-11-20"), ("Методический аудит", "2026-12-15")):
        created = await client.post(f"{plan_url}/measures", headers=mentor, json={"title": title, "area": "methodological", "due_on": due})
        assert created.status_code == 201, created.text
        measures.append(created.json()["id"])
    assert (await client.post(f"{plan_url}/measures", headers=mentee, json={"title": "x", "due_on": "2026-12-01"})).status_code == 403
    done = await client.patch(f"{plan_url}/measures/{measures[0]}", headers=mentee, json={"product": "Разработка урока", "mentee_view": "Стало увереннее"})
    assert done.status_code == 200 and done.json()["done_on"] is not None
    assert (await client.patch(f"{plan_url}/measures/{measures[1]}", headers=mentor, json={"mentee_view": "за него"})).status_code == 403
    [completed] = await emitted(service, "pairing.plan.measure_completed.v1")
    assert completed["measures_done"] == 1 and completed["measures_total"] == 2 and completed["area"] == "methodological"
    updated = await emitted(service, "pairing.plan.updated.v1")
    assert updated[-1]["measures_total"] == 2 and updated[0]["goal_areas"] == ["methodological"]
    plan = (await client.get(plan_url, headers=mentee)).json()
    assert plan["measures_done"] == 1 and plan["measures"][0]["mentee_view"] == "Стало увереннее"
    assert (await client.get(plan_url, headers=bearer("mentee", "school", "s1", sub="e1"))).status_code == 404


async def test_pairing_reads_the_deficit_diagnostic_and_lets_other_questionnaires_go_untouched(region) -> None:
    from shared.messaging.inbox import InboxMessage

    service, _client = region
    async with service.runtime.db.sessions() as session:
        inbox_before = len((await session.exec(select(InboxMessage))).all())
    satisfaction = ResponseCompleted(
        response_id="r-sat", instrument=InstrumentRef(code="satisfaction_mentee", version=1), respondent_id="e1",
        respondent_role="mentee", school_id="s1", academic_year=YEAR, scores={"satisfaction": 9},
    )
    await deliver(service, satisfaction)
    await deliver(service, diagnostic("e1", "mentee", ict_digital=3, methodological=2))  # a second diagnostic: latest wins

    async with service.runtime.db.sessions() as session:
        inbox = (await session.exec(select(InboxMessage))).all()
        profile = await session.get(Profile, "e1")
    assert len(inbox) == inbox_before + 1  # the diagnostic is remembered; the satisfaction answer is not
    assert all("satisfaction_mentee" not in row.body for row in inbox)
    assert profile is not None and profile.deficits == {"ict_digital": 0.5, "methodological": 0.25}  # (3 - 1) / (5 - 1), (2 - 1) / 4
    assert service.runtime.metrics.events_ignored.labels("surveys.response.completed.v1")._value.get() == 1


async def test_the_region_s_subject_vocabulary_relates_subjects_in_matching(region) -> None:
    service, client = region  # e3 teaches «математика»; the methodist now «алгебра»
    admin = bearer("region_admin", "region", "r")
    await deliver(service, teacher("methodist", 12, ("Алгебра",)))
    before = by_mentee(await run(client))["e3"]
    assert before["mentor_id"] == "methodist" and before["members"][0]["breakdown"]["same_subject"] == 0.0
    terms = {"terms": [{"name": "Алгебра", "subject": "математика"}, {"name": "геометрия", "subject": "математика"}]}
    assert (await client.put("/api/v1/subjects", headers=CURATOR, json=terms)).status_code == 403
    saved = await client.put("/api/v1/subjects", headers=admin, json=terms)
    assert saved.status_code == 200, saved.text
    assert {"name": "алгебра", "subject": "математика"} in saved.json()["terms"]
    assert (await client.get("/api/v1/subjects", headers=CURATOR)).json() == saved.json()
    after = by_mentee(await run(client))["e3"]
    assert after["members"][0]["breakdown"]["same_subject"] == 15.0
    looped = {"terms": [{"name": "а", "subject": "б"}, {"name": "б", "subject": "а"}]}
    refused = await client.put("/api/v1/subjects", headers=admin, json=looped)
    assert refused.status_code == 422 and "по цепочке относится к самому себе" in refused.text


async def test_pupils_are_matched_on_the_interests_they_stated(region) -> None:
    service, client = region
    await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"form": "teacher_pupil", "min_score": 0})
    await deliver(service, teacher("senior", 20, ("физическая культура",)))  # shows «человек – человек» only
    kid = ParticipantRegistered(participant_id="kid", school_id="s1", category="pupil", display_name="Ученик", grade=9)
    await deliver(service, kid)
    await deliver(service, enrolled("kid", "mentee"))
    await deliver(service, ResponseCompleted(
        response_id="r-kid", instrument=InstrumentRef(code=INTERESTS_INSTRUMENT, version=1), respondent_id="kid",
        respondent_role="mentee", school_id="s1", academic_year=YEAR, scores={"sign_system": 8, "nature": 2},
    ))
    [proposal] = (await run(client))["proposals"]
    assert proposal["mentor_id"] == "methodist"  # «математика»: the «знаковая система» the pupil chose
    assert proposal["members"][0]["breakdown"]["interests"] == 8.0  # 8 of the 10 interest points × 10
    await deliver(service, ParticipantWithdrawn(participant_id="kid", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog"]))
    async with service.runtime.db.sessions() as session:
        assert await session.get(Interests, "kid") is None


async def test_a_mentor_s_preferences_feed_the_score(region) -> None:
    service, client = region
    senior = bearer("mentor", "school", "s1", sub="senior")
    other = await client.put(f"{PROG}/mentor-preferences/methodist", headers=senior, json={"mentee_ids": ["e3"]})
    assert other.status_code == 403
    saved = await client.put(f"{PROG}/mentor-preferences/senior", headers=senior, json={"mentee_ids": ["e2", "e1"]})
    assert saved.status_code == 200 and saved.json() == ["e2", "e1"]
    ghost = await client.put(f"{PROG}/mentor-preferences/senior", headers=CURATOR, json={"mentee_ids": ["nobody"]})
    assert ghost.status_code == 404 and "Наставляемый nobody не зачислен" in ghost.text
    proposals = by_mentee(await run(client))
    assert proposals["e2"]["members"][0]["breakdown"]["mentor_preference"] == 5.0
    assert proposals["e1"]["members"][0]["breakdown"]["mentor_preference"] == 2.5


async def test_a_mentor_s_refusal_is_never_proposed_and_the_reason_says_so(region) -> None:
    service, client = region
    senior = bearer("mentor", "school", "s1", sub="senior")
    other = await client.put(f"{PROG}/mentor-limits/methodist", headers=senior, json={"refused_ids": ["e3"]})
    assert other.status_code == 403
    ghost = await client.put(f"{PROG}/mentor-limits/senior", headers=senior, json={"refused_ids": ["nobody"]})
    assert ghost.status_code == 404 and "Наставляемый nobody не зачислен" in ghost.text
    saved = await client.put(f"{PROG}/mentor-limits/senior", headers=senior, json={"refused_ids": ["e1"], "reason": "родственник"})
    assert saved.status_code == 200 and saved.json()["refused_ids"] == ["e1"]
    assert (await client.get(f"{PROG}/mentor-limits/senior", headers=CURATOR)).json()["reason"] == "родственник"
    await client.post(f"{PROG}/exclusions", headers=CURATOR, json={"mentor_id": "methodist", "mentee_id": "e1"})
    result = await run(client)
    assert "e1" not in by_mentee(result)
    [unmatched] = [u for u in result["unmatched"] if u["mentee_id"] == "e1"]
    assert unmatched["reason"] == "refused" and "отказались" in unmatched["message"]
    bad = await client.put(f"{PROG}/mentor-limits/senior", headers=CURATOR, json={"grade_from": 9, "grade_to": 5})
    assert bad.status_code == 422
    cleared = await client.put(f"{PROG}/mentor-limits/senior", headers=CURATOR, json={})
    assert cleared.status_code == 200 and cleared.json()["refused_ids"] == []
    assert by_mentee(await run(client))["e1"]["mentor_id"] == "senior"
    await client.put(f"{PROG}/mentor-limits/senior", headers=CURATOR, json={"refused_ids": ["e1"]})
    await deliver(service, ParticipantWithdrawn(participant_id="e1", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog"]))
    assert (await client.get(f"{PROG}/mentor-limits/senior", headers=CURATOR)).json()["refused_ids"] == []  # erased


async def test_pupils_are_matched_on_grade_class_direction_and_their_choice(region) -> None:
    service, client = region  # a pupil of a pedagogical class chose teaching; two students mentor
    await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"form": "student_pupil", "scope": "municipality"})
    for partner_id, name, kind in (("ped", "Педагогический колледж", "college"), ("tech", "Технический университет", "university")):
        await deliver(service, PartnerRegistered(partner_id=partner_id, name=name, kind=kind, region_id="r", municipality_id="m1"))
    for pid, partner_id, subjects in (("st-ped", "ped", ["история"]), ("st-tech", "tech", ["физика"])):
        await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="student", display_name=pid,
                                                     subjects=subjects, partner_id=partner_id))
        await deliver(service, enrolled(pid, "mentor", capacity=1))
    kid = ParticipantRegistered(participant_id="kid", school_id="s1", category="pupil", display_name="Ученица", grade=10,
                                self_determination="pedagogical", class_direction="История")
    await deliver(service, kid)
    await deliver(service, enrolled("kid", "mentee"))
    [proposal] = (await run(client))["proposals"]
    breakdown = proposal["members"][0]["breakdown"]
    assert proposal["mentor_id"] == "st-ped"
    assert breakdown["grade_fit"] == 10.0 and breakdown["class_direction"] == 10.0 and breakdown["chosen_field"] == 10.0
    limited = await client.put(f"{PROG}/mentor-limits/st-ped", headers=CURATOR, json={"grade_from": 5, "grade_to": 9})
    assert limited.status_code == 200
    [again] = (await run(client))["proposals"]
    assert again["mentor_id"] == "st-tech"  # a pupil of grade 10 is outside st-ped's grades
    assert again["members"][0]["breakdown"]["chosen_field"] == 0.0
    settings = (await client.get(f"{PROG}/matching/settings", headers=CURATOR)).json()
    assert {"grade_fit", "class_direction", "chosen_field"} <= set(settings["criteria"]) <= set(settings["weights"])
    await client.put(f"{PROG}/matching/settings", headers=CURATOR, json={"weights": {"grade_fit": 4, "class_direction": 0}})
    [weighed] = (await run(client))["proposals"]
    assert weighed["members"][0]["breakdown"]["grade_fit"] == 4.0 and weighed["members"][0]["breakdown"]["class_direction"] == 0.0
