"""The bank of practices in the browser, across the processes' events: a school's curator
describes a practice, is refused a ZIP named .pdf, attaches a PDF and submits it; the region
administrator takes it under review and publishes it; a mentor of another school finds it by form
and deficit area on a phone. The roadmap with an overdue item is seen at both widths."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll

SCHOOL, OTHER = "school-bank", "school-far"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера", sid="p-admin")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id=SCHOOL, name="Смирнова Анна", sid="p-cur")
MENTOR = Principal(sub="mentor", role="mentor", scope="school", scope_id=OTHER, name="Козлов Игорь", sid="p-mentor")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "Цифровое наставничество «Старт в IT»"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("practices")) as system:
        with system.api(ADMIN) as admin, system.api(CURATOR) as curator:
            for school, municipality, name in ((SCHOOL, "m1", "Школа № 3"), (OTHER, "m2", "Лицей № 1")):
                admin.post("/registry/api/v1/schools", json={"school_id": school, "name": name, "municipality_id": municipality,
                                                             "municipality_name": f"Район {municipality}"}).raise_for_status()
            curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
                "category": "teacher", "full_name": "Иванова Мария Петровна", "external_id": "t-1", "subjects": ["информатика"],
                "experience_years": 12, "consent": {"given_by": "self", "document": "согласие № 1"}}).raise_for_status()
            admin.post("/practices/api/v1/roadmap", json={
                "section": "II", "number": "5", "measure": "Формирование банка эффективных наставнических практик",
                "term": "ежегодно, ноябрь", "due_on": (clock.today() - timedelta(days=5)).isoformat(),
                "executors": "Институт развития образования", "document_type": "банк практик"}).raise_for_status()
            admin.post("/practices/api/v1/roadmap", json={
                "section": "II", "number": "6", "measure": "Региональный конкурс наставнических практик",
                "term": "апрель", "due_on": (clock.today() + timedelta(days=120)).isoformat(),
                "executors": "Министерство образования", "document_type": "приказ"}).raise_for_status()
        yield system


def test_a_practice_goes_from_a_school_through_review_to_a_mentor_of_another_school(live: LiveSystem, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    bad, good = tmp_path / "отчёт.pdf", tmp_path / "План встреч.pdf"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    good.write_bytes(PDF)
    driver = make_driver(size=DESKTOP)
    try:
        # the curator describes the practice
        live.sign_in(driver, CURATOR)
        driver.get(live.url("/practices/mine"))
        assert driver.find_element(By.CSS_SELECTOR, "nav.menu a[href='/practices/']").get_attribute("aria-current") == "page"
        click_to_next_page(driver, driver.find_element(By.ID, "new-practice"))

        def author_known():  # the practices service learns the school's people from the registry's events
            driver.get(live.url("/practices/mine/new"))
            return driver.find_elements(By.CSS_SELECTOR, "input[name=author_ids]")

        assert eventually(author_known, timeout=20), "the teacher never reached the practices service"
        click_to_next_page(driver, driver.find_element(By.ID, "save-practice"))  # nothing typed yet
        summary = driver.find_element(By.ID, "error-summary").text
        assert "Название: Заполните поле" in summary and "Описание практики: Заполните поле" in summary
        driver.find_element(By.ID, "f-title").send_keys(TITLE)
        Select(driver.find_element(By.ID, "f-form")).select_by_value("teacher_pupil")
        for selector in ("input[name=deficit_areas][value=ict_digital]", "input[name=school_levels][value=basic]",
                         "input[name=author_ids]"):
            driver.find_element(By.CSS_SELECTOR, selector).click()
        driver.find_element(By.ID, "f-description").send_keys("Учителя информатики ведут проектные группы учеников")
        driver.find_element(By.ID, "f-results").send_keys("12 проектов на региональном конкурсе")
        LiveSystem.screenshot(driver, "practices-form")
        click_to_next_page(driver, driver.find_element(By.ID, "save-practice"))
        assert driver.find_element(By.TAG_NAME, "h1").text == TITLE
        assert driver.find_element(By.ID, "status").text == "черновик"
        assert "Иванова Мария Петровна" in driver.find_element(By.ID, "authors").text

        driver.find_element(By.ID, "f-file").send_keys(str(bad))
        click_to_next_page(driver, driver.find_element(By.ID, "attach"))
        assert "не соответствует расширению .pdf" in driver.find_element(By.ID, "e-file").text
        assert not driver.find_elements(By.CSS_SELECTOR, "ul.files li")
        driver.find_element(By.ID, "f-file").send_keys(str(good))
        click_to_next_page(driver, driver.find_element(By.ID, "attach"))
        assert "План встреч.pdf" in driver.find_element(By.CSS_SELECTOR, "ul.files").text
        click_to_next_page(driver, driver.find_element(By.ID, "do-submit"))
        assert driver.find_element(By.ID, "status").text == "подана"
        assert not driver.find_elements(By.ID, "upload")  # submitted: no more changes
        practice_url = driver.current_url

        # the region administrator reviews and publishes it
        live.sign_in(driver, ADMIN)
        driver.get(live.url("/practices/review"))
        LiveSystem.screenshot(driver, "practices-review")
        click_to_next_page(driver, driver.find_element(By.LINK_TEXT, TITLE))
        click_to_next_page(driver, driver.find_element(By.ID, "do-take"))
        assert driver.find_element(By.ID, "status").text == "на экспертизе"
        click_to_next_page(driver, driver.find_element(By.ID, "do-return"))  # without the required comment
        assert "комментарий" in driver.find_element(By.ID, "error-summary").text.lower()
        click_to_next_page(driver, driver.find_element(By.ID, "do-publish"))
        assert driver.current_url.endswith("/practices/review")
        driver.get(practice_url)
        assert driver.find_element(By.ID, "status").text == "опубликована"
        assert "Смирнова Анна" in driver.find_element(By.ID, "history").text
        LiveSystem.screenshot(driver, "practices-practice")

        driver.get(live.url("/practices/roadmap"))
        overdue = driver.find_elements(By.CSS_SELECTOR, "#roadmap tr.attention")
        assert len(overdue) == 1 and "просрочено" in overdue[0].text and "банка эффективных" in overdue[0].text
        LiveSystem.screenshot(driver, "practices-roadmap")
    finally:
        driver.quit()

    # a mentor of another municipality finds it on a phone by form and deficit area
    phone = make_driver(size=PHONE)
    try:
        live.sign_in(phone, MENTOR)
        phone.get(live.url("/practices/"))
        Select(phone.find_element(By.ID, "f-form")).select_by_value("teacher_pupil")
        Select(phone.find_element(By.ID, "f-deficit_area")).select_by_value("ict_digital")
        click_to_next_page(phone, phone.find_element(By.ID, "find"))
        assert phone.find_element(By.ID, "found-count").text == "Найдено практик: 1"
        assert fits_without_sideways_scroll(phone)
        LiveSystem.screenshot(phone, "practices-search")
        click_to_next_page(phone, phone.find_element(By.LINK_TEXT, TITLE))
        link = phone.find_element(By.CSS_SELECTOR, "ul.files a")
        assert link.text == "План встреч.pdf" and link.get_attribute("download") is not None
        assert not phone.find_elements(By.CSS_SELECTOR, ".action-form")  # a mentor only reads
        assert fits_without_sideways_scroll(phone)
        LiveSystem.screenshot(phone, "practices-practice")
        phone.get(live.url("/practices/roadmap"))
        assert phone.find_element(By.TAG_NAME, "h1").text == "Доступ запрещён"  # the roadmap is the staff's
    finally:
        phone.quit()

    curator_phone = make_driver(size=PHONE)
    try:
        live.sign_in(curator_phone, CURATOR)
        curator_phone.get(live.url("/practices/roadmap"))
        assert curator_phone.find_elements(By.CSS_SELECTOR, "#roadmap tr.attention")
        assert fits_without_sideways_scroll(curator_phone)
        LiveSystem.screenshot(curator_phone, "practices-roadmap")
        curator_phone.get(live.url("/practices/mine/new"))
        assert fits_without_sideways_scroll(curator_phone)
        LiveSystem.screenshot(curator_phone, "practices-form")
    finally:
        curator_phone.quit()
