"""The pair's «Журнал встреч» in the browser: the mentor records a meeting from «Мои наставляемые»
(a wrong length first: the message beside the field), the mentee finds it awaiting their
reflection on «Мой наставник и план» and writes it, the mentor sees it in the log, corrects the
length and at last removes the meeting; the summary counts the month; on a phone nothing scrolls sideways; another school's curator gets a 404.

The school, people, programme and enrolments are arranged through the registry's public API, the
pair through pairing's; pairing learns the people from events (`eventually`)."""

from __future__ import annotations

import httpx
import pytest

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll
from tests.conftest import SECRET

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера")
SCHOOL = "pm-school"
CURATOR = Principal(sub="curator-m", role="school_curator", scope="school", scope_id=SCHOOL, name="Белова Нина")
OTHER_CURATOR = Principal(sub="curator-x", role="school_curator", scope="school", scope_id="pm-other", name="Гусев Павел")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The live system with a school, a mentor and a mentee of one programme, paired."""
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("pairing-meetings")) as live:
        yield live, *arrange(live)


def arrange(live: LiveSystem) -> tuple[Principal, Principal, str]:
    today = clock.today()
    year = f"{today.year}/{today.year + 1}" if today.month >= 9 else f"{today.year - 1}/{today.year}"
    with live.api(ADMIN) as admin:
        for school_id, name in ((SCHOOL, "МБОУ СОШ № 12"), ("pm-other", "МБОУ СОШ № 13")):
            admin.post("/registry/api/v1/schools", json={
                "school_id": school_id, "name": name, "municipality_id": "pm-mun", "municipality_name": "Тестовый район",
            }).raise_for_status()
    ids = {}
    with live.api(CURATOR) as curator:
        for key, name, years in (("mentor", "Андреева Ольга Павловна", 25), ("mentee", "Григорьев Лев", 1)):
            response = curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
                "category": "teacher", "full_name": name, "external_id": key, "subjects": ["математика"],
                "experience_years": years, "consent": {"given_by": "self", "document": f"согласие {key}"}})
            response.raise_for_status()
            ids[key] = response.json()["id"]
        programme = curator.post(f"/registry/api/v1/schools/{SCHOOL}/programmes", json={
            "title": "Программа «Первые шаги»", "academic_year": year, "forms": ["teacher_teacher"]})
        programme.raise_for_status()
        programme_id = programme.json()["id"]
        for key, role in (("mentor", "mentor"), ("mentee", "mentee")):
            curator.post(f"/registry/api/v1/programmes/{programme_id}/enrolments", json={
                "participant_id": ids[key], "role": role, "capacity": 1 if role == "mentor" else None}).raise_for_status()

        def paired() -> str | None:
            response = curator.post(f"/pairing/api/v1/programmes/{programme_id}/pairs",
                                    json={"mentor_id": ids["mentor"], "mentee_ids": [ids["mentee"]]})
            return response.json()["id"] if response.status_code == 201 else None

        pair_id = eventually(paired, timeout=30)
    assert pair_id, "pairing did not learn the programme's people"
    mentor = Principal(sub=ids["mentor"], role="mentor", scope="school", scope_id=SCHOOL, name="Андреева Ольга Павловна")
    mentee = Principal(sub=ids["mentee"], role="mentee", scope="school", scope_id=SCHOOL, name="Григорьев Лев")
    return mentor, mentee, pair_id


def by(selector: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, selector


def test_mentor_records_a_meeting_the_mentee_reflects_the_mentor_reads_it(region) -> None:
    from selenium.webdriver.support.ui import Select

    live, mentor, mentee, pair_id = region
    driver = make_driver(size=DESKTOP)
    try:
        live.sign_in(driver, mentor)
        driver.get(live.url("/pairing/my"))
        click_to_next_page(driver, driver.find_element(*by(f"#meetings-{pair_id}")))
        assert driver.find_element(*by("h1")).text == "Журнал встреч"
        assert "Встреч в этом месяце: 0, всего: 0, часов: 0" in driver.find_element(*by("#meeting-summary")).text
        assert driver.find_element(*by("#no-meetings")).is_displayed()

        # a wrong length: refused, the message beside the field, the typed topic kept
        minutes = driver.find_element(*by("#f-minutes"))
        minutes.clear()
        minutes.send_keys("2000")
        driver.find_element(*by("#f-topic")).send_keys("Разбор пробного урока по дробям")
        Select(driver.find_element(*by("#f-format"))).select_by_visible_text("онлайн")
        click_to_next_page(driver, driver.find_element(*by("#add-meeting-button")))
        assert "от 1 до 1440" in driver.find_element(*by(".field.invalid .error")).text
        assert driver.find_element(*by("#f-topic")).get_attribute("value") == "Разбор пробного урока по дробям"

        minutes = driver.find_element(*by("#f-minutes"))
        minutes.clear()
        minutes.send_keys("90")
        click_to_next_page(driver, driver.find_element(*by("#add-meeting-button")))
        assert "Встреча записана" in driver.find_element(*by(".notice")).text
        assert "Встреч в этом месяце: 1, всего: 1, часов: 1,5" in driver.find_element(*by("#meeting-summary")).text
        row = driver.find_element(*by("#meetings tbody tr"))
        assert "Разбор пробного урока по дробям" in row.text and "онлайн" in row.text and "ждёт отзыва" in row.text
        live.screenshot(driver, "meetings-mentor")

        # the mentee: awaiting their reflection on «Мой наставник и план», written on the log
        live.sign_in(driver, mentee)
        driver.get(live.url("/pairing/my"))
        assert "ждёт вашего отзыва" in driver.find_element(*by(f"#pair-{pair_id}")).text
        click_to_next_page(driver, driver.find_element(*by(f"#meetings-{pair_id}")))
        meeting_row = driver.find_element(*by("#meetings tbody tr"))
        assert "ждёт вашего отзыва" in meeting_row.text
        meeting_id = meeting_row.get_attribute("data-meeting")
        driver.find_element(*by(f"#f-text-{meeting_id}")).send_keys("Получилось найти ошибку в объяснении; дальше — пробный урок.")
        Select(driver.find_element(*by(f"#f-usefulness-{meeting_id}"))).select_by_visible_text("5 из 5")
        live.screenshot(driver, "meetings-mentee-form")
        click_to_next_page(driver, driver.find_element(*by(".reflection-form button")))
        assert "отзыв о встрече сохранён" in driver.find_element(*by(".notice")).text
        assert "отзыв есть" in driver.find_element(*by("#meetings tbody tr")).text
        assert not driver.find_elements(*by("#add-meeting"))  # the mentee does not record meetings
        live.screenshot(driver, "meetings-mentee")

        # the mentor reads it in the log and corrects the length, on a phone
        live.sign_in(driver, mentor)
        driver.set_window_size(*PHONE)
        driver.get(live.url(f"/pairing/pairs/{pair_id}/meetings"))
        text = driver.find_element(*by("#meetings")).text
        assert "Григорьев Лев" in text and "Получилось найти ошибку в объяснении" in text and "польза 5 из 5" in text
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "meetings-mentor")
        driver.find_element(*by("details.edit summary")).click()
        minutes = driver.find_element(*by(f"#f-minutes-{meeting_id}"))
        minutes.clear()
        minutes.send_keys("60")
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "meetings-edit")
        click_to_next_page(driver, driver.find_element(*by("details.edit button.secondary")))
        assert "Встреча изменена" in driver.find_element(*by(".notice")).text
        assert "всего: 1, часов: 1" in driver.find_element(*by("#meeting-summary")).text
        assert "Получилось найти ошибку" in driver.find_element(*by("#meetings")).text  # the reflection stays
        driver.get(live.url("/pairing/my"))
        assert "Встреч в этом месяце: 1, всего: 1, часов: 1." in driver.find_element(*by(f"#pair-{pair_id}")).text
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "meetings-my")

        # recorded by mistake: removed, with its reflection
        driver.get(live.url(f"/pairing/pairs/{pair_id}/meetings"))
        driver.find_element(*by("details.edit summary")).click()
        click_to_next_page(driver, driver.find_element(*by("details.edit button.danger")))
        assert "Встреча удалена" in driver.find_element(*by(".notice")).text
        assert driver.find_element(*by("#no-meetings")).is_displayed()
    finally:
        driver.quit()

    other = httpx.Client(base_url=live.base, cookies={COOKIE_NAME: issue_session(SECRET, OTHER_CURATOR)}, timeout=30)
    with other:
        assert other.get(f"/pairing/pairs/{pair_id}/meetings").status_code == 404
