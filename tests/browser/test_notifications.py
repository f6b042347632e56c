"""The mails as the region administrator meets them in the embedded mode (no mail server: the
mails are in the data folder): a curator invites a teacher whose address the school recorded
and opens a questionnaire for her; the administrator opens «Письма», sees both mails with their
links, and the invitation's link works for the teacher. Other roles get a Russian 403 page."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.web import csrf_token, issue_session

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, eventually, fits_without_sideways_scroll
from tests.conftest import SECRET

SCHOOL = "school-mail"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера", sid="b-admin")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id=SCHOOL, name="Смирнова Анна", sid="b-curator")
ADDRESS = "ivanova@school-mail.ru"


def arrange(live: LiveSystem) -> None:
    """Through the public APIs and the curator's invitation form, as the school would."""
    with live.api(ADMIN) as admin, live.api(CURATOR) as curator:
        admin.post("/registry/api/v1/schools", json={"school_id": SCHOOL, "name": "Школа № 7", "municipality_id": "m1",
                                                     "municipality_name": "Северный район"}).raise_for_status()
        person = curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
            "category": "teacher", "full_name": "Иванова Мария Петровна", "external_id": "t-1", "subjects": ["физика"],
            "experience_years": 15, "consent": {"given_by": "self", "document": "согласие № 1", "contact_email": ADDRESS,
                                                "contact_email_consent": True}})
        person.raise_for_status()
        person_id = person.json()["id"]
        programme = curator.post(f"/registry/api/v1/schools/{SCHOOL}/programmes", json={
            "title": "Программа «Вместе»", "academic_year": academic_year_of(clock.today()), "forms": ["teacher_teacher"]})
        programme.raise_for_status()
        curator.post(f"/registry/api/v1/programmes/{programme.json()['id']}/enrolments",
                     json={"participant_id": person_id, "role": "mentor", "capacity": 2}).raise_for_status()
        token = csrf_token(SECRET, CURATOR)
        invited = httpx.post(live.url(f"/registry/accounts/people/{person_id}/invite"), data={"csrf_token": token},
                             cookies={"nastavnik_session": issue_session(SECRET, CURATOR)}, timeout=30)
        assert invited.status_code in (200, 303), invited.text

        def campaign_opened() -> bool:  # surveys learns of the teacher from the registry's events
            response = curator.post("/surveys/api/v1/campaigns", json={
                "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "respondent_ids": [person_id], "stage": "start",
                "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=14)).isoformat()})
            return response.status_code == 201

        assert eventually(campaign_opened), "surveys never knew the teacher"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("notifications")) as system:
        system.services["notifications"].service.public_url = system.base  # links that open this very system
        arrange(system)
        yield system


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def mail_rows(live: LiveSystem, driver):
    from selenium.webdriver.common.by import By

    def rows():
        driver.get(live.url("/notifications/mail"))
        found = driver.find_elements(By.CSS_SELECTOR, "#mails tbody tr")
        return found if len(found) == 2 and "отправлено" in found[0].text and "отправлено" in found[1].text else None

    return eventually(rows, timeout=20)


def test_the_admin_sees_the_invitation_mail_and_its_link_works(live: LiveSystem, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, ADMIN)
    rows = mail_rows(live, driver)
    assert rows, driver.find_element(By.TAG_NAME, "main").text
    assert "Сервер почты не настроен" in driver.find_element(By.ID, "mail-folder").text
    by_kind = {row.get_attribute("data-kind"): row for row in rows}
    invitation = by_kind["invitation"]
    assert ADDRESS in invitation.text and "Приглашение в систему «Наставник»" in invitation.text
    link = invitation.find_element(By.CSS_SELECTOR, ".mail-link a").get_attribute("href")
    assert link.startswith(live.url("/registry/invite/"))
    questionnaire = by_kind["questionnaire"]
    assert "Анкета: Самодиагностика профессиональных дефицитов педагога" in questionnaire.text
    assert questionnaire.find_element(By.CSS_SELECTOR, ".mail-link a").get_attribute("href").startswith(live.url("/surveys/form/"))

    questionnaire.find_element(By.CSS_SELECTOR, "details.mail-text summary").click()
    text = questionnaire.find_element(By.CSS_SELECTOR, "details.mail-text pre").text
    assert "Ответить можно до " + (clock.today() + timedelta(days=14)).strftime("%d.%m.%Y") in text
    assert fits_without_sideways_scroll(driver), "the mail's text widens the page"
    assert driver.find_element(By.CSS_SELECTOR, "nav.menu a[href='/notifications/mail']").get_attribute("aria-current") == "page"
    LiveSystem.screenshot(driver, "mail")

    # the teacher, not signed in, opens the link from her mail: the page to set her password
    driver.delete_all_cookies()
    driver.get(link)
    assert driver.find_elements(By.CSS_SELECTOR, "input[type=password]"), driver.find_element(By.TAG_NAME, "main").text


def test_the_mail_page_fits_a_phone(live: LiveSystem) -> None:
    from selenium.webdriver.common.by import By

    driver = make_driver(size=PHONE)
    try:
        live.sign_in(driver, ADMIN)
        assert mail_rows(live, driver)
        assert fits_without_sideways_scroll(driver)
        assert driver.find_element(By.CSS_SELECTOR, "#mails td[data-label='Тема']").is_displayed()
        LiveSystem.screenshot(driver, "mail")
    finally:
        driver.quit()


def test_only_the_region_admin_sees_the_mails(live: LiveSystem, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/notifications/mail"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Доступ запрещён"
    assert ADDRESS not in driver.page_source
    # a forged retry (no CSRF token), even with the administrator's session, changes nothing
    forged = httpx.post(live.url("/notifications/mail/any/retry"), cookies={"nastavnik_session": issue_session(SECRET, ADMIN)})
    assert forged.status_code == 403


def test_the_demo_home_page_leads_a_newcomer_to_the_mails(tmp_path) -> None:
    """`nastavnik run --demo`: the demo staff's invitations are in the mail folder, and the
    administrator's home page links to them."""
    from selenium.webdriver.common.by import By

    require_chromium()
    with LiveSystem(tmp_path, demo=True) as demo:
        driver = make_driver(size=DESKTOP)
        try:
            demo.sign_in(driver, ADMIN)
            driver.get(demo.url("/registry/"))
            link = driver.find_element(By.ID, "demo-mail")  # loaded by htmx into the home page's to-do
            assert link.text.startswith("Письма, которые отправила бы система:")
            LiveSystem.screenshot(driver, "demo-home")
            link.click()
            rows = eventually(lambda: driver.find_elements(By.CSS_SELECTOR, "#mails tbody tr[data-kind=invitation]"))
            assert any("admin@demo.nastavnik" in row.text for row in rows), driver.find_element(By.TAG_NAME, "main").text
        finally:
            driver.quit()
