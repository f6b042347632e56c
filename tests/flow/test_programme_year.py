"""«Done when» of issue 15, through the public entry points only: the demo's school year
(nastavnik/school_year.py → nastavnik/programme_year.py) uploads the programme's documents,
appoints the curator by order, plans and holds activities, records meetings, training and a
recognition; the region publishes a school's practice and keeps its roadmap. Every figure of
the monitoring's «Год программы» sections is checked at the school, the municipality and the
region, with the values worked out by hand from what was recorded — no event built by hand.

The demo region: demo-school-1 (mun-north) plays the whole year; demo-school-2 (mun-north) and
demo-school-3 (mun-river) a short one — the order and the regulation only, no roadmap document,
no curator appointed. demo-school-1's practice is published after review, demo-school-2's waits
(submitted); the roadmap has, this academic year, one item done on time, one under way past its
deadline (1 September) and one planned for May (nastavnik/programme_year.py: ROADMAP). The demo school's five mentors are t-01, t-05, p-01, s-01, e-01; the other
schools have two each (t-01, p-01): nine in the region."""

from __future__ import annotations

from datetime import date

from shared import clock
from shared.clock import academic_year_of

from nastavnik.scenario import RegionScenario
from tests.component.helpers import bearer
from tests.flow.test_chain import settle, values

DEMO = "demo-school-1"


async def test_the_programme_year_reaches_every_level(system, settings) -> None:
    app, client = system
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    await scenario.load(school_year=True)
    await settle(app)

    school = await values(client, "school", DEMO, bearer("school_curator", "school", DEMO))
    # documents: the order, the regulation, the roadmap (and the curator's order, not one of the three)
    assert (school["year_schools_document_order"], school["year_schools_document_regulation"],
            school["year_schools_document_roadmap"]) == (1, 1, 1)
    assert school["year_schools_with_documents"] == 1 and school["year_schools_with_documents_share"] == 100.0
    assert school["year_schools_with_curator"] == 1
    # the kick-off held (3 of the 4 invited came), the final conference planned for May
    assert school["year_activities_planned"] == 2 and school["year_activities_held"] == 1
    assert school["year_activities_held_share"] == 50.0 and school["year_activity_attendance_share"] == 75.0
    # one meeting in each of three pairs, all this month: one meeting per pair and month
    assert school["year_meetings"] == 3 and school["year_pairs_met"] == 3
    assert school["year_meetings_per_pair_month"] == 1.0
    # an intensive for t-01 and t-05 (2 of 5 mentors); t-01 won a regional contest
    assert school["year_trainings"] == 2 and school["year_mentors_trained"] == 2
    assert school["year_mentors_trained_share"] == 40.0
    assert (school["year_recognitions"], school["year_mentors_recognised"], school["year_mentors_winners"]) == (1, 1, 1)

    north = await values(client, "municipality", "mun-north")
    # two schools, both with the order and the regulation, one with the roadmap too
    assert (north["year_schools_document_order"], north["year_schools_document_roadmap"]) == (2, 1)
    assert north["year_schools_with_documents"] == 1 and north["year_schools_with_documents_share"] == 50.0
    assert north["year_mentors_trained_share"] == round(100 * 2 / 7, 1)

    region = await values(client, "region", settings.region_id)
    assert region["year_schools_document_order"] == 3 and region["year_schools_document_regulation"] == 3
    assert region["year_schools_with_documents"] == 1 and region["year_schools_with_documents_share"] == 33.3
    assert region["year_schools_with_curator"] == 1
    assert region["year_meetings"] == 3 and region["year_activities_held_share"] == 50.0
    assert region["year_mentors_trained"] == 2 and region["year_mentors_trained_share"] == 22.2
    assert region["year_mentors_recognised"] == 1
    # the bank of practices: two submitted (one per school), demo-school-1's published this year
    assert (school["year_practices_submitted"], school["year_practices_published"]) == (1, 1)
    assert (region["year_practices_submitted"], region["year_practices_published"],
            region["year_practices_published_in_year"]) == (2, 1, 1)
    # the roadmap, the region's only: three items due this year, one done on time; the one under
    # way is overdue from the day after its deadline (1 September)
    overdue = 1 if clock.today() > date(int(academic_year_of(clock.today())[:4]), 9, 1) else 0
    assert (region["year_roadmap_items"], region["year_roadmap_done"], region["year_roadmap_overdue"]) == (3, 1, overdue)
    assert region["year_roadmap_on_time_share"] == round(100 / (1 + overdue), 1)
    assert school.get("year_roadmap_items") in (None, 0)
