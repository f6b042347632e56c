"""The curator's year in the browser (issue 15): plan a programme's activity, mark it held ticking
who came and read «пришли N из M»; record one training for two mentors at once and see them no
longer highlighted; the mentor reads it on a page of their own. The pages at the desktop and the phone width, without sideways scrolling."""

from __future__ import annotations

import pytest

from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, fits_without_sideways_scroll

REGION = "test-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
CURATOR = Principal(sub="curator-1", role="school_curator", scope="school", scope_id="s1", name="Кузнецова Ольга")
CONSENT = {"given_by": "self", "date": "2026-09-01"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("registry-year"), region_id=REGION) as system, system.api(ADMIN) as api:
        api.post("/registry/api/v1/schools", json={"school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1",
                                                   "municipality_name": "Северный район"}).raise_for_status()
        people = {}
        for name, experience in (("Иванова Анна Петровна", 24), ("Сидорова Мария Ивановна", 12), ("Смирнов Илья Олегович", 1)):
            response = api.post("/registry/api/v1/schools/s1/participants", json={
                "category": "teacher", "full_name": name, "experience_years": experience, "consent": CONSENT})
            response.raise_for_status()
            people[name] = response.json()["id"]
        programme = api.post("/registry/api/v1/schools/s1/programmes", json={"title": "Вместе", "academic_year": "2026/2027"})
        programme.raise_for_status()
        for name, role, capacity in (("Иванова Анна Петровна", "mentor", 2), ("Сидорова Мария Ивановна", "mentor", 2),
                                     ("Смирнов Илья Олегович", "mentee", None)):
            api.post(f"/registry/api/v1/programmes/{programme.json()['id']}/enrolments",
                     json={"participant_id": people[name], "role": role, "capacity": capacity}).raise_for_status()
        system.people = people  # type: ignore[attr-defined]
        system.programme = programme.json()["id"]  # type: ignore[attr-defined]
        yield system


def by(css: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def go(driver, css: str) -> None:
    click_to_next_page(driver, driver.find_element(*by(css)))


def fill(driver, css: str, value: str) -> None:
    field = driver.find_element(*by(css))
    field.clear()
    field.send_keys(value)


def tick(driver, name: str, value: str) -> None:
    box = driver.find_element(*by(f"input[name={name}][value='{value}']"))
    if not box.is_selected():
        box.click()


def look(driver, name: str) -> None:
    """Screenshots at both widths; no sideways scrolling on the phone."""
    for size in (DESKTOP, PHONE):
        driver.set_window_size(*size)
        LiveSystem.screenshot(driver, name)
        assert fits_without_sideways_scroll(driver), f"{name} scrolls sideways at {size[0]} px"
    driver.set_window_size(*DESKTOP)


def test_curator_plans_an_activity_marks_who_came_and_records_training_for_two_mentors(live) -> None:
    driver = make_driver(size=DESKTOP)
    try:
        people = live.people
        live.sign_in(driver, CURATOR)
        driver.get(live.url(f"/registry/programmes/{live.programme}"))
        go(driver, "#programme-activities")
        assert "Мероприятий пока нет" in driver.find_element(*by("main")).text
        go(driver, "#plan-activity")  # empty: the topic is asked for
        assert "Тема" in driver.find_element(*by(".error-summary")).text
        fill(driver, "#f-title", "Установочная встреча наставников и наставляемых")
        for person in people.values():
            tick(driver, "participant_ids", person)
        go(driver, "#plan-activity")
        assert "Мероприятие запланировано" in driver.find_element(*by(".notice")).text
        assert driver.find_element(*by("#activity-attendance")).text == "приглашены 3"

        tick(driver, "attended_ids", people["Иванова Анна Петровна"])
        tick(driver, "attended_ids", people["Смирнов Илья Олегович"])
        go(driver, "#mark-held")
        assert "отмечено проведённым" in driver.find_element(*by(".notice")).text
        assert driver.find_element(*by("#activity-attendance")).text == "пришли 2 из 3"
        look(driver, "activity")
        go(driver, "main p a")  # back to the list
        assert "пришли 2 из 3" in driver.find_element(*by("#activities")).text
        look(driver, "activities")

        menu = driver.find_element(*by("nav")).text
        assert "Обучение наставников" in menu
        driver.get(live.url("/registry/training"))
        assert len(driver.find_elements(*by("#mentors-training tr.attention"))) == 2
        assert "Без обучения в этом году: 2" in driver.find_element(*by("#untrained-count")).text
        LiveSystem.screenshot(driver, "training-before")
        fill(driver, "#f-title", "Образовательный интенсив «Наставник»")
        fill(driver, "#f-organiser", "ИРО")
        tick(driver, "person_ids", people["Иванова Анна Петровна"])
        tick(driver, "person_ids", people["Сидорова Мария Ивановна"])
        go(driver, "#record-training")
        assert "Обучение внесено" in driver.find_element(*by(".notice")).text
        assert driver.find_elements(*by("#mentors-training tr.attention")) == []
        assert driver.find_element(*by("#mentors-training")).text.count("Образовательный интенсив «Наставник»") == 2
        look(driver, "training")

        mentor = Principal(sub=people["Иванова Анна Петровна"], role="mentor", scope="school", scope_id="s1", name="Иванова Анна")
        live.sign_in(driver, mentor)
        driver.get(live.url("/registry/my/training"))
        assert "Образовательный интенсив «Наставник»" in driver.find_element(*by("#my-training")).text
        assert "Моё обучение" in driver.find_element(*by("nav")).text
        look(driver, "training-mine")
    finally:
        driver.quit()
