"""The rules people state around the matcher, in the browser: the region's administrator edits
the subject vocabulary (curators read it, a mentor is refused), and the curator records a
mentor's limits on the programme page — the next run never proposes a refused pair."""

from __future__ import annotations

import pytest

from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, fits_without_sideways_scroll
from tests.browser.test_pairing_pages import ADMIN, CURATOR, SCHOOL, arrange, by, go, names_of, session_client


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("pairing-rules")) as live:
        yield live, *arrange(live)


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def fill_row(driver, index: int, name: str, subject: str) -> None:
    for field, value in (("name", name), ("subject", subject)):
        box = driver.find_element(*by(f'input[name="{field}_{index}"]'))
        box.clear()
        box.send_keys(value)


def test_the_region_admin_edits_the_subject_vocabulary(region, driver) -> None:
    live, _programme_id, _other, _ids = region
    live.sign_in(driver, ADMIN)
    driver.get(live.url("/pairing/subjects"))
    assert driver.find_element(*by("h1")).text == "Словарь предметов региона"
    assert "Словарь пуст" in driver.find_element(*by("main")).text
    fill_row(driver, 0, "Алгебра", "математика")
    fill_row(driver, 1, "геометрия", "математика")
    fill_row(driver, 2, "математика", "естественно-математический цикл")
    go(driver, driver.find_element(*by("#save-subjects")))
    assert "сохранён" in driver.find_element(*by(".notice")).text
    groups = {r.find_elements(*by("td"))[0].text: r.find_elements(*by("td"))[1].text for r in driver.find_elements(*by("#vocabulary tbody tr"))}
    assert groups == {"математика": "алгебра, геометрия", "естественно-математический цикл": "математика"}

    # a loop is refused with the reason, the typed rows kept
    rows = len(driver.find_elements(*by("#terms tbody tr")))
    fill_row(driver, rows - 3, "естественно-математический цикл", "алгебра")
    go(driver, driver.find_element(*by("#save-subjects")))
    assert "по цепочке относится к самому себе" in driver.find_element(*by(".error-summary")).text
    assert driver.find_element(*by(f'input[name="name_{rows - 3}"]')).get_attribute("value") == "естественно-математический цикл"
    # half a row is refused too
    driver.find_element(*by(f'input[name="drop_{rows - 3}"]')).click()
    empty = len(driver.find_elements(*by("#terms tbody tr"))) - 1
    driver.find_element(*by(f'input[name="name_{empty}"]')).send_keys("черчение")
    go(driver, driver.find_element(*by("#save-subjects")))
    assert "Заполните оба поля" in driver.find_element(*by(".error-summary")).text
    # remove «геометрия»: the list keeps the rest
    driver.get(live.url("/pairing/subjects"))
    row = next(r for r in driver.find_elements(*by("#terms tbody tr"))
               if r.find_element(*by("input")).get_attribute("value") == "геометрия")
    row.find_element(*by('input[type="checkbox"]')).click()
    go(driver, driver.find_element(*by("#save-subjects")))
    with live.api(ADMIN) as api:
        terms = {t["name"]: t["subject"] for t in api.get("/pairing/api/v1/subjects").json()["terms"]}
    assert terms == {"алгебра": "математика", "математика": "естественно-математический цикл"}
    driver.execute_script("document.getElementById('terms').scrollIntoView()")
    live.screenshot(driver, "pairing-subjects")
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    driver.execute_script("document.getElementById('terms').scrollIntoView()")
    live.screenshot(driver, "pairing-subjects")


def test_curators_read_the_vocabulary_and_others_are_refused(region, driver) -> None:
    live, _programme_id, _other, ids = region
    live.sign_in(driver, CURATOR)
    driver.get(live.url("/pairing/matching"))
    go(driver, driver.find_element(*by("#subjects-link")))
    assert driver.find_element(*by("h1")).text == "Словарь предметов региона"
    assert not driver.find_elements(*by("#subjects-form")) and "ведёт администратор региона" in driver.find_element(*by("main")).text
    with session_client(live, CURATOR) as curator:  # the curator cannot post it either
        token = curator.get("/pairing/subjects").text.split('name="csrf_token" value="')[1].split('"')[0]
        response = curator.post("/pairing/subjects", data={"csrf_token": token, "name_0": "а", "subject_0": "б"})
        assert response.status_code == 403
    mentor = Principal(sub=ids["t1"], role="mentor", scope="school", scope_id=SCHOOL)
    live.sign_in(driver, mentor)
    driver.get(live.url("/pairing/subjects"))
    assert driver.find_element(*by("h1")).text == "Доступ запрещён"
    with session_client(live, ADMIN) as admin:
        assert admin.post("/pairing/subjects", data={"name_0": "а", "subject_0": "б"}).status_code == 403  # no CSRF token


def test_the_curator_records_a_mentor_s_limits_and_the_run_keeps_them(region, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live, programme_id, _other, _ids = region
    live.sign_in(driver, CURATOR)
    driver.get(live.url(f"/pairing/matching/{programme_id}"))
    Select(driver.find_element(*by("#f-limit_mentor_id"))).select_by_visible_text(names_of("t1"))
    Select(driver.find_element(*by("#f-refused_ids"))).select_by_visible_text(names_of("m1"))
    driver.find_element(*by("#f-limit_reason")).send_keys("родственники")
    go(driver, driver.find_element(*by("#save-limits")))
    assert "Ограничения наставника сохранены" in driver.find_element(*by(".notice")).text
    row = driver.find_element(*by("#limits-table tbody tr")).text
    assert names_of("t1") in row and names_of("m1") in row and "родственники" in row
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    driver.execute_script("document.getElementById('limits').scrollIntoView()")
    live.screenshot(driver, "pairing-limits")
    driver.set_window_size(*DESKTOP)
    driver.execute_script("document.getElementById('limits').scrollIntoView()")
    live.screenshot(driver, "pairing-limits")
    go(driver, driver.find_element(*by("#run-matching")))
    for proposal in driver.find_elements(*by("#proposals tbody tr")):
        mentor = proposal.find_element(*by('td[data-label="Наставник"]')).text
        assert not (names_of("t1") in mentor and names_of("m1") in proposal.text), "a refused pair was proposed"


def test_a_mentor_states_their_own_grades(region, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live, programme_id, _other, ids = region
    with live.api(CURATOR) as curator:  # a refusal the curator recorded earlier stays when the mentor edits
        curator.put(f"/pairing/api/v1/programmes/{programme_id}/mentor-limits/{ids['t2']}",
                    json={"refused_ids": [ids["m3"]]}).raise_for_status()
    mentor = Principal(sub=ids["t2"], role="mentor", scope="school", scope_id=SCHOOL, name=names_of("t2"))
    live.sign_in(driver, mentor)
    driver.get(live.url("/pairing/my"))
    go(driver, driver.find_element(*by("#my-limits-link")))
    section = driver.find_element(*by(f"#p-{programme_id}"))
    assert "Программа «Первые шаги»" in section.text and names_of("m3") in section.find_element(*by(".my-refused")).text
    Select(section.find_element(*by("select[name=grade_from]"))).select_by_visible_text("5 класс")
    Select(section.find_element(*by("select[name=grade_to]"))).select_by_visible_text("9 класс")
    go(driver, section.find_element(*by("button")))
    assert "сохранены" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by(".my-grades")).text == "с 5 по 9 класс"
    with live.api(CURATOR) as curator:
        limits = curator.get(f"/pairing/api/v1/programmes/{programme_id}/mentor-limits/{ids['t2']}").json()
    assert limits["refused_ids"] == [ids["m3"]] and (limits["grade_from"], limits["grade_to"]) == (5, 9)
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    live.screenshot(driver, "pairing-my-limits")
    # another mentor's limits cannot be posted by this one: the programme is not theirs to speak for
    curator_view = Principal(sub="someone", role="mentor", scope="school", scope_id=SCHOOL)
    live.sign_in(driver, curator_view)
    driver.get(live.url("/pairing/my/limits"))
    assert "ни в одной программе" in driver.find_element(*by("main")).text
