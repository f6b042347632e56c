"""The surveys pages as their people use them: a school curator opens a campaign for the
programme's mentees, reads who was invited and who answered, reminds and closes it; a mentee
fills the questionnaire from «Мои анкеты» and reads their growth; a municipal coordinator opens a
municipal campaign; the region admin sees the region's campaigns. And the scope: another school's
or municipality's campaign is a Russian 404, a form posted without its CSRF token a 403."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.formatting import day
from shared.web import issue_session

from services.surveys.domain import BUILT_IN
from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll
from tests.conftest import SECRET

REGION = "demo-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
CURATOR_A = Principal(sub="curator-a", role="school_curator", scope="school", scope_id="sch-a", name="Белова Ольга")
CURATOR_B = Principal(sub="curator-b", role="school_curator", scope="school", scope_id="sch-b", name="Титов Павел")
COORDINATOR = Principal(sub="coord-north", role="municipal_coordinator", scope="municipality", scope_id="mun-north",
                        name="Гусева Лидия")
OTHER_COORDINATOR = Principal(sub="coord-river", role="municipal_coordinator", scope="municipality", scope_id="mun-river",
                              name="Зайцев Олег")


def answered_today() -> str:
    """Today as the pages show a moment: in the region's time (Moscow), which is already tomorrow
    after 21:00 UTC."""
    return day(datetime.now(UTC))
RATINGS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
SCHOOLS = [("sch-a", "МБОУ СОШ № 7", "mun-north", "Северный район"), ("sch-b", "МБОУ Гимназия № 3", "mun-river", "Приречный округ")]
# school → (name, category, role)
PEOPLE = {
    "sch-a": [("Смирнова Анна Игоревна", "teacher", "mentee"), ("Козлов Игорь Петрович", "teacher", "mentee"),
              ("Иванова Мария Сергеевна", "teacher", "mentor")],
    "sch-b": [("Фёдоров Глеб Андреевич", "teacher", "mentee")],
}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """Two schools in two municipalities, with people enrolled in a programme each, known to surveys."""
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("surveys-pages"), region_id=REGION) as live:
        admin = live.api(ADMIN)
        arranged: dict[str, dict] = {}
        for school_id, name, municipality_id, municipality_name in SCHOOLS:
            response = admin.post("/registry/api/v1/schools", json={
                "school_id": school_id, "name": name, "municipality_id": municipality_id, "municipality_name": municipality_name})
            assert response.status_code == 201, response.text
            curator = live.api(CURATOR_A if school_id == "sch-a" else CURATOR_B)
            people = {}
            for n, (full_name, category, _role) in enumerate(PEOPLE[school_id]):
                person = curator.post(f"/registry/api/v1/schools/{school_id}/participants", json={
                    "category": category, "full_name": full_name, "external_id": f"{school_id}-{n}", "subjects": [],
                    "experience_years": 3, "birth_year": 1990, "consent": {"given_by": "self", "document": f"согласие {n}"}})
                assert person.status_code == 201, person.text
                people[full_name] = person.json()["id"]
            programme = curator.post(f"/registry/api/v1/schools/{school_id}/programmes", json={
                "title": "Программа «Вместе»", "academic_year": _year(), "forms": ["teacher_teacher"]})
            assert programme.status_code == 201, programme.text
            programme_id = programme.json()["id"]
            for full_name, _category, role in PEOPLE[school_id]:
                enrolled = curator.post(f"/registry/api/v1/programmes/{programme_id}/enrolments", json={
                    "participant_id": people[full_name], "role": role, "capacity": 2 if role == "mentor" else None})
                assert enrolled.status_code in (200, 201), enrolled.text
            arranged[school_id] = {"programme_id": programme_id, "people": people}
        for school_id, principal, mentees in (("sch-a", CURATOR_A, 2), ("sch-b", CURATOR_B, 1)):
            programme_id = arranged[school_id]["programme_id"]
            assert eventually(lambda: f'id="audience-count">{mentees}<' in _audience(live, principal, programme_id), timeout=20), \
                "surveys did not learn the programme's people"
        live.arranged = arranged  # type: ignore[attr-defined]
        yield live


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def _year() -> str:
    start = clock.today().year if clock.today().month >= 9 else clock.today().year - 1
    return f"{start}/{start + 1}"


def _cookies(principal: Principal) -> dict[str, str]:
    return {COOKIE_NAME: issue_session(SECRET, principal)}


def _audience(live: LiveSystem, principal: Principal, programme_id: str) -> str:
    params = {"instrument": "satisfaction_mentee:2", "programme_id": programme_id, "role": "mentee",
              "opens_on": f"{clock.today():%d.%m.%Y}", "closes_on": f"{clock.today() + timedelta(days=7):%d.%m.%Y}"}
    return httpx.get(live.url("/surveys/campaigns/audience"), params=params, cookies=_cookies(principal)).text


def _mentee(live: LiveSystem, name: str, school_id: str = "sch-a") -> Principal:
    return Principal(sub=live.arranged[school_id]["people"][name], role="mentee",
                     scope="school", scope_id=school_id, name=name)


def _select(driver, field: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, f"f-{field}")).select_by_visible_text(text)


def _type(driver, field: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, f"f-{field}")
    element.clear()
    element.send_keys(text)


def _notice(driver, after: str) -> str:
    """The notice of the page a form post redirected to (its URL has `after`), not of the page before."""
    from selenium.webdriver.common.by import By

    assert eventually(lambda: after in driver.current_url), driver.current_url
    return driver.find_element(By.CSS_SELECTOR, ".notice").text


def _open_via_api(live: LiveSystem, principal: Principal, **body) -> str:
    response = live.api(principal).post("/surveys/api/v1/campaigns", json={
        "instrument": {"code": "satisfaction_mentee", "version": 2}, "role": "mentee",
        "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=5)).isoformat(), **body})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_curator_runs_a_campaign_and_a_mentee_answers_it(region, driver) -> None:
    from selenium.webdriver.common.by import By

    live = region
    live.sign_in(driver, CURATOR_A)
    driver.get(live.url("/surveys/campaigns"))
    click_to_next_page(driver, driver.find_element(By.ID, "new-campaign"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Новое анкетирование"
    _select(driver, "instrument", "Анкета удовлетворённости (наставляемого) · версия 2")
    _select(driver, "programme_id", f"Программа «Вместе» ({_year()})")
    _select(driver, "role", "наставляемые")
    assert eventually(lambda: driver.find_element(By.ID, "audience").text.startswith("Анкету получат: 2"))
    _type(driver, "opens_on", f"{clock.today() + timedelta(days=3):%d.%m.%Y}")
    _type(driver, "closes_on", f"{clock.today():%d.%m.%Y}")
    driver.find_element(By.ID, "open-campaign").click()

    summary = driver.find_element(By.ID, "error-summary")  # the window ends before it starts
    assert "Дата окончания: не может быть раньше даты начала" in summary.text
    summary.find_element(By.TAG_NAME, "a").click()  # the summary leads to the field
    assert driver.current_url.endswith("#f-closes_on")
    assert "не может быть раньше даты начала" in driver.find_element(By.ID, "e-closes_on").text
    assert driver.find_element(By.ID, "f-role").get_attribute("value") == "mentee"  # kept
    LiveSystem.screenshot(driver, "campaign-new-error")
    _type(driver, "opens_on", f"{clock.today():%d.%m.%Y}")
    _type(driver, "closes_on", f"{clock.today() + timedelta(days=5):%d.%m.%Y}")
    driver.find_element(By.ID, "open-campaign").click()

    assert "Анкетирование открыто: приглашено 2 чел." in _notice(driver, "opened=")
    campaign_url = driver.current_url.split("?")[0]
    names = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#invitees td[data-label='Участник']")]
    assert sorted(names) == ["Козлов Игорь Петрович", "Смирнова Анна Игоревна"]
    assert driver.find_element(By.ID, "rate").text.replace("\u00a0", " ") == "0 %"
    assert f"{clock.today():%d.%m.%Y} – {clock.today() + timedelta(days=5):%d.%m.%Y}" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    # a curator can hand a personal link to someone without e-mail
    driver.find_element(By.CSS_SELECTOR, "details.personal-link summary").click()
    link = driver.find_element(By.CSS_SELECTOR, "details.personal-link input").get_attribute("value")
    assert "/surveys/form/" in link
    LiveSystem.screenshot(driver, "campaign")

    # the mentee fills it from «Мои анкеты»
    mentee = _mentee(live, "Смирнова Анна Игоревна")
    live.sign_in(driver, mentee)
    driver.get(live.url("/registry/static/favicon.svg"))
    todo = httpx.get(live.url("/surveys/todo"), cookies=_cookies(mentee)).text
    assert "Заполнить анкету «Анкета удовлетворённости (наставляемого)»" in todo and "/surveys/form/" in todo
    driver.get(live.url("/surveys/my"))
    assert "Анкета удовлетворённости (наставляемого)" in driver.find_element(By.ID, "open-questionnaires").text
    driver.find_element(By.LINK_TEXT, "Заполнить").click()
    for item, value in RATINGS.items():
        driver.find_element(By.CSS_SELECTOR, f"label[for='f-{item}-{value}']").click()
    for item, value in (("liked_participating", "yes"), ("want_to_continue", "yes"), ("want_to_mentor", "no")):
        driver.find_element(By.CSS_SELECTOR, f"label[for='f-{item}-{value}']").click()
    driver.find_element(By.XPATH, "//button[normalize-space()='Отправить ответы']").click()
    assert "Спасибо! Ваши ответы приняты." in driver.find_element(By.ID, "confirmation").text
    driver.get(live.url("/surveys/my"))
    assert f"ответ отправлен {answered_today()}" in driver.find_element(By.ID, "other-questionnaires").text
    assert not driver.find_elements(By.ID, "open-questionnaires")
    LiveSystem.screenshot(driver, "my-questionnaires")

    # the curator sees who answered and the rate, reminds the other one, closes the campaign
    live.sign_in(driver, CURATOR_A)
    driver.get(campaign_url)
    rows = {tr.find_element(By.CSS_SELECTOR, "td[data-label='Участник']").text: tr.text
            for tr in driver.find_elements(By.CSS_SELECTOR, "#invitees tbody tr")}
    assert "ответил" in rows["Смирнова Анна Игоревна"] and answered_today() in rows["Смирнова Анна Игоревна"]
    assert "не ответил" in rows["Козлов Игорь Петрович"]
    assert driver.find_element(By.ID, "rate").text.replace("\u00a0", " ") == "50 %"
    assert driver.find_element(By.ID, "responded").text == "1"
    click_to_next_page(driver, driver.find_element(By.LINK_TEXT, "не ответили"))  # who is still to answer
    assert "show=pending" in driver.current_url
    assert [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#invitees td[data-label='Участник']")] == ["Козлов Игорь Петрович"]
    todo = httpx.get(live.url("/surveys/todo"), cookies=_cookies(CURATOR_A)).text
    assert "закрывается" in todo and "ответили 50" in todo
    remind = driver.find_element(By.ID, "remind")
    assert remind.text == "Напомнить не ответившим (1)"
    remind.click()
    assert "Напоминания отправлены: 1 чел." in _notice(driver, "reminded=")
    driver.find_element(By.CSS_SELECTOR, "#close-confirm summary").click()  # inline confirm
    close = driver.find_element(By.ID, "close")
    assert close.is_displayed() and "1 чел. так и не ответят" in driver.find_element(By.ID, "close-confirm").text
    close.click()
    assert "Анкетирование закрыто" in _notice(driver, "closed=1")
    assert driver.find_element(By.ID, "campaign-status").text == "закрыто"
    assert not driver.find_elements(By.ID, "remind")
    driver.get(live.url("/surveys/campaigns"))
    assert "закрыто" in driver.find_element(By.ID, "campaigns").text and "1 из 2 (50" in driver.find_element(By.ID, "campaigns").text


def test_a_coordinator_opens_a_municipal_campaign_and_the_region_sees_them_all(region, driver) -> None:
    from selenium.webdriver.common.by import By

    live = region
    school_b = _open_via_api(live, CURATOR_B, title="Опрос гимназии")
    live.sign_in(driver, COORDINATOR)
    driver.get(live.url("/surveys/campaigns/new"))
    _select(driver, "where", "все школы муниципалитета")
    _select(driver, "instrument", "Анкета удовлетворённости (наставляемого) · версия 2")
    _type(driver, "title", "Удовлетворённость: Северный район")
    _select(driver, "role", "наставляемые")
    driver.find_element(By.ID, "open-campaign").click()
    assert "приглашено 2 чел." in _notice(driver, "opened=")
    assert "все школы: Северный район" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    schools = {td.text for td in driver.find_elements(By.CSS_SELECTOR, "#invitees td[data-label='Школа']")}
    assert schools == {"МБОУ СОШ № 7"}
    municipal_url = driver.current_url.split("?")[0]
    driver.get(live.url("/surveys/campaigns"))
    listed = driver.find_element(By.ID, "campaigns").text
    assert "Удовлетворённость: Северный район" in listed and "Опрос гимназии" not in listed
    driver.get(live.url(f"/surveys/campaigns/{school_b}"))  # another municipality's school
    assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"

    live.sign_in(driver, OTHER_COORDINATOR)
    driver.get(municipal_url)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"

    live.sign_in(driver, ADMIN)
    driver.get(live.url("/surveys/campaigns"))
    listed = driver.find_element(By.ID, "campaigns").text
    assert "Удовлетворённость: Северный район" in listed and "Опрос гимназии" in listed and "МБОУ Гимназия № 3" in listed
    LiveSystem.screenshot(driver, "campaigns-region")


def test_a_mentee_reads_their_growth(region, driver) -> None:
    from selenium.webdriver.common.by import By

    live = region
    mentee = _mentee(live, "Козлов Игорь Петрович")
    live.sign_in(driver, mentee)
    driver.get(live.url("/surveys/my/growth"))
    assert "Данных пока нет" in driver.find_element(By.ID, "no-growth").text
    instrument = BUILT_IN[("growth_measurement", 1)]
    api = live.api(mentee)
    for stage, value in (("start", 2), ("end", 4)):
        answers = {item.code: value for item in instrument.items}  # every item a 1–10 scale
        response = api.post("/surveys/api/v1/responses", json={
            "instrument": {"code": "growth_measurement", "version": 1}, "respondent_id": mentee.sub, "stage": stage,
            "answers": answers})
        assert response.status_code == 201, response.text
    driver.get(live.url("/surveys/my/growth"))
    table = driver.find_element(By.ID, "growth")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(instrument.scales)
    assert all("+" in row.find_element(By.CSS_SELECTOR, "td[data-label='Изменение']").text for row in rows)
    assert not driver.find_elements(By.ID, "no-growth")
    driver.set_window_size(*PHONE)
    assert fits_without_sideways_scroll(driver)
    LiveSystem.screenshot(driver, "growth")


def test_scope_csrf_and_a_phone(region, driver) -> None:
    from selenium.webdriver.common.by import By

    live = region
    other = _open_via_api(live, CURATOR_B, title="Чужой опрос")
    live.sign_in(driver, CURATOR_A)
    driver.get(live.url(f"/surveys/campaigns/{other}"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"
    assert "Чужой опрос" not in driver.page_source
    # a forged form (no CSRF token) is refused, and changes nothing
    forged = httpx.post(live.url(f"/surveys/campaigns/{other}/close"), cookies=_cookies(CURATOR_B), data={})
    assert forged.status_code == 403 and "Форма устарела" in forged.text
    assert live.api(CURATOR_B).get(f"/surveys/api/v1/campaigns/{other}").json()["status"] == "open"
    # another school's curator cannot close it even with their own token
    live.sign_in(driver, CURATOR_B)
    driver.set_window_size(*PHONE)
    driver.get(live.url(f"/surveys/campaigns/{other}"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Чужой опрос"
    assert fits_without_sideways_scroll(driver)
    LiveSystem.screenshot(driver, "campaign")
    driver.get(live.url("/surveys/campaigns/new"))
    assert fits_without_sideways_scroll(driver)
    LiveSystem.screenshot(driver, "campaign-new")
    driver.get(live.url("/surveys/campaigns"))
    assert fits_without_sideways_scroll(driver)
    LiveSystem.screenshot(driver, "campaigns")


def test_without_javascript_a_curator_opens_reminds_and_closes(region) -> None:
    """Plain form posts: the form, the reminder and the inline confirm (<details>) need no script."""
    from selenium.webdriver.common.by import By

    live = region
    driver = make_driver(javascript=False, size=DESKTOP)
    try:
        live.sign_in(driver, CURATOR_A)
        driver.get(live.url("/surveys/campaigns/new"))
        _select(driver, "instrument", "Анкета удовлетворённости (наставника) · версия 2")
        _select(driver, "role", "наставники")
        _type(driver, "title", "Без скриптов")
        _type(driver, "closes_on", "31.02.2027")
        driver.find_element(By.ID, "open-campaign").click()
        assert "в виде дд.мм.гггг" in driver.find_element(By.ID, "e-closes_on").text
        assert driver.find_element(By.ID, "f-title").get_attribute("value") == "Без скриптов"
        _type(driver, "closes_on", f"{clock.today() + timedelta(days=2):%d.%m.%Y}")
        driver.find_element(By.ID, "open-campaign").click()
        assert "приглашено 1 чел." in _notice(driver, "opened=")
        assert [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#invitees td[data-label='Участник']")] == [
            "Иванова Мария Сергеевна"]
        driver.find_element(By.ID, "remind").click()
        assert "Напоминания отправлены: 1 чел." in _notice(driver, "reminded=")
        driver.find_element(By.CSS_SELECTOR, "#close-confirm summary").click()
        driver.find_element(By.ID, "close").click()
        assert "Анкетирование закрыто" in _notice(driver, "closed=1")
        assert driver.find_element(By.ID, "campaign-status").text == "закрыто"
    finally:
        driver.quit()
