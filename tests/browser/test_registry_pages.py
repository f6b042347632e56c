"""The registry's work pages as their people use them (issue 11): the region administrator adds
and edits schools and imports a spreadsheet; the school curator finds, adds and edits people,
records consent, withdraws a person, launches a programme and enrols a mentor and a mentee.
Scope and CSRF are tested here too, and the phone width of the busiest pages."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll
from tests.conftest import SECRET

REGION = "test-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
CURATOR = Principal(sub="curator-1", role="school_curator", scope="school", scope_id="s1", name="Кузнецова Ольга")
CONSENT = {"given_by": "self", "date": "2026-09-01"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("registry-pages"), region_id=REGION) as system:
        with system.api(ADMIN) as api:
            for school_id, name, municipality_id, municipality in (("s1", "МБОУ СОШ № 1", "m1", "Северный район"),
                                                                   ("s2", "МБОУ Лицей № 2", "m1", "Северный район")):
                api.post("/registry/api/v1/schools", json={"school_id": school_id, "name": name, "municipality_id": municipality_id,
                                                           "municipality_name": municipality}).raise_for_status()
            people = {}
            for school_id, body in (
                ("s1", {"category": "teacher", "full_name": "Иванова Анна Петровна", "subjects": ["математика"],
                        "experience_years": 24, "consent": CONSENT}),
                ("s1", {"category": "teacher", "full_name": "Сидорова Мария Ивановна", "subjects": ["физика"],
                        "experience_years": 12, "consent": CONSENT}),
                ("s1", {"category": "pupil", "full_name": "Петров Пётр", "grade": 7,
                        "consent": {"given_by": "legal_representative", "representative_name": "Петрова Ирина"}}),
                ("s1", {"category": "pupil", "full_name": "Лебедева Полина", "grade": 6}),
                ("s2", {"category": "teacher", "full_name": "Чужой Учитель", "consent": CONSENT}),
            ):
                response = api.post(f"/registry/api/v1/schools/{school_id}/participants", json=body)
                response.raise_for_status()
                people[body["full_name"]] = response.json()["id"]
        system.people = people  # type: ignore[attr-defined]
        yield system


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def by(css: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def fill(driver, css: str, value: str) -> None:
    field = driver.find_element(*by(css))
    field.clear()
    field.send_keys(value)


def go(driver, css: str) -> None:
    """Click a link or a submit button and wait until the next page has replaced this one."""
    click_to_next_page(driver, driver.find_element(*by(css)))


def text_of(driver, css: str) -> str:
    """The element's text, or "" while htmx is swapping it (for `eventually`)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    try:
        return driver.find_element(*by(css)).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def people_of(live: LiveSystem, school_id: str) -> list[dict]:
    with live.api(ADMIN) as api:
        return api.get(f"/registry/api/v1/schools/{school_id}/participants").json()


# -- region administrator -------------------------------------------------------------------


def test_admin_adds_a_school_in_a_new_municipality_edits_its_flags_and_finds_it(live, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live.sign_in(driver, ADMIN)
    driver.get(live.url("/registry/schools"))
    go(driver, "#add-school")
    go(driver, "#save-school")  # empty: the errors are listed and shown beside the fields
    assert "Исправьте" in driver.find_element(*by(".error-summary")).text
    fill(driver, "#f-name", "МКОУ ООШ с. Берёзовка")
    Select(driver.find_element(*by("#f-municipality"))).select_by_visible_text("Новый муниципалитет…")
    fill(driver, "#f-municipality_name", "Лесной муниципальный округ")
    go(driver, "#save-school")
    assert driver.find_element(*by("h1")).text == "МКОУ ООШ с. Берёзовка"
    assert "Лесной муниципальный округ" in driver.find_element(*by("dl.facts")).text
    assert driver.find_element(*by("#school-flags")).text == "нет"

    driver.find_element(*by("input[name=low_results]")).click()
    driver.find_element(*by("input[name=difficult_conditions]")).click()
    go(driver, "#save-school")
    assert "Изменения сохранены" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("#school-flags")).text == "низкие результаты ШНОР"
    LiveSystem.screenshot(driver, "school")

    driver.get(live.url("/registry/schools"))
    assert "Найдено школ: 3" in driver.find_element(*by("#school-count")).text
    fill(driver, "#f-q", "берёз")  # filter as you type (htmx)
    assert eventually(lambda: "Найдено школ: 1" in text_of(driver, "#school-count"))
    assert eventually(lambda: all(part in text_of(driver, "#school-list tbody tr")
                                  for part in ("МКОУ ООШ с. Берёзовка", "Лесной муниципальный округ", "ШНОР")))
    Select(driver.find_element(*by("#f-municipality"))).select_by_visible_text("Северный район")
    assert eventually(lambda: "Школ не найдено" in text_of(driver, "#school-list"))
    LiveSystem.screenshot(driver, "schools")
    with live.api(ADMIN) as api:
        school = next(s for s in api.get("/registry/api/v1/schools").json() if s["name"] == "МКОУ ООШ с. Берёзовка")
    assert school["low_results"] and school["difficult_conditions"]


def roster(rows: list[str]) -> str:
    return "\n".join(["Код школы;Внешний id;Категория;ФИО;Стаж;Класс;Согласие;Согласие дал;Законный представитель", *rows]) + "\n"


def test_admin_checks_a_file_without_writing_then_writes_its_valid_rows(live, driver, tmp_path) -> None:
    path = tmp_path / "школа-1.csv"
    path.write_text(roster([
        "s1;T-101;педагог;Орлов Олег Олегович;5;;да;;",
        "s1;T-102;педагог;Беляева Нина Львовна;много;;да;;",  # line 3: experience in words
        "s1;P-101;обучающийся;Зайцев Кирилл;;8;да;законный представитель;Зайцева Анна",
    ]), encoding="utf-8")
    before = len(people_of(live, "s1"))
    live.sign_in(driver, ADMIN)
    driver.get(live.url("/registry/imports"))
    driver.find_element(*by("#f-file")).send_keys(str(path))
    driver.find_element(*by("input[name=mode][value=all_or_nothing]")).click()
    assert driver.find_element(*by("input[name=dry_run]")).is_selected()  # a check first, by default
    go(driver, "#upload")

    assert eventually(lambda: "ничего не записано" in text_of(driver, "#import-summary"), timeout=20)
    errors = driver.find_element(*by("#import-errors tbody")).text
    assert "3" in driver.find_element(*by("#import-errors tbody td[data-label='Строка']")).text
    assert "Стаж" in errors and "много" in errors
    assert driver.find_element(*by("#import-counts td[data-count=rejected]")).text == "1"
    assert len(people_of(live, "s1")) == before  # a dry run writes nothing
    LiveSystem.screenshot(driver, "import-dry-run")

    go(driver, "#apply-valid_only")
    assert eventually(lambda: "Данные записаны" in text_of(driver, "#import-summary"), timeout=20)
    assert driver.find_element(*by("#import-counts td[data-count=created]")).text == "2"
    assert driver.find_element(*by("#import-counts td[data-count=rejected]")).text == "1"
    names = {p["full_name"] for p in people_of(live, "s1")}
    assert {"Орлов Олег Олегович", "Зайцев Кирилл"} <= names and "Беляева Нина Львовна" not in names
    assert len(names) == before + 2


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx-polling", "refresh-without-javascript"])
def test_a_long_import_shows_its_progress_then_the_report(live, tmp_path, javascript) -> None:
    rows = [f"s2;P-{n};обучающийся;Ученик Номер {n};;5;да;законный представитель;Родитель {n}" for n in range(40_000)]
    path = tmp_path / "большой.csv"
    path.write_text(roster(rows), encoding="utf-8")
    driver = make_driver(javascript=javascript, size=DESKTOP)
    try:
        live.sign_in(driver, ADMIN)
        driver.get(live.url("/registry/imports"))
        driver.find_element(*by("#f-file")).send_keys(str(path))
        go(driver, "#upload")  # a dry run (the default)
        bar = driver.find_element(*by("progress#import-bar"))
        assert bar.get_attribute("max") == "100"
        assert "из 40" in driver.find_element(*by("#import-progress")).text
        LiveSystem.screenshot(driver, f"import-progress-{'js' if javascript else 'nojs'}")
        assert eventually(lambda: driver.find_elements(*by("#import-summary")), timeout=120)
        assert "Проверка без записи" in driver.find_element(*by("#import-summary")).text
        assert driver.find_element(*by("#import-counts td[data-count=created]")).text == "40\u202f000"
    finally:
        driver.quit()


# -- school curator -------------------------------------------------------------------------


def test_curator_finds_adds_edits_records_consent_and_withdraws_people(live, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/people"))
    table = lambda: text_of(driver, "#people-list")  # noqa: E731
    assert "Сидорова Мария Ивановна" in table() and "Чужой Учитель" not in table()
    fill(driver, "#f-q", "иван")  # search as you type: Иванова, not Сидорова Мария Ивановна? both match «иван»
    assert eventually(lambda: "Найдено: 2" in text_of(driver, "#people-count"))
    fill(driver, "#f-q", "иванова")
    assert eventually(lambda: "Найдено: 1" in text_of(driver, "#people-count"))
    assert "Иванова Анна Петровна" in table() and "Сидорова" not in table()
    Select(driver.find_element(*by("#f-category"))).select_by_visible_text("обучающийся")
    assert eventually(lambda: "Никого не найдено" in table())
    fill(driver, "#f-q", "")
    Select(driver.find_element(*by("#f-status"))).select_by_visible_text("нет согласия")
    assert eventually(lambda: "Лебедева Полина" in table() and "Петров Пётр" not in table())

    # add a teacher
    driver.get(live.url("/registry/people"))
    go(driver, "#add-person")
    Select(driver.find_element(*by("#f-category"))).select_by_visible_text("педагог")
    fill(driver, "#f-full_name", "Новикова Елена Сергеевна")
    fill(driver, "#f-subjects", "химия")
    fill(driver, "#f-experience_years", "2")
    fill(driver, "#f-birth_year", "1999")
    fill(driver, "#f-qualification", "первая")
    go(driver, "#save-person")
    assert driver.find_element(*by("#person-name")).text == "Новикова Елена Сергеевна"
    assert "нет согласия" in driver.find_element(*by("#person-consent")).text
    assert driver.find_element(*by("#person-young")).text == "да"  # молодой специалист: born 1999

    # record consent
    Select(driver.find_element(*by("#f-given_by"))).select_by_visible_text("сам участник")
    fill(driver, "#f-document", "№ 42 от 01.09.2026")
    fill(driver, "#f-contact_email", "novikova@school.ru")
    go(driver, "#save-consent")  # an address without the agreement to be written to is refused, values kept
    assert "только с согласия на переписку" in driver.find_element(*by(".error-summary")).text
    assert driver.find_element(*by("#f-contact_email")).get_attribute("value") == "novikova@school.ru"
    driver.find_element(*by("input[name=contact_email_consent]")).click()
    go(driver, "#save-consent")
    assert "Согласие внесено" in driver.find_element(*by(".notice")).text
    consent = driver.find_element(*by("#person-consent")).text
    assert "сам участник" in consent and "№ 42" in consent
    assert driver.find_element(*by("#person-email")).text == "novikova@school.ru"
    LiveSystem.screenshot(driver, "person")

    # edit subjects
    go(driver, "#edit-person")
    fill(driver, "#f-subjects", "химия; биология")
    go(driver, "#save-person")
    assert driver.find_element(*by("#person-subjects")).text == "химия, биология"
    person = next(p for p in people_of(live, "s1") if p["full_name"] == "Новикова Елена Сергеевна")
    assert person["subjects"] == ["химия", "биология"] and person["consent_date"]

    # a pupil's consent by themself is refused beside the field
    driver.get(live.url(f"/registry/people/{live.people['Лебедева Полина']}"))
    Select(driver.find_element(*by("#f-given_by"))).select_by_visible_text("сам участник")
    go(driver, "#save-consent")
    assert "законный представитель" in driver.find_element(*by(".error-summary")).text
    assert "нет согласия" in driver.find_element(*by("#person-consent")).text

    # withdraw, with the inline confirm
    driver.get(live.url(f"/registry/people/{live.people['Сидорова Мария Ивановна']}"))
    Select(driver.find_element(*by("#f-reason"))).select_by_visible_text("выбыл из школы")
    driver.find_element(*by("#withdraw")).click()
    confirm = driver.find_element(*by("#withdraw-confirm"))
    assert "Сидорова Мария Ивановна" in confirm.text and "нельзя отменить" in confirm.text
    assert driver.current_url.endswith(live.people["Сидорова Мария Ивановна"])  # in place, no new page
    go(driver, "#confirm-withdraw")
    assert "Участник выбыл" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("#person-name")).text == "Участник (данные удалены)"
    assert "Сидорова" not in " ".join(p["full_name"] for p in people_of(live, "s1"))


def test_curator_launches_a_programme_enrols_a_mentor_and_a_mentee_and_moves_the_stage(live, driver) -> None:
    from selenium.webdriver.support.ui import Select

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/programmes"))
    fill(driver, "#f-title", "Программа «Вместе»")
    driver.find_element(*by("input[name=forms][value=teacher_pupil]")).click()
    Select(driver.find_element(*by("#f-curator_id"))).select_by_visible_text("Иванова Анна Петровна")
    go(driver, "#launch-programme")
    assert driver.find_element(*by("h1")).text == "Программа «Вместе»"
    assert "учитель – учитель; учитель – ученик" in driver.find_element(*by("#programme-forms")).text
    assert driver.find_element(*by("#programme-stage")).text == "подготовка к запуску"

    # a mentor, found by typing (htmx)
    fill(driver, "#f-find", "иванова")
    assert eventually(lambda: "Иванова Анна Петровна" in text_of(driver, "#candidates"))
    driver.find_element(*by("#candidates input[type=radio]")).click()
    Select(driver.find_element(*by("#f-role"))).select_by_visible_text("наставник")
    fill(driver, "#f-capacity", "2")
    go(driver, "#enrol-person")
    assert "Участник зачислен" in driver.find_element(*by(".notice")).text

    # a mentee, with the plain search form (works without JavaScript)
    fill(driver, "#f-find", "Петров П")  # not Иванова Анна Петровна
    go(driver, "#find-candidates")
    assert eventually(lambda: "find=" in driver.current_url)
    assert text_of(driver, "#candidates").count("Петров") == 1
    driver.find_element(*by("#candidates input[type=radio]")).click()
    Select(driver.find_element(*by("#f-role"))).select_by_visible_text("наставляемый")
    go(driver, "#enrol-person")
    rows = driver.find_element(*by("#enrolments")).text
    assert "Петров Пётр" in rows and "наставляемый" in rows and "наставник" in rows and "куратор" in rows

    # end the mentee's enrolment (inline confirm), then enrol them again
    mentee_row = next(r for r in driver.find_elements(*by("#enrolments tbody tr")) if "Петров Пётр" in r.text)
    mentee_row.find_element(*by("a[id^=end-]")).click()
    assert "Петров Пётр" in driver.find_element(*by("#end-confirm")).text
    go(driver, "#confirm-end")
    assert "Зачисление завершено" in driver.find_element(*by(".notice")).text
    assert "завершено" in next(r.text for r in driver.find_elements(*by("#enrolments tbody tr")) if "Петров Пётр" in r.text)
    fill(driver, "#f-find", "Петров П")
    go(driver, "#find-candidates")
    driver.find_element(*by("#candidates input[type=radio]")).click()
    go(driver, "#enrol-person")
    assert "Участник зачислен" in driver.find_element(*by(".notice")).text

    # a pupil without the guardian's consent cannot be found for enrolment
    fill(driver, "#f-find", "Лебедева")
    go(driver, "#find-candidates")
    assert "Никого не найдено" in driver.find_element(*by("#candidates")).text

    # the stage: the next one is proposed
    assert Select(driver.find_element(*by("#f-stage"))).first_selected_option.text == "формирование баз наставляемых и наставников"
    go(driver, "#move-stage")
    assert "Этап изменён" in driver.find_element(*by(".notice")).text
    assert driver.find_element(*by("#programme-stage")).text == "формирование баз наставляемых и наставников"
    LiveSystem.screenshot(driver, "programme")
    with live.api(CURATOR) as api:
        programme = next(p for p in api.get("/registry/api/v1/schools/s1/programmes").json() if p["title"] == "Программа «Вместе»")
        enrolments = api.get(f"/registry/api/v1/programmes/{programme['id']}/enrolments").json()
    assert programme["stage"] == "forming_bases"
    assert sorted((e["role"], e["capacity"]) for e in enrolments) == [("curator", None), ("mentee", None), ("mentor", 2)]


# -- scope and forgery ------------------------------------------------------------------------


def test_another_schools_person_is_not_found_and_a_form_without_its_token_is_refused(live, driver) -> None:
    stranger = live.people["Чужой Учитель"]
    live.sign_in(driver, CURATOR)
    for path in (f"/registry/people/{stranger}", f"/registry/people/{stranger}/edit"):
        driver.get(live.url(path))
        assert driver.find_element(*by("h1")).text == "Страница не найдена"
    assert "Чужой" not in driver.find_element(*by("body")).text

    cookies = {COOKIE_NAME: issue_session(SECRET, CURATOR)}
    own = live.people["Иванова Анна Петровна"]
    with httpx.Client(base_url=live.base, cookies=cookies) as browser:
        page = browser.get(f"/registry/people/{own}")
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
        forged = browser.post(f"/registry/people/{own}/withdraw", data={"reason": "left_school"})
        assert forged.status_code == 403 and "Форма устарела" in forged.text
        foreign = browser.post(f"/registry/people/{stranger}/withdraw", data={"reason": "left_school", "csrf_token": token})
        assert foreign.status_code == 404
    assert any(p["full_name"] == "Иванова Анна Петровна" for p in people_of(live, "s1"))
    assert any(p["full_name"] == "Чужой Учитель" for p in people_of(live, "s2"))


# -- phones -----------------------------------------------------------------------------------


def test_the_people_list_and_the_import_report_fit_a_phone(live, tmp_path) -> None:
    path = tmp_path / "ошибки.csv"
    path.write_text(roster(["s1;T-201;педагог;Очень Длинная Фамилия Участника Проверки;сорок два года;;да;;",
                            "s1;P-201;обучающийся;Без Класса;;;да;законный представитель;Родитель"]), encoding="utf-8")
    driver = make_driver(size=PHONE)
    try:
        live.sign_in(driver, CURATOR)
        driver.get(live.url("/registry/people?status="))
        assert driver.find_elements(*by("#people tbody tr"))
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "people")
        driver.get(live.url("/registry/imports"))
        driver.find_element(*by("#f-file")).send_keys(str(path))
        go(driver, "#upload")
        assert eventually(lambda: driver.find_elements(*by("#import-errors")), timeout=20)
        time.sleep(0.2)
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "import-report")
    finally:
        driver.quit()


def test_without_javascript_the_curator_searches_and_withdraws_with_a_confirm_page(live) -> None:
    from selenium.webdriver.support.ui import Select

    with live.api(CURATOR) as api:
        api.post("/registry/api/v1/schools/s1/participants", json={
            "category": "teacher", "full_name": "Уходящий Учитель", "consent": CONSENT}).raise_for_status()
    driver = make_driver(javascript=False, size=DESKTOP)
    try:
        live.sign_in(driver, CURATOR)
        driver.get(live.url("/registry/people"))
        fill(driver, "#f-q", "уходящ")
        go(driver, "#find")  # the plain GET form
        assert "q=" in driver.current_url and text_of(driver, "#people-count") == "Найдено: 1"
        go(driver, "#people tbody a")
        Select(driver.find_element(*by("#f-reason"))).select_by_visible_text("отозвал согласие на обработку персональных данных")
        go(driver, "#withdraw")
        assert driver.find_element(*by("h1")).text == "Подтвердите выбытие"
        go(driver, "#confirm-withdraw")
        assert "Согласие отозвано" in driver.find_element(*by(".notice")).text
        assert "отозвал согласие" in driver.find_element(*by("#person-status")).text
    finally:
        driver.quit()
