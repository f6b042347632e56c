"""A teacher answers the deficit self-diagnosis at the start of the programme by their personal
link, as a person would: every statement states the one scale (1 — затруднений нет, 5 —
серьёзные затруднения), nothing meant for developers is shown, and the answers are accepted as
the start stage. On a phone and a desktop, with and without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, eventually, fits_without_sideways_scroll

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="s-diag")
SCALE = "1 — затруднений нет, 5 — серьёзные затруднения"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("self-diagnosis")) as system:
        yield system


def invite(live: LiveSystem, name: str) -> tuple[str, str]:
    """A teacher enrolled as a mentee, invited to a start-stage campaign: (participant id, link)."""
    with live.api(ADMIN) as admin:
        admin.post("/registry/api/v1/schools", json={"school_id": "s-diag", "name": "Школа № 7", "municipality_id": "m-diag",
                                                     "municipality_name": "Район"})
    with live.api(CURATOR) as curator:
        person = curator.post("/registry/api/v1/schools/s-diag/participants", json={
            "category": "teacher", "full_name": name, "experience_years": 1, "subjects": ["математика и информатика"],
            "consent": {"given_by": "self", "document": "согласие"}})
        assert person.status_code == 201, person.text
        pid = person.json()["id"]
        programme = curator.post("/registry/api/v1/schools/s-diag/programmes", json={
            "title": "Первые шаги", "academic_year": academic_year_of(clock.today()), "forms": ["teacher_teacher"]})
        assert programme.status_code == 201, programme.text
        assert curator.post(f"/registry/api/v1/programmes/{programme.json()['id']}/enrolments",
                            json={"participant_id": pid, "role": "mentee"}).status_code == 201
        today = clock.today()

        def opened():
            response = curator.post("/surveys/api/v1/campaigns", json={
                "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "stage": "start", "respondent_ids": [pid],
                "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat()})
            return response if response.status_code == 201 else None

        campaign = eventually(opened)
        assert campaign, "the campaign did not open"
    return pid, campaign.json()["invitees"][0]["link_path"]


@pytest.mark.parametrize(("size", "javascript"), [(PHONE, True), (DESKTOP, False)], ids=["phone", "desktop-no-js"])
def test_a_teacher_answers_the_start_self_diagnosis(live, size, javascript) -> None:
    from selenium.webdriver.common.by import By

    pid, link = invite(live, f"Учитель {size[0]}")
    driver = make_driver(javascript=javascript, size=size)
    try:
        driver.get(live.url(link))
        hints = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "fieldset .hint")]
        assert len(hints) == 24 and all(h.startswith(SCALE) for h in hints), hints[:3]
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "самый низкий" not in body and "официальный текст" not in body and "под рукой" not in body
        assert "входная" in body
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "self-diagnosis")
        # 2 everywhere; the methodological statements 4
        for fieldset in driver.find_elements(By.CSS_SELECTOR, "fieldset[id^='q-']"):
            value = 4 if fieldset.get_attribute("id").startswith("q-me_") else 2
            label = fieldset.find_element(By.CSS_SELECTOR, f"label[for$='-{value}']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
            label.click()
        submit = driver.find_element(By.CSS_SELECTOR, "button[value='submit']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", submit)
        submit.click()
        assert eventually(lambda: "Ваши ответы приняты" in driver.page_source), "the answers were not accepted"
        live.screenshot(driver, "self-diagnosis-done")
    finally:
        driver.quit()
    with live.api(CURATOR) as curator:
        growth = curator.get("/surveys/api/v1/growth", params={"respondent_id": pid, "instrument": "deficit_self_diagnosis", "version": 1})
    assert growth.status_code == 200, growth.text
    start = growth.json()["start"]
    assert start["methodological"] == 4.0 and start["ict_digital"] == 2.0
