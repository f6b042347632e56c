"""The outcomes the programmes promise, through the public entry points only (the registry's HTTP
API and a school's command, surveys' HTTP API; never a hand-built event): retention of young
specialists and newly arrived teachers, the programme's staff by subject, the pupils'
self-determination, and the ДДО by grade and by programme, with the values computed by hand."""

from __future__ import annotations

from datetime import timedelta

from shared import clock

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.component.test_registry_commands import UPDATE, send
from tests.flow.test_chain import YEAR, settle, values

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")
LAST_YEAR = f"{int(YEAR[:4]) - 1}/{int(YEAR[:4])}"


async def breakdowns(client, scope: str, scope_id: str, year: str = YEAR) -> dict:
    response = await client.get(f"/reports/api/v1/indicators/{scope}/{scope_id}/breakdowns", params={"academic_year": year},
                                headers=CURATOR)
    assert response.status_code == 200, response.text
    return {table["code"]: table["rows"] for table in response.json()}


async def test_retention_staff_by_subject_and_self_determination(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    people, programme = dict(school.people), school.programme_id
    token = scenario.token("curator", "school_curator", "school", SCHOOL)
    # The scenario's mentees t-02 and t-03 are young specialists (1 and 2 years of work); t-05 is newly arrived (not young),
    # t-06 a young and newly arrived teacher who was a mentee last year.
    for external_id, subjects, experience, arrived in (("t-05", ["  Математика и   ИНФОРМАТИКА "], 10, True), ("t-06", ["Физика"], 1, True)):
        person = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
            "category": "teacher", "full_name": f"Педагог {external_id}", "external_id": external_id, "subjects": subjects,
            "experience_years": experience, "birth_year": 1980, "newly_arrived": arrived, "consent": {"given_by": "self"}})
        people[external_id] = person.json()["id"]
    await scenario._call("POST", f"/registry/api/v1/programmes/{programme}/enrolments", token,
                         json={"participant_id": people["t-05"], "role": "mentee"})
    last = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/programmes", token, json={
        "title": "Программа прошлого года", "academic_year": LAST_YEAR, "forms": ["teacher_teacher"]})
    await scenario._call("POST", f"/registry/api/v1/programmes/{last.json()['id']}/enrolments", token,
                         json={"participant_id": people["t-06"], "role": "mentee"})
    await settle(app)
    # t-02 and t-06 leave the school (the API), t-03 withdraws consent (the school's command)
    for external_id in ("t-02", "t-06"):
        await scenario._call("POST", f"/registry/api/v1/participants/{people[external_id]}/withdrawal", token, json={"reason": "left_school"})
    await send(app.state.services["registry"], "registry.participant.withdraw.v1",
               {"external_id": "t-03", "reason": "consent_withdrawn"}, school=SCHOOL)
    # self-determination: p-01 by the API, p-03 by the school's command, p-04 registered with it, p-05 imported; p-02 undecided
    await scenario._call("PATCH", f"/registry/api/v1/participants/{people['p-01']}", token, json={"self_determination": "pedagogical"})
    await scenario._call("PATCH", f"/registry/api/v1/participants/{people['p-02']}", token, json={"self_determination": "undecided"})
    await send(app.state.services["registry"], UPDATE, {"external_id": "p-03", "self_determination": "pedagogical"}, school=SCHOOL)
    await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
        "category": "pupil", "full_name": "Обучающийся p-04", "external_id": "p-04", "grade": 9, "self_determination": "other",
        "consent": {"given_by": "legal_representative"}})
    rows = ["Код школы;Внешний id;Категория;ФИО;Класс;Профессиональное самоопределение;Согласие",
            f"{SCHOOL};p-05;обучающийся;Обучающийся p-05;9;Педагогическая профессия;да"]
    imported = await client.post("/registry/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                                 files={"file": ("pupils.csv", "\n".join(rows).encode(), "text/csv")})
    assert imported.status_code in (200, 201, 202) and imported.json()["applied"], imported.text  # the spreadsheet import
    await settle(app)
    await settle(app)

    school_values = await values(client, "school", SCHOOL, CURATOR)
    expected = {
        "retention_young_mentees": 1,  # t-02 (t-03 withdrew consent: counted neither way)
        "retention_young_left": 1,
        "retention_young_left_during": 1,
        "retention_young_left_after": 0,
        "retention_young_retained_share": 0.0,
        "retention_arrived_mentees": 1,  # t-05
        "retention_arrived_left": 0,
        "retention_arrived_retained_share": 100.0,
        "retention_consent_withdrawn": 1,  # t-03
        "self_determination_recorded": 5,  # p-01, p-02, p-03, p-04, p-05
        "self_determination_pedagogical": 3,  # p-01, p-03, p-05
        "self_determination_pedagogical_share": 60.0,
    }
    assert {code: school_values[code] for code in expected} == expected
    response = await client.get(f"/reports/api/v1/indicators/school/{SCHOOL}", params={"academic_year": LAST_YEAR}, headers=CURATOR)
    previous = {i["code"]: i["value"] for i in response.json()}
    expected_last_year = {
        "retention_young_mentees": 1, "retention_young_left": 1, "retention_young_left_after": 1, "retention_young_left_during": 0,
        "retention_arrived_mentees": 1, "retention_arrived_left": 1, "retention_arrived_left_after": 1,
        "retention_arrived_left_during": 0, "retention_arrived_retained_share": 0.0,
    }
    assert {code: previous[code] for code in expected_last_year} == expected_last_year
    # staff by subject: the mentor t-01 and the mentee t-05 teach «математика и информатика» (t-02, t-03 withdrew)
    tables = await breakdowns(client, "school", SCHOOL)
    assert tables["staff-subjects"] == [["Математика и информатика", 1, 1]]


def ddo_answers(leaning: str) -> dict:
    """Answers of the 20 pairs leaning to «человек – человек» (option b but a in pair 2) or to «человек – природа» (all a)."""
    if leaning == "human":
        return {f"q{n:02d}": "a" if n == 2 else "b" for n in range(1, 21)}
    return {f"q{n:02d}": "a" for n in range(1, 21)}


async def test_the_interest_diagnostic_by_grade_and_by_programme(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    token = scenario.token("curator", "school_curator", "school", SCHOOL)
    pupils = {}
    for n in range(1, 7):  # six pupils of grade 8: five answer in the programme's campaign, one outside it
        person = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
            "category": "pupil", "full_name": f"Обучающийся g8-{n}", "external_id": f"g8-{n}", "grade": 8,
            "consent": {"given_by": "legal_representative"}})
        pupils[f"g8-{n}"] = person.json()["id"]
    await settle(app)
    today = clock.today()
    campaign = await scenario._call("POST", "/surveys/api/v1/campaigns", token, json={
        "title": "ДДО в педагогическом классе", "instrument": {"code": "professional_interests_ddo", "version": 1},
        "programme_id": school.programme_id, "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat(),
        "respondent_ids": [pupils[f"g8-{n}"] for n in range(1, 6)]}, wait_for_events=True)
    for n in range(1, 6):
        await scenario._call("POST", "/surveys/api/v1/responses", token, json={
            "instrument": {"code": "professional_interests_ddo", "version": 1}, "respondent_id": pupils[f"g8-{n}"],
            "campaign_id": campaign.json()["id"], "answers": ddo_answers("human" if n <= 3 else "nature"), "submission_id": f"ddo-g8-{n}"})
    for external_id, pid in (("g8-6", pupils["g8-6"]), ("p-01", school.people["p-01"])):  # p-01 is in grade 10
        await scenario._call("POST", "/surveys/api/v1/responses", token, json={
            "instrument": {"code": "professional_interests_ddo", "version": 1}, "respondent_id": pid,
            "answers": ddo_answers("human"), "submission_id": f"ddo-{external_id}"}, wait_for_events=True)
    await settle(app)
    await settle(app)

    school_values = await values(client, "school", SCHOOL, CURATOR)
    assert school_values["interests_answers"] == 7
    assert school_values["interests_human_share"] == 71.4  # 5 of 7
    tables = await breakdowns(client, "school", SCHOOL)
    # grade 8: 6 answers, 4 lean to «человек – человек» (66,7 %), 2 to «человек – природа»; grade 10: one answer, not broken down
    assert tables["ddo-grade"] == [["8 класс", 6, 66.7, 33.3, 0.0, 0.0, 0.0], ["10 класс", 1, None, None, None, None, None]]
    # the programme's campaign: 5 answers, 3 «человек – человек»; outside any programme's campaign: 2, not broken down
    assert tables["ddo-programme"] == [["Программа наставничества «Вместе»", 5, 60.0, 40.0, 0.0, 0.0, 0.0],
                                       ["не указана", 2, None, None, None, None, None]]


async def test_a_schools_own_instrument_is_summarised_item_by_item_in_its_report(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    token = scenario.token("curator", "school_curator", "school", SCHOOL)
    await scenario._call("POST", "/surveys/api/v1/instruments", token, json={
        "code": "club_feedback", "title": "Отзыв о педагогическом клубе", "respondent_roles": ["mentee", "mentor"],
        "sections": [{"code": "main", "title": "Клуб", "items": [
            {"code": "useful", "text": "Насколько полезны встречи клуба?", "kind": "scale", "min": 1, "max": 5},
            {"code": "format", "text": "Удобный формат", "kind": "single",
             "options": [{"code": "online", "text": "онлайн"}, {"code": "offline", "text": "очно"}]},
            {"code": "comment", "text": "Комментарий", "kind": "text", "required": False}]}]})
    teachers = ["t-01", "t-02", "t-03", "t-04"]
    for n in (5, 6):
        person = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
            "category": "teacher", "full_name": f"Педагог t-0{n}", "external_id": f"t-0{n}", "consent": {"given_by": "self"}})
        school.people[f"t-0{n}"] = person.json()["id"]
        teachers.append(f"t-0{n}")
    await settle(app)
    # useful 5, 4, 4, 3, 2, 2 → mean 20 / 6 = 3,33; online 4 of 6 (66,7 %), offline 2 (33,3 %)
    for external_id, useful, form in zip(teachers, (5, 4, 4, 3, 2, 2), ("online", "online", "offline", "online", "offline", "online"), strict=False):
        await scenario._call("POST", "/surveys/api/v1/responses", token, json={
            "instrument": {"code": "club_feedback", "version": 1}, "respondent_id": school.people[external_id],
            "answers": {"useful": useful, "format": form, "comment": "Встречи по средам неудобны"},
            "submission_id": f"club-{external_id}"}, wait_for_events=True)
    await settle(app)
    await settle(app)
    tables = await breakdowns(client, "school", SCHOOL)
    assert tables["custom-club_feedback-1"] == [
        ["Насколько полезны встречи клуба?", "среднее", 6, 3.33],
        ["Удобный формат", "онлайн", 6, 66.7],
        ["Удобный формат", "очно", 6, 33.3],
    ]
    region_tables = await client.get(f"/reports/api/v1/indicators/region/{settings.region_id}/breakdowns", params={"academic_year": YEAR},
                                     headers=bearer("region_admin", "region", settings.region_id))
    assert "custom-club_feedback-1" not in {t["code"] for t in region_tables.json()}  # a school's own instrument
