"""A mail the server refuses, as the region administrator meets it (a real SMTP server,
aiosmtpd, that knows no such mailbox): the home page says a mail could not be delivered, the
mail page shows why; after the school corrects the address, «Отправить снова» delivers it."""

from __future__ import annotations

from datetime import timedelta

from shared import clock
from shared.auth import Principal

from nastavnik.processes import free_port
from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, LiveSystem, eventually, fits_without_sideways_scroll
from tests.integration.test_notifications_smtp import Mailbox, SmtpServer

SCHOOL = "school-bounce"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера", sid="bb-admin")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id=SCHOOL, sid="bb-curator")
WRONG, RIGHT = "petrova@shcool.ru", "petrova@school.ru"


def test_the_admin_sees_a_bounced_mail_and_sends_it_again(tmp_path) -> None:
    from selenium.webdriver.common.by import By

    require_chromium()
    smtp = SmtpServer(Mailbox({WRONG}), free_port())
    smtp.start()
    try:
        with LiveSystem(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout=2) as live:
            with live.api(ADMIN) as admin, live.api(CURATOR) as curator:
                admin.post("/registry/api/v1/schools", json={"school_id": SCHOOL, "name": "Школа № 3", "municipality_id": "m1",
                                                             "municipality_name": "Северный район"}).raise_for_status()
                person = curator.post(f"/registry/api/v1/schools/{SCHOOL}/participants", json={
                    "category": "teacher", "full_name": "Петрова Анна Сергеевна", "external_id": "t-9", "experience_years": 3,
                    "consent": {"given_by": "self", "contact_email": WRONG, "contact_email_consent": True}})
                person.raise_for_status()
                person_id = person.json()["id"]
                assert eventually(lambda: curator.post("/surveys/api/v1/campaigns", json={
                    "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "respondent_ids": [person_id], "stage": "start",
                    "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=7)).isoformat(),
                }).status_code == 201)
                assert eventually(lambda: smtp.mailbox.refused == [WRONG]), "the server was never asked"

                driver = make_driver(size=DESKTOP)
                try:
                    live.sign_in(driver, ADMIN)
                    driver.get(live.url("/registry/"))
                    task = driver.find_element(By.CSS_SELECTOR, "#notifications-todo a")
                    assert task.text == "Письма, которые не удалось доставить: 1"
                    task.click()
                    row = driver.find_element(By.CSS_SELECTOR, "#mails tbody tr.attention")
                    assert WRONG in row.text and "не доставлено" in row.text and "550" in row.text
                    assert "сами они больше не отправляются" in driver.find_element(By.TAG_NAME, "main").text
                    assert not row.find_elements(By.CSS_SELECTOR, ".mail-link"), "links are shown with a real mail server"
                    assert fits_without_sideways_scroll(driver)
                    LiveSystem.screenshot(driver, "mail-bounced")

                    # the school corrects the address (a new consent record with it)
                    curator.post(f"/registry/api/v1/participants/{person_id}/consent", json={
                        "given_by": "self", "contact_email": RIGHT, "contact_email_consent": True}).raise_for_status()
                    assert eventually(lambda: _contact_updates(live) == 2), "notifications never learnt the new address"
                    driver.get(live.url("/notifications/mail?status=bounced"))
                    driver.find_element(By.CSS_SELECTOR, "#mails tbody tr.attention button").click()
                    assert eventually(lambda: [to for to, _ in smtp.mailbox.messages] == [[RIGHT]], timeout=15), (
                        driver.current_url, driver.find_element(By.TAG_NAME, "main").text, smtp.mailbox.refused)
                    driver.get(live.url("/notifications/mail"))
                    row = driver.find_element(By.CSS_SELECTOR, "#mails tbody tr")
                    assert RIGHT in row.text and "отправлено" in row.text, row.text
                    assert not driver.find_elements(By.CSS_SELECTOR, "#notifications-todo")
                finally:
                    driver.quit()
    finally:
        smtp.stop()


def _contact_updates(live: LiveSystem) -> float:
    """How many contact events notifications has applied (its own metrics, as operators see them)."""
    import httpx

    metrics = httpx.get(live.url("/notifications/metrics")).text
    prefix = 'nastavnik_events_consumed_total{event_type="registry.contact.updated.v1"} '
    return next((float(line.removeprefix(prefix)) for line in metrics.splitlines() if line.startswith(prefix)), 0.0)
