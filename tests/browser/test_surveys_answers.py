"""Reading answers as the people who run monitoring do: a school curator reads the school's
responses, one response with its free text, sees the summary hidden under MIN_GROUP responses
and shown above it, downloads the XLSX; a mentor gets 403, another school's response is a 404,
and every read leaves a row in the audit the region admin reads."""

from __future__ import annotations

from io import BytesIO

import httpx
from openpyxl import load_workbook

from shared.auth import Principal

from services.surveys.domain import BUILT_IN, MIN_GROUP
from tests.browser.live import LiveSystem, click_to_next_page, eventually
from tests.browser.test_surveys_pages import ADMIN, CURATOR_A, CURATOR_B, _cookies, driver, region  # noqa: F401 (fixtures)

SATISFACTION = BUILT_IN[("satisfaction_mentee", 2)]
GROWTH = BUILT_IN[("growth_measurement", 1)]


def _answers(instrument, text: str, scale: int = 7) -> dict:
    """Every item answered: a scale with `scale`, a choice with its first option, a free text with `text`."""
    out: dict = {}
    for item in instrument.items:
        if item.kind == "scale":
            out[item.code] = scale
        elif item.kind == "single":
            out[item.code] = item.options[0].code
        elif item.kind == "text":
            out[item.code] = text
    return out


def _submit(live: LiveSystem, school_id: str, name: str, role: str, instrument, answers: dict, stage: str | None = None) -> str:
    person = Principal(sub=live.arranged[school_id]["people"][name], role=role, scope="school", scope_id=school_id, name=name)
    body = {"instrument": {"code": instrument.code, "version": instrument.version}, "respondent_id": person.sub, "answers": answers}
    if stage:
        body["stage"] = stage
    response = live.api(person).post("/surveys/api/v1/responses", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _audit_rows(live: LiveSystem) -> list[str]:
    page = httpx.get(live.url("/surveys/answers/audit"), cookies=_cookies(ADMIN))
    assert page.status_code == 200
    return [line for line in page.text.split("<tr>")[2:] if CURATOR_A.sub in line]


def test_a_curator_reads_the_schools_answers(region, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    live = region
    anna = _submit(live, "sch-a", "Смирнова Анна Игоревна", "mentee", SATISFACTION, _answers(SATISFACTION, "Разбор уроков с наставником"))
    _submit(live, "sch-a", "Козлов Игорь Петрович", "mentee", SATISFACTION, _answers(SATISFACTION, "Поддержка в первый месяц", 9))
    audited = len(_audit_rows(live))

    live.sign_in(driver, CURATOR_A)
    driver.get(live.url("/registry/"))
    click_to_next_page(driver, driver.find_element(By.LINK_TEXT, "Ответы"))
    Select(driver.find_element(By.ID, "f-instrument")).select_by_visible_text(f"{SATISFACTION.title} · версия 2")
    click_to_next_page(driver, driver.find_element(By.ID, "show-answers"))
    assert "instrument=" in driver.current_url
    table = driver.find_element(By.ID, "answers")
    names = [td.text for td in table.find_elements(By.CSS_SELECTOR, "td[data-label='Участник']")]
    assert sorted(names) == ["Козлов Игорь Петрович", "Смирнова Анна Игоревна"]
    assert f"Меньше {MIN_GROUP} ответов — сводка не показывается" in driver.find_element(By.ID, "summary-hidden").text
    free = driver.find_element(By.ID, "free-texts").text
    assert "Разбор уроков с наставником" in free and "Поддержка в первый месяц" in free

    # The XLSX of what is listed: one row per response, Russian headers, one column per item.
    href = driver.find_element(By.ID, "export-xlsx").get_attribute("href")
    download = httpx.get(href, cookies=_cookies(CURATOR_A))
    assert download.status_code == 200, download.text
    sheet = load_workbook(BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Участник", "Роль", "Дата ответа", "Этап")
    assert SATISFACTION.items[0].text in rows[0]
    assert len(rows) == 3
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Козлов Игорь Петрович"][4] == 9
    assert "Поддержка в первый месяц" in by_name["Козлов Игорь Петрович"]

    # One response, every question with its answer, the free text included.
    click_to_next_page(driver, table.find_element(By.LINK_TEXT, "Смирнова Анна Игоревна"))
    assert anna in driver.current_url
    answers = driver.find_element(By.ID, "response-answers").text
    assert SATISFACTION.items[0].text in answers and "Разбор уроков с наставником" in answers

    # Three reads (the list, the export, the response), each in the admin's audit.
    assert eventually(lambda: len(_audit_rows(live)) >= audited + 3)
    rows_text = "".join(_audit_rows(live)[:3])
    assert "ответ" in rows_text and "выгрузка XLSX" in rows_text and "список ответов" in rows_text


def test_the_summary_shows_from_five_responses(region) -> None:
    live = region
    people = [("Смирнова Анна Игоревна", "mentee"), ("Козлов Игорь Петрович", "mentee"), ("Иванова Мария Сергеевна", "mentor")]
    for stage, scale in (("start", 4), ("end", 8)):
        for name, role in people:
            _submit(live, "sch-a", name, role, GROWTH, _answers(GROWTH, "", scale), stage)
    page = httpx.get(live.url("/surveys/answers"), params={"instrument": "growth_measurement:1"}, cookies=_cookies(CURATOR_A))
    assert page.status_code == 200
    assert 'id="summary"' in page.text and "summary-hidden" not in page.text
    scales = sum(1 for item in GROWTH.items if item.kind == "scale")
    assert page.text.count('data-label="Среднее" class="num">6</td>') == scales  # each item: the mean of three 4s and three 8s


def test_a_coordinator_chooses_a_school_and_reads_its_answers(region, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.browser.test_surveys_pages import COORDINATOR

    live = region
    _submit(live, "sch-a", "Козлов Игорь Петрович", "mentee", SATISFACTION, _answers(SATISFACTION, "Для координатора"))
    live.sign_in(driver, COORDINATOR)
    driver.get(live.url("/surveys/answers"))
    school = Select(driver.find_element(By.ID, "f-school_id"))
    assert [o.text for o in school.options][1:] == ["МБОУ СОШ № 7"]  # not the other municipality's school
    school.select_by_visible_text("МБОУ СОШ № 7")
    click_to_next_page(driver, driver.find_element(By.ID, "show-answers"))
    assert "school_id=sch-a" in driver.current_url
    Select(driver.find_element(By.ID, "f-instrument")).select_by_visible_text(f"{SATISFACTION.title} · версия 2")
    click_to_next_page(driver, driver.find_element(By.ID, "show-answers"))
    assert "instrument=" in driver.current_url
    assert "Для координатора" in driver.find_element(By.ID, "free-texts").text
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "#answers td a"))
    assert "/surveys/answers/" in driver.current_url
    click_to_next_page(driver, driver.find_element(By.ID, "back-to-answers"))
    assert "school_id=sch-a" in driver.current_url
    assert driver.find_element(By.ID, "answers").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert httpx.get(live.url("/surveys/answers"), params={"school_id": "sch-b"},
                     cookies=_cookies(COORDINATOR)).status_code == 404


def test_mentors_and_other_schools_read_nothing(region) -> None:
    live = region
    response_id = _submit(live, "sch-a", "Смирнова Анна Игоревна", "mentee", SATISFACTION, _answers(SATISFACTION, "Тайное"))
    mentor = Principal(sub=live.arranged["sch-a"]["people"]["Иванова Мария Сергеевна"], role="mentor", scope="school",
                       scope_id="sch-a", name="Иванова Мария Сергеевна")
    for path in ("/surveys/answers", f"/surveys/answers/{response_id}", "/surveys/answers.xlsx?instrument=satisfaction_mentee:2"):
        refused = httpx.get(live.url(path), cookies=_cookies(mentor))
        assert refused.status_code == 403, path
        assert "Тайное" not in refused.text
    other = httpx.get(live.url(f"/surveys/answers/{response_id}"), cookies=_cookies(CURATOR_B))
    assert other.status_code == 404 and "Тайное" not in other.text
    assert httpx.get(live.url("/surveys/answers/audit"), cookies=_cookies(CURATOR_A)).status_code == 403
    # A curator of another school sees only their own school's answers.
    listed = httpx.get(live.url("/surveys/answers"), params={"school_id": "sch-a", "instrument": "satisfaction_mentee:2"},
                       cookies=_cookies(CURATOR_B))
    assert listed.status_code == 200 and "Смирнова" not in listed.text


def test_a_curator_reads_one_campaigns_answers_from_its_page(region, driver) -> None:
    from selenium.webdriver.common.by import By

    from tests.browser.test_surveys_pages import _open_via_api

    live = region
    campaign_id = _open_via_api(live, CURATOR_A, programme_id=live.arranged["sch-a"]["programme_id"], title="Весенний опрос")
    name = "Козлов Игорь Петрович"
    person = Principal(sub=live.arranged["sch-a"]["people"][name], role="mentee", scope="school", scope_id="sch-a", name=name)
    response = live.api(person).post("/surveys/api/v1/responses", json={
        "instrument": {"code": "satisfaction_mentee", "version": 2}, "respondent_id": person.sub, "campaign_id": campaign_id,
        "answers": _answers(SATISFACTION, "Ответ в кампании")})
    assert response.status_code == 201, response.text
    live.sign_in(driver, CURATOR_A)
    driver.get(live.url(f"/surveys/campaigns/{campaign_id}"))
    click_to_next_page(driver, driver.find_element(By.ID, "read-answers"))
    assert "campaign_id=" in driver.current_url
    names = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#answers td[data-label='Участник']")]
    assert names == [name]  # only this campaign's response, not the school's earlier ones
    assert driver.find_element(By.ID, "free-texts").text.count("Ответ в кампании") == 2  # both free-text questions


def test_the_pages_fit_a_phone(region) -> None:
    from selenium.webdriver.common.by import By

    from tests.browser.conftest import make_driver
    from tests.browser.live import DESKTOP, PHONE, fits_without_sideways_scroll

    live = region
    for size in (DESKTOP, PHONE):
        browser = make_driver(size=size)
        try:
            live.sign_in(browser, CURATOR_A)
            browser.get(live.url("/surveys/answers?instrument=satisfaction_mentee:2"))
            LiveSystem.screenshot(browser, "answers")
            assert fits_without_sideways_scroll(browser), "answers"
            browser.get(browser.find_element(By.CSS_SELECTOR, "#answers td a").get_attribute("href"))
            LiveSystem.screenshot(browser, "answer")
            assert fits_without_sideways_scroll(browser), "answer"
            live.sign_in(browser, ADMIN)
            browser.get(live.url("/surveys/answers/audit"))
            assert browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
            LiveSystem.screenshot(browser, "answers-audit")
            assert fits_without_sideways_scroll(browser), "answers-audit"
        finally:
            browser.quit()


def test_a_coordinator_reads_the_municipalitys_schools_then_one_schools_pages(region, driver, monkeypatch) -> None:
    """The overview of the municipality: per school the count and the means (from MIN_GROUP
    responses), the free texts with their school; drill down to a school's list, its second page,
    one response; every read of personal answers in the audit."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from services.surveys import answers as answers_module
    from tests.browser.test_surveys_pages import COORDINATOR

    live = region
    for n in range(MIN_GROUP):
        name = ("Смирнова Анна Игоревна", "Козлов Игорь Петрович")[n % 2]
        _submit(live, "sch-a", name, "mentee", SATISFACTION, _answers(SATISFACTION, f"Отзыв для района {n}", 8))
    monkeypatch.setattr(answers_module, "PAGE_SIZE", 2)
    live.sign_in(driver, COORDINATOR)
    driver.get(live.url("/registry/"))
    click_to_next_page(driver, driver.find_element(By.LINK_TEXT, "Ответы"))
    assert "Северный район" in driver.find_element(By.TAG_NAME, "h1").text
    Select(driver.find_element(By.ID, "f-instrument")).select_by_visible_text(f"{SATISFACTION.title} · версия 2")
    click_to_next_page(driver, driver.find_element(By.ID, "show-answers"))
    schools = driver.find_element(By.ID, "schools")
    rows = schools.find_elements(By.CSS_SELECTOR, "tbody tr[data-school-id]")
    assert [r.get_attribute("data-school-id") for r in rows] == ["sch-a"]  # not the other municipality's school
    cells = [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert int(cells[1]) >= MIN_GROUP and cells[2] != "" and "меньше" not in cells[2]
    assert "Отзыв для района 0" in driver.find_element(By.ID, "free-texts").text
    assert "МБОУ СОШ № 7" in driver.find_element(By.ID, "free-texts").text

    # drill down: the school's list, paged; the second page, then one response
    click_to_next_page(driver, rows[0].find_element(By.TAG_NAME, "a"))
    assert "school_id=sch-a" in driver.current_url
    pager = driver.find_element(By.ID, "pager")
    assert "Показаны 1–2 из" in pager.text and "страница 1 из" in pager.text
    first_page = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#answers td a")]
    click_to_next_page(driver, pager.find_element(By.LINK_TEXT, "Следующие"))
    assert "page=2" in driver.current_url and "Показаны 3–4 из" in driver.find_element(By.ID, "pager").text
    assert len(driver.find_elements(By.CSS_SELECTOR, "#answers tbody tr")) == 2
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "#answers td a"))
    assert "/surveys/answers/" in driver.current_url and driver.find_element(By.ID, "response-answers").text
    assert first_page  # the first page listed people too

    # the municipality's export: the school named in the first column
    export = httpx.get(live.url("/surveys/answers.xlsx"), params={"instrument": "satisfaction_mentee:2"},
                       cookies=_cookies(COORDINATOR))
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:2] == ("Школа", "Участник") and {r[0] for r in table[1:]} == {"МБОУ СОШ № 7"}

    audit = httpx.get(live.url("/surveys/answers/audit"), cookies=_cookies(ADMIN)).text
    coordinator_reads = [line for line in audit.split("<tr>")[2:] if COORDINATOR.sub in line]
    assert any("сводка по школам" in r for r in coordinator_reads) and any("выгрузка XLSX" in r for r in coordinator_reads)
    assert any("список ответов" in r for r in coordinator_reads) and any(">ответ<" in r or "ответ" in r for r in coordinator_reads)
