"""Pairs and SWOT of every form of mentoring through the public entry points only: for the forms
the demo scenario does not run (teacher – pupil, student – pupil, employer – pupil, employer –
student, head – teacher) a pair completes, one ends early and one stays active, and the curator
answers the form's SWOT; a student is a mentee. The per-form indicators of reports follow."""

from __future__ import annotations

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values
from tests.flow.test_school_year_indicators import SWOT_TT

SCHOOL = "demo-school-1"
CURATOR = bearer("school_curator", "school", SCHOOL, sub="curator")
FORMS = ["teacher_teacher", "teacher_pupil", "pupil_pupil", "student_pupil", "employer_pupil", "employer_student", "head_teacher"]
# form → (mentor, mentee) by external id; x-… are registered below
PAIRS = {
    "teacher_teacher": ("t-01", "x-t5"),
    "teacher_pupil": ("t-04", "x-p4"),
    "student_pupil": ("x-s1", "x-p5"),
    "employer_pupil": ("x-e1", "x-p6"),
    "employer_student": ("x-e1", "x-s2"),
    "head_teacher": ("x-t6", "x-t7"),
}
NEW_PEOPLE = {  # external id → (category, role, grade)
    "x-t5": ("teacher", "mentee", None), "x-t6": ("teacher", "mentor", None), "x-t7": ("teacher", "mentee", None),
    "x-p4": ("pupil", "mentee", 8), "x-p5": ("pupil", "mentee", 9), "x-p6": ("pupil", "mentee", 10),
    "x-s1": ("student", "mentor", None), "x-s2": ("student", "mentee", None), "x-e1": ("employer", "mentor", None),
}


async def test_pairs_and_swot_of_every_form(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    people, programme = dict(school.people), school.programme_id
    token = scenario.token("curator", "school_curator", "school", SCHOOL)
    await scenario._call("PATCH", f"/registry/api/v1/programmes/{programme}", token, json={"forms": FORMS})
    await scenario._call("POST", f"/registry/api/v1/programmes/{programme}/enrolments", token,
                         json={"participant_id": people["t-04"], "role": "mentor", "capacity": 3})
    for external_id, (category, role, grade) in NEW_PEOPLE.items():
        person = await scenario._call("POST", f"/registry/api/v1/schools/{SCHOOL}/participants", token, json={
            "category": category, "full_name": f"Участник {external_id}", "external_id": external_id, "grade": grade,
            "consent": {"given_by": "legal_representative" if category == "pupil" else "self", "document": "согласие"}})
        people[external_id] = person.json()["id"]
        await scenario._call("POST", f"/registry/api/v1/programmes/{programme}/enrolments", token, json={
            "participant_id": people[external_id], "role": role, "capacity": 3 if role == "mentor" else None})
    await settle(app)

    async def pair(form: str) -> str:
        mentor, mentee = PAIRS[form]
        formed = await scenario._call("POST", f"/pairing/api/v1/programmes/{programme}/pairs", token, json={
            "mentor_id": people[mentor], "mentee_ids": [people[mentee]], "form": form}, wait_for_events=True)
        return formed.json()["id"]

    for form in PAIRS:
        completed = await pair(form)
        await scenario._call("POST", f"/pairing/api/v1/programmes/{programme}/pairs/{completed}/end", token, json={"outcome": "completed"})
        ended = await pair(form)
        await scenario._call("POST", f"/pairing/api/v1/programmes/{programme}/pairs/{ended}/end", token,
                             json={"outcome": "terminated", "reason": "Перевод в другую школу"})
        if form != "teacher_teacher":  # the scenario's teachers' pair is active already
            await pair(form)
            await scenario._call("POST", "/surveys/api/v1/responses", token, json={
                "instrument": {"code": f"swot_{form}", "version": 1}, "respondent_id": people["t-04"], "answers": SWOT_TT,
                "submission_id": f"every-form-swot-{form}"})
    await settle(app)

    got = await values(client, "school", SCHOOL, CURATOR)
    expected = {
        "mentees_student": 1,  # x-s2
        "pairs_completed_teacher_teacher": 1, "pairs_terminated_teacher_teacher": 1,
        "pairs_active_teacher_pupil": 1, "pairs_completed_teacher_pupil": 1, "pairs_terminated_teacher_pupil": 1,
        "pairs_active_student_pupil": 1, "pairs_completed_student_pupil": 1, "pairs_terminated_student_pupil": 1,
        "pairs_active_employer_pupil": 1, "pairs_completed_employer_pupil": 1, "pairs_terminated_employer_pupil": 1,
        "pairs_active_employer_student": 1, "pairs_completed_employer_student": 1, "pairs_terminated_employer_student": 1,
        "pairs_active_head_teacher": 1, "pairs_completed_head_teacher": 1, "pairs_terminated_head_teacher": 1,
        # SWOT of each form: strengths 3, weaknesses 0, opportunities 1, threats 2
        "swot_responses_teacher_pupil": 1, "swot_strengths_mean_teacher_pupil": 3.0, "swot_weaknesses_mean_teacher_pupil": 0.0,
        "swot_opportunities_mean_teacher_pupil": 1.0, "swot_threats_mean_teacher_pupil": 2.0,
        "swot_responses_student_pupil": 1, "swot_strengths_mean_student_pupil": 3.0, "swot_weaknesses_mean_student_pupil": 0.0,
        "swot_opportunities_mean_student_pupil": 1.0, "swot_threats_mean_student_pupil": 2.0,
        "swot_responses_employer_pupil": 1, "swot_strengths_mean_employer_pupil": 3.0, "swot_weaknesses_mean_employer_pupil": 0.0,
        "swot_opportunities_mean_employer_pupil": 1.0, "swot_threats_mean_employer_pupil": 2.0,
        "swot_responses_employer_student": 1, "swot_strengths_mean_employer_student": 3.0,
        "swot_weaknesses_mean_employer_student": 0.0, "swot_opportunities_mean_employer_student": 1.0,
        "swot_threats_mean_employer_student": 2.0,
        "swot_responses_head_teacher": 1, "swot_strengths_mean_head_teacher": 3.0, "swot_weaknesses_mean_head_teacher": 0.0,
        "swot_opportunities_mean_head_teacher": 1.0, "swot_threats_mean_head_teacher": 2.0,
    }
    assert {code: got[code] for code in expected} == expected
