"""Pairing in the browser, as its people do it: the curator sets the weights, runs the matching,
reads why each pair was proposed and why someone was left out, decides, forms a pair by hand
and sees the pairs; the mentor writes the development plan; the mentee reads it and writes
their view. Scope: another school's pages are 404, a form without its CSRF token is 403.

The school, its people, programme and enrolments are arranged through the registry's public
API; pairing learns them from events (`eventually`)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, eventually, fits_without_sideways_scroll
from tests.conftest import SECRET

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера")
SCHOOL, OTHER = "pp-school-a", "pp-school-b"
CURATOR = Principal(sub="curator-a", role="school_curator", scope="school", scope_id=SCHOOL, name="Белова Нина")
OTHER_CURATOR = Principal(sub="curator-b", role="school_curator", scope="school", scope_id=OTHER, name="Гусев Павел")
# (key, full name, subjects, experience years, role, capacity)
PEOPLE = [
    ("t1", "Андреева Ольга Павловна", ["математика"], 25, "mentor", 1),
    ("t2", "Борисов Глеб Ильич", ["русский язык"], 18, "mentor", 1),
    ("t3", "Васильева Ирина Львовна", ["история"], 14, "mentor", 1),
    ("m1", "Григорьев Лев", ["математика"], 1, "mentee", None),
    ("m2", "Дмитриева Ада", ["русский язык"], 2, "mentee", None),
    ("m3", "Егоров Марк", ["история"], 1, "mentee", None),
    ("m4", "Жукова Вера", ["физика"], 24, "mentee", None),  # no mentor has 3 more years: left out
]


def go(driver, element) -> None:
    """Click a link or a submit button and wait until the next page replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:  # stale, or its node left the document
            return True
        return False

    element.click()
    WebDriverWait(driver, 15).until(replaced)


def by(selector: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, selector


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The live system with school A (people, programme, enrolments) and school B (a programme)."""
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("pairing-pages")) as live:
        yield live, *arrange(live)


def arrange(live: LiveSystem) -> tuple[str, str, dict[str, str]]:
    """Two schools through the registry's API; returns (programme A, programme B, ids of A's people)."""
    today = clock.today()
    year = f"{today.year}/{today.year + 1}" if today.month >= 9 else f"{today.year - 1}/{today.year}"
    with live.api(ADMIN) as admin:
        for school_id, name in ((SCHOOL, "МБОУ СОШ № 7"), (OTHER, "МБОУ СОШ № 8")):
            admin.post("/registry/api/v1/schools", json={
                "school_id": school_id, "name": name, "municipality_id": "pp-mun", "municipality_name": "Тестовый район",
            }).raise_for_status()
    ids: dict[str, str] = {}
    with live.api(CURATOR) as curator:
        for key, name, subjects, years, _role, _capacity in PEOPLE:
            response = curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
                "category": "teacher", "full_name": name, "external_id": key, "subjects": subjects,
                "experience_years": years, "consent": {"given_by": "self", "document": f"согласие {key}"},
            })
            response.raise_for_status()
            ids[key] = response.json()["id"]
        programme = curator.post(f"/registry/api/v1/schools/{SCHOOL}/programmes", json={
            "title": "Программа «Первые шаги»", "academic_year": year, "forms": ["teacher_teacher"]})
        programme.raise_for_status()
        programme_id = programme.json()["id"]
        for key, _name, _subjects, _years, role, capacity in PEOPLE:
            curator.post(f"/registry/api/v1/programmes/{programme_id}/enrolments", json={
                "participant_id": ids[key], "role": role, "capacity": capacity}).raise_for_status()
    with live.api(OTHER_CURATOR) as other:
        person = other.post(f"/registry/api/v1/schools/{OTHER}/participants", json={
            "category": "teacher", "full_name": "Зайцев Олег", "external_id": "z1", "subjects": ["химия"],
            "experience_years": 20, "consent": {"given_by": "self", "document": "согласие z1"}})
        person.raise_for_status()
        other_programme = other.post(f"/registry/api/v1/schools/{OTHER}/programmes", json={
            "title": "Программа школы № 8", "academic_year": year, "forms": ["teacher_teacher"]})
        other_programme.raise_for_status()
        other.post(f"/registry/api/v1/programmes/{other_programme.json()['id']}/enrolments", json={
            "participant_id": person.json()["id"], "role": "mentor", "capacity": 2}).raise_for_status()

    def arrived() -> bool:
        page = session_client(live, CURATOR).get("/pairing/matching").text
        return ">Программа «Первые шаги»<" in page and 'data-label="Наставляемые" class="num">4<' in page

    assert eventually(arrived, timeout=30), "pairing did not learn the school's programme and people"
    return programme_id, other_programme.json()["id"], ids


def session_client(live: LiveSystem, principal: Principal) -> httpx.Client:
    return httpx.Client(base_url=live.base, cookies={COOKIE_NAME: issue_session(SECRET, principal)}, timeout=30)


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def names_of(key: str) -> str:
    return next(name for k, name, *_ in PEOPLE if k == key)


def test_curator_matches_decides_and_sees_the_pairs(region, driver) -> None:
    from selenium.webdriver.support.ui import Select, WebDriverWait

    live, programme_id, _other, _ids = region
    live.sign_in(driver, CURATOR)
    driver.get(live.url("/pairing/matching"))
    go(driver, driver.find_element(*by("#programmes a")))
    assert driver.find_element(*by("h1")).text == "Программа «Первые шаги»"

    # an invalid weight: the message beside the field, the typed values kept
    weight = driver.find_element(*by("#f-weight_same_subject"))
    weight.clear()
    weight.send_keys("двадцать")
    go(driver, driver.find_element(*by("#save-settings")))
    assert "Введите число" in driver.find_element(*by(".error-summary")).text
    assert "Введите число" in driver.find_element(*by("#e-weight_same_subject")).text
    assert driver.find_element(*by("#f-weight_same_subject")).get_attribute("value") == "двадцать"
    weight = driver.find_element(*by("#f-weight_experience_gap"))
    weight.clear()
    weight.send_keys("5000")
    go(driver, driver.find_element(*by("#save-settings")))
    assert "от 0 до 1000" in driver.find_element(*by("#e-weight_experience_gap")).text
    box = driver.find_element(*by("#f-min_score"))
    box.clear()
    box.send_keys("-3")
    go(driver, driver.find_element(*by("#save-settings")))
    assert "от 0 до 1000" in driver.find_element(*by("#e-min_score")).text
    # a valid one, with a decimal comma
    for field, value in (("weight_same_subject", "32,5"), ("weight_experience_gap", "15"), ("min_score", "1,5")):
        box = driver.find_element(*by(f"#f-{field}"))
        box.clear()
        box.send_keys(value)
    go(driver, driver.find_element(*by("#save-settings")))
    assert "сохранены" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("#f-weight_same_subject")).get_attribute("value") == "32,5"
    assert driver.find_element(*by("#f-min_score")).get_attribute("value") == "1,5"

    # run the matching: every proposal explains its points; the one left out has a reason
    go(driver, driver.find_element(*by("#run-matching")))
    assert driver.find_element(*by("h1")).text == "Результат подбора"
    assert "3 из 4" in driver.find_element(*by("#run-figures")).text
    rows = driver.find_elements(*by("#proposals tbody tr"))
    assert len(rows) == 3
    for row in rows:
        points = {c.get_attribute("data-criterion"): c.text for c in row.find_elements(*by("td.points"))}
        assert set(points) == {"deficit_coverage", "same_subject", "experience_gap", "same_school", "preference", "priority", "interests", "mentor_preference"}
        # everyone here shares a subject with their best mentor: the edited weight shows
        total = sum(float(v.replace(",", ".").replace("\u00a0", "")) for v in points.values())
        assert round(total, 2) == float(row.find_element(*by('td[data-label="Балл"]')).text.replace(",", "."))  # adds up exactly
    assert any(r.find_element(*by('td[data-criterion="same_subject"]')).text == "32,5" for r in rows)
    unmatched = driver.find_element(*by("#unmatched-list")).text
    assert names_of("m4") in unmatched and "Нет наставника, подходящего по форме" in unmatched

    def mentor_of(row) -> str:
        return row.find_element(*by('td[data-label="Наставник"]')).text

    first, second, third = (mentor_of(r) for r in rows)
    # confirm the first
    go(driver, rows[0].find_element(*by("button.confirm")))
    # (with JavaScript only the row is replaced: the page keeps its place)
    assert "подтверждена" in driver.find_elements(*by("#proposals tbody tr"))[0].text
    assert "done=" not in driver.current_url  # htmx swapped the row, no page load
    assert "подтверждена: 1" in driver.find_element(*by("#decided")).text
    # reject the second, with a reason (an inline confirm)
    row = driver.find_elements(*by("#proposals tbody tr"))[1]
    row.find_element(*by("details.reject summary")).click()
    row.find_element(*by("details.reject input[name=reason]")).send_keys("не сработаются")
    go(driver, row.find_element(*by("details.reject button")))
    assert "отклонена" in driver.find_elements(*by("#proposals tbody tr"))[1].text
    # replace the third's mentor by the one just freed
    row = driver.find_elements(*by("#proposals tbody tr"))[2]
    go(driver, row.find_element(*by("a.replace")))
    assert "Баллы по критериям" in driver.find_element(*by("main")).text
    select = Select(driver.find_element(*by("#f-mentor_id")))
    select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith(second)))
    go(driver, driver.find_element(*by("#replace button")))
    assert "заменён" in driver.find_element(*by(".notice")).text
    statuses = driver.find_element(*by("#proposals")).text
    assert "подтверждена" in statuses and "отклонена" in statuses and "наставник заменён" in statuses
    live.screenshot(driver, "pairing-run")

    # a pair by hand: the freed mentor and the one left out
    driver.get(live.url(f"/pairing/matching/{programme_id}"))
    Select(driver.find_element(*by("#f-mentor_id"))).select_by_visible_text(
        next(o.text for o in Select(driver.find_element(*by("#f-mentor_id"))).options if o.text.startswith(third)))
    Select(driver.find_element(*by("#f-mentee_id"))).select_by_visible_text(names_of("m4"))
    go(driver, driver.find_element(*by("#form-pair")))
    assert "вручную" in driver.find_element(*by(".notice")).text

    # the pairs page shows them, each with its plan's state
    go(driver, driver.find_element(*by('nav.menu a[href="/pairing/pairs"]')))
    table = driver.find_element(*by("#pairs")).text
    assert table.count("Программа «Первые шаги»") == 3
    assert f"{first}" in table and f"{second}" in table and f"{third}" in table and names_of("m4") in table
    assert "0 / 0" in table
    live.screenshot(driver, "pairing-pairs")

    # end the hand-made pair early: the reason is asked for, then the pair shows as ended
    row = next(r for r in driver.find_elements(*by("#pairs tbody tr")) if names_of("m4") in r.text)
    row.find_element(*by("details.end summary")).click()
    row.find_element(*by('details.end input[value="terminated"]')).click()
    go(driver, row.find_element(*by("details.end button")))
    assert "Укажите причину" in driver.find_element(*by(".error-summary")).text
    driver.find_element(*by("#f-reason")).send_keys("Наставляемая перешла в другую школу")
    go(driver, driver.find_element(*by("#end button.danger")))
    assert "Пара завершена" in driver.find_element(*by(".notice")).text
    assert "прекращена досрочно" in driver.find_element(*by("#pair-facts")).text
    # the filter by state
    driver.get(live.url("/pairing/pairs"))
    Select(driver.find_element(*by("#f-state"))).select_by_visible_text("прекращена досрочно")
    go(driver, driver.find_element(*by("#filter button")))
    ended = driver.find_elements(*by("#pairs tbody tr"))
    assert len(ended) == 1 and names_of("m4") in ended[0].text and "другую школу" in ended[0].text
    Select(driver.find_element(*by("#f-state"))).select_by_visible_text("действует")
    go(driver, driver.find_element(*by("#filter button")))
    assert len(driver.find_elements(*by("#pairs tbody tr"))) == 2
    # with JavaScript, changing the filter is enough: only the list is reloaded
    Select(driver.find_element(*by("#f-state"))).select_by_visible_text("прекращена досрочно")
    WebDriverWait(driver, 10).until(lambda d: "state=terminated" in d.current_url and len(d.find_elements(*by("#pairs tbody tr"))) == 1)
    assert names_of("m4") in driver.find_element(*by("#pairs tbody tr")).text
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    run_link = live.url(f"/pairing/matching/{programme_id}")
    driver.get(run_link)
    go(driver, driver.find_element(*by(".actions a")))  # the latest run
    assert driver.find_elements(*by("#proposals tbody tr"))
    assert fits_without_sideways_scroll(driver)
    live.screenshot(driver, "pairing-run")


def _a_formed_pair(live: LiveSystem, programme_id: str, ids: dict[str, str]) -> tuple[str, str, str]:
    """(pair id, mentor key, mentee key) of a formed one-to-one pair: one the curator's test
    formed, or a new one (when this test runs alone)."""
    keys = {v: k for k, v in ids.items()}
    with live.api(CURATOR) as api:
        pairs = [p for p in api.get(f"/pairing/api/v1/programmes/{programme_id}/pairs").json() if p["status"] == "formed"]
        if not pairs:
            response = api.post(f"/pairing/api/v1/programmes/{programme_id}/pairs",
                                json={"mentor_id": ids["t1"], "mentee_ids": [ids["m1"]]})
            response.raise_for_status()
            pairs = [response.json()]
    pair = sorted(pairs, key=lambda p: p["id"])[0]
    return pair["id"], keys[pair["mentor_id"]], keys[pair["mentee_ids"][0]]


def test_mentor_writes_the_plan_and_the_mentee_answers(region, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live, programme_id, _other, ids = region
    pair_id, mentor_id, mentee_key = _a_formed_pair(live, programme_id, ids)
    mentor = Principal(sub=ids[mentor_id], role="mentor", scope="school", scope_id=SCHOOL, name=names_of(mentor_id))
    live.sign_in(driver, mentor)
    driver.get(live.url("/pairing/my"))
    assert names_of(mentee_key) in driver.find_element(*by("main")).text
    go(driver, driver.find_element(*by(f'a[href="/pairing/my/{pair_id}"]')))
    assert driver.find_element(*by("h1")).text == "План развития (ИОМ)"

    # a goal in a deficit area
    Select(driver.find_element(*by("#f-area_new"))).select_by_visible_text("методические")
    driver.find_element(*by("#f-goal_new")).send_keys("Освоить приёмы формирующего оценивания")
    go(driver, driver.find_element(*by("#save-goals")))
    assert "Цели плана сохранены" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("#f-goal_0")).text == "Освоить приёмы формирующего оценивания"
    goal = driver.find_element(*by("#f-goal_0"))
    goal.clear()
    goal.send_keys("Освоить приёмы формирующего оценивания на уроках")
    go(driver, driver.find_element(*by("#save-goals")))
    assert driver.find_element(*by("#f-goal_0")).text == "Освоить приёмы формирующего оценивания на уроках"
    assert not driver.find_elements(*by("#f-goal_1"))

    # a measure: without a date first (the message beside the field), then with one
    driver.find_element(*by("#f-title")).send_keys("Взаимопосещение уроков")
    Select(driver.find_element(*by("#f-area"))).select_by_visible_text("методические")
    driver.find_element(*by("#f-kind")).send_keys("посещение урока")
    go(driver, driver.find_element(*by("#add-measure-button")))
    assert "Укажите срок" in driver.find_element(*by(".error-summary")).text
    assert driver.find_element(*by("#f-title")).get_attribute("value") == "Взаимопосещение уроков"
    due = clock.today() + timedelta(days=20)
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(*by("#f-due_on")), due.isoformat())
    go(driver, driver.find_element(*by("#add-measure-button")))
    assert "добавлено" in driver.find_element(*by(".notice")).text
    measure = driver.find_element(*by("article.measure"))
    assert "Взаимопосещение уроков" in measure.text and due.strftime("%d.%m.%Y") in measure.text
    # correct its title
    measure.find_element(*by("details.edit summary")).click()
    title = measure.find_element(*by("details.edit input[name^=title]"))
    title.clear()
    title.send_keys("Взаимопосещение уроков математики")
    go(driver, measure.find_element(*by("details.edit button")))
    assert "изменено" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("article.measure h3")).text == "Взаимопосещение уроков математики"

    # done, with its product
    measure = driver.find_element(*by("article.measure"))
    measure.find_element(*by("details.result summary")).click()
    measure.find_element(*by("details.result textarea")).send_keys("Технологическая карта урока с приёмами оценивания")
    go(driver, measure.find_element(*by("details.result button")))
    measure = driver.find_element(*by("article.measure"))
    assert "выполнено" in measure.find_element(*by(".product")).text
    assert "Технологическая карта урока" in measure.find_element(*by(".product")).text
    assert "выполнено 1 из 1" in driver.find_element(*by("#pair-facts")).text
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    live.screenshot(driver, "pairing-plan-mentor")
    driver.set_window_size(*DESKTOP)

    # the mentee: their mentor's name, the measure, and their own view of it
    mentee = Principal(sub=ids[mentee_key], role="mentee", scope="school", scope_id=SCHOOL, name=names_of(mentee_key))
    live.sign_in(driver, mentee)
    driver.get(live.url("/pairing/my"))
    assert names_of(mentor_id) in driver.find_element(*by(".mentor-name")).text
    assert "Взаимопосещение уроков" in driver.find_element(*by("main")).text
    assert "ждёт вашего отзыва" in driver.find_element(*by("main")).text
    go(driver, driver.find_element(*by(f'a[href="/pairing/my/{pair_id}"]')))
    assert not driver.find_elements(*by("#add-measure"))  # the mentee does not write the plan
    driver.find_element(*by(".mentee-view-form textarea")).send_keys("Научилась давать обратную связь на уроке")
    go(driver, driver.find_element(*by(".mentee-view-form button")))
    assert "отзыв" in driver.find_element(*by(".notice")).text
    assert "Научилась давать обратную связь" in driver.find_element(*by("article.measure .mentee-view")).text
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    live.screenshot(driver, "pairing-plan-mentee")

    # the home page's to-do: nothing left for the mentee
    assert "ждёт" not in session_client(live, mentee).get("/pairing/todo").text


def test_other_schools_and_other_pairs_are_not_found(region, driver) -> None:
    live, programme_id, other_programme_id, ids = region
    pair_id, _mentor, mentee = _a_formed_pair(live, programme_id, ids)
    live.sign_in(driver, OTHER_CURATOR)
    for path in (f"/pairing/matching/{programme_id}", f"/pairing/pairs/{pair_id}"):
        driver.get(live.url(path))
        assert driver.find_element(*by("h1")).text == "Страница не найдена", path
    live.sign_in(driver, CURATOR)
    driver.get(live.url(f"/pairing/matching/{other_programme_id}"))
    assert driver.find_element(*by("h1")).text == "Страница не найдена"
    # a mentee opening a pair that is not theirs
    stranger = next(k for k in ("m1", "m2", "m3", "m4") if k != mentee)
    live.sign_in(driver, Principal(sub=ids[stranger], role="mentee", scope="school", scope_id=SCHOOL))
    driver.get(live.url(f"/pairing/my/{pair_id}"))
    assert driver.find_element(*by("h1")).text == "Страница не найдена"
    # the other school's curator cannot act on this school's pair or programme either
    with session_client(live, OTHER_CURATOR) as other:
        token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/pairing/pairs").text)
        assert token
        response = other.post(f"/pairing/pairs/{pair_id}/end", data={"csrf_token": token.group(1), "outcome": "completed"})
        assert response.status_code == 404
        assert "Страница не найдена" in response.text


def test_a_form_without_its_csrf_token_is_refused(region) -> None:
    live, programme_id, _other, _ids = region
    with session_client(live, CURATOR) as curator:
        runs_before = curator.get(f"/pairing/matching/{programme_id}").text.count("Последний подбор")
        response = curator.post(f"/pairing/matching/{programme_id}/runs", data={})
        assert response.status_code == 403
        assert "Форма устарела" in response.text
        response = curator.post(f"/pairing/matching/{programme_id}/settings", data={"csrf_token": "forged", "weight_same_subject": "0"})
        assert response.status_code == 403
        assert curator.get(f"/pairing/matching/{programme_id}").text.count("Последний подбор") == runs_before


def test_todo_lists_what_the_curator_has_to_do(region) -> None:
    live, programme_id, _other, _ids = region
    with session_client(live, CURATOR) as curator:
        fragment = curator.get("/pairing/todo")
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert "Первые шаги" in fragment.text or "без плана" in fragment.text
    with session_client(live, OTHER_CURATOR) as other:
        assert "Первые шаги" not in other.get("/pairing/todo").text


def _small_programme(live: LiveSystem, title: str, mentor: str, mentee: str) -> str:
    """A programme of this school with one mentor and one mentee, known to pairing."""
    today = clock.today()
    year = f"{today.year}/{today.year + 1}" if today.month >= 9 else f"{today.year - 1}/{today.year}"
    with live.api(CURATOR) as curator:
        people = {}
        for name, years in ((mentor, 30), (mentee, 0)):
            response = curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
                "category": "teacher", "full_name": name, "subjects": ["биология"], "experience_years": years,
                "consent": {"given_by": "self", "document": f"согласие {name}"}})
            response.raise_for_status()
            people[name] = response.json()["id"]
        programme = curator.post(f"/registry/api/v1/schools/{SCHOOL}/programmes", json={
            "title": title, "academic_year": year, "forms": ["teacher_teacher"]}).json()["id"]
        for name, role, capacity in ((mentor, "mentor", 1), (mentee, "mentee", None)):
            curator.post(f"/registry/api/v1/programmes/{programme}/enrolments", json={
                "participant_id": people[name], "role": role, "capacity": capacity}).raise_for_status()

    def known() -> bool:
        page = session_client(live, CURATOR).get(f"/pairing/matching/{programme}")
        return page.status_code == 200 and mentor in page.text and mentee in page.text and title in page.text

    assert eventually(known, timeout=30)
    return programme


def test_matching_works_without_javascript(region) -> None:
    """The same jobs as plain form posts: run, confirm, with the notice after the redirect."""
    live = region[0]
    programme = _small_programme(live, "Программа без скриптов", "Иванов Пётр", "Кириллова Яна")
    driver = make_driver(javascript=False, size=PHONE)
    try:
        live.sign_in(driver, CURATOR)
        driver.get(live.url(f"/pairing/matching/{programme}"))
        go(driver, driver.find_element(*by("#run-matching")))
        row = driver.find_element(*by("#proposals tbody tr"))
        assert "Иванов Пётр" in row.text and "Кириллова Яна" in row.text
        go(driver, row.find_element(*by("button.confirm")))
        assert "done=confirmed" in driver.current_url
        assert "Пара подтверждена" in driver.find_element(*by(".notice")).text
        assert "подтверждена" in driver.find_element(*by("#proposals tbody tr")).text
        assert fits_without_sideways_scroll(driver)
    finally:
        driver.quit()


def test_a_decision_on_a_stale_page_shows_why_it_failed(region, driver) -> None:
    """Decided in another tab meanwhile: the htmx post fails, the page says so in Russian."""
    live = region[0]
    programme = _small_programme(live, "Программа двух вкладок", "Лаврова Нина", "Мухин Олег")
    live.sign_in(driver, CURATOR)
    driver.get(live.url(f"/pairing/matching/{programme}"))
    go(driver, driver.find_element(*by("#run-matching")))
    proposal_id = driver.find_element(*by("#proposals tbody tr")).get_attribute("data-proposal")
    with live.api(CURATOR) as api:
        api.post(f"/pairing/api/v1/programmes/{programme}/proposals/{proposal_id}/confirm").raise_for_status()
    go(driver, driver.find_element(*by("#proposals button.confirm")))
    assert driver.find_element(*by("h1")).text == "Конфликт"
    assert "Предложение уже рассмотрено: подтверждено" in driver.find_element(*by("main")).text
