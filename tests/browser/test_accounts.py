"""Accounts as people meet them, in headless Chromium: a curator invites a teacher, the teacher
comes in by the link, sets a password, finds the home page, signs out and in again; a wrong
password; a password reset by link; the region admin appoints a municipal coordinator and
invites them; the curator prints the invitation letters (PDF, a page per person)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, eventually, fits_without_sideways_scroll

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера")
CURATOR = Principal(sub="curator-s1", role="school_curator", scope="school", scope_id="s1", name="Попов Сергей")
PASSWORD = "весенний-ручей-7"
TEACHERS = (  # (name, e-mail or None, enrolled as)
    ("Иванова Анна Петровна", "ivanova@school1.example", "mentor"),
    ("Смирнов Илья Олегович", None, "mentee"),
    ("Кузнецова Мария Игоревна", None, "mentee"),
    ("Попова Ольга Сергеевна", None, None),  # not enrolled: may not sign in, gets no letter
)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("accounts")) as system:
        with system.api(ADMIN) as admin:
            for school in ("s1", "s2"):
                r = admin.post("/registry/api/v1/schools", json={"school_id": school, "name": f"МБОУ СОШ № {school[1]}",
                                                                 "municipality_id": "m-north", "municipality_name": "Северный район"})
                assert r.status_code == 201, r.text
        with system.api(CURATOR) as curator:
            programme = curator.post("/registry/api/v1/schools/s1/programmes", json={
                "title": "Вместе", "academic_year": "2026/2027", "forms": ["teacher_teacher"]}).json()["id"]
            system.people = {}
            for name, email, role in TEACHERS:
                consent = {"given_by": "self", **({"contact_email": email, "contact_email_consent": True} if email else {})}
                person = curator.post("/registry/api/v1/schools/s1/participants", json={
                    "category": "teacher", "full_name": name, "consent": consent}).json()
                system.people[name] = person["id"]
                if role:
                    r = curator.post(f"/registry/api/v1/programmes/{programme}/enrolments", json={
                        "participant_id": person["id"], "role": role, "capacity": 2 if role == "mentor" else None})
                    assert r.status_code == 201, r.text
        yield system


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def links_issued(live: LiveSystem, purpose: str) -> list[dict]:
    """The registry.account.link_issued.v1 events in the registry's outbox (what the mailer gets)."""
    with sqlite3.connect(Path(live.settings.data_dir) / "registry.db") as db:
        rows = db.execute("SELECT body FROM outbox WHERE event_type = 'registry.account.link_issued.v1' ORDER BY created_at").fetchall()
    return [d for d in (json.loads(body)["data"] for (body,) in rows) if d["purpose"] == purpose]


def row_of(driver, table_id: str, text: str):
    from selenium.webdriver.common.by import By

    for row in driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr"):
        if text in row.text:
            return row
    raise AssertionError(f"no row with {text!r} in #{table_id}")


def submit(driver, button) -> None:
    """Click a submit button and wait for the next page (a form post returns before it loads)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_driver) -> bool:
        try:
            button.is_enabled()
        except WebDriverException:  # stale, or "node does not belong to the document" mid-navigation
            return True
        return False

    button.click()
    WebDriverWait(driver, 10).until(gone)


def sign_in(driver, live: LiveSystem, login: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(live.url("/registry/sign-in"))
    driver.find_element(By.ID, "f-login").send_keys(login)
    driver.find_element(By.ID, "f-password").send_keys(password)
    submit(driver, driver.find_element(By.ID, "sign-in"))


def sign_out(driver) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".who summary").click()
    submit(driver, driver.find_element(By.ID, "sign-out"))


def set_password(driver, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "f-password").send_keys(password)
    driver.find_element(By.ID, "f-repeat").send_keys(password)
    submit(driver, driver.find_element(By.ID, "set-password"))


def test_a_teacher_invited_by_the_curator_comes_in_by_the_link_and_then_with_the_password(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    LiveSystem.screenshot(driver, "accounts-curator")
    row = row_of(driver, "people", "Иванова Анна Петровна")
    assert "приглашён" not in row.text and "наставник" in row.text
    submit(driver, row.find_element(By.CSS_SELECTOR, "button[data-action=invite]"))
    assert "Иванова Анна Петровна" in driver.find_element(By.ID, "invitee").text
    assert "Письмо со ссылкой" in driver.find_element(By.ID, "invited").text
    issued = eventually(lambda: [e for e in links_issued(live, "invitation") if e["email"] == "ivanova@school1.example"])
    assert issued and issued[-1]["display_name"] == "Иванова Анна Петровна"
    link = issued[-1]["link_path"]
    assert driver.find_element(By.ID, "invitation-link").text.endswith(link)

    driver.delete_all_cookies()  # the teacher's own browser
    driver.get(live.url(link))
    assert driver.find_element(By.ID, "login").text == "ivanova@school1.example"
    set_password(driver, "короткий")  # too short: told beside the field, nothing lost
    assert "не короче 10" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    set_password(driver, PASSWORD)
    assert driver.current_url == live.url("/registry/")
    assert "Иванова Анна Петровна" in driver.find_element(By.ID, "greeting").text
    assert "наставник" in driver.find_element(By.CSS_SELECTOR, "main .lead").text
    assert driver.find_element(By.XPATH, "//h2[text()='Что сделать сейчас']")
    assert [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".menu a")][:2] == ["Главная", "Мои наставляемые"]
    LiveSystem.screenshot(driver, "home-mentor")

    sign_out(driver)
    assert driver.current_url.startswith(live.url("/registry/sign-in"))
    driver.get(live.url("/registry/"))  # the session is gone
    assert "/registry/sign-in" in driver.current_url

    sign_in(driver, live, "ivanova@school1.example", "не-тот-пароль-1")
    assert "Неверный логин или пароль" in driver.find_element(By.ID, "sign-in-failure").text
    assert driver.find_element(By.ID, "f-login").get_attribute("value") == "ivanova@school1.example"
    LiveSystem.screenshot(driver, "sign-in-failed")
    driver.get(live.url("/registry/sign-in?next=%2Fregistry%2Faccount"))
    driver.find_element(By.ID, "f-login").send_keys("ivanova@school1.example")
    driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
    submit(driver, driver.find_element(By.ID, "sign-in"))
    assert driver.current_url == live.url("/registry/account")
    assert driver.find_element(By.ID, "login").text == "ivanova@school1.example"

    # the curator now sees the account as active; the used link says so
    driver.delete_all_cookies()
    driver.get(live.url(link))
    assert "уже использована" in driver.find_element(By.ID, "link-problem").text
    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    assert "активна" in row_of(driver, "people", "Иванова Анна Петровна").text


def test_a_forgotten_password_is_reset_by_a_link(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    row = row_of(driver, "people", "Иванова Анна Петровна")
    if "активна" not in row.text:  # this test alone: come in by an invitation first
        submit(driver, row.find_element(By.CSS_SELECTOR, "button[data-action=invite]"))
        link = driver.find_element(By.ID, "invitation-link").text
        driver.delete_all_cookies()
        driver.get(link)
        set_password(driver, PASSWORD)
    driver.delete_all_cookies()
    before = len(links_issued(live, "password_reset"))
    driver.get(live.url("/registry/sign-in"))
    driver.find_element(By.LINK_TEXT, "Забыли пароль?").click()
    driver.find_element(By.ID, "f-login").send_keys("ivanova@school1.example")
    submit(driver, driver.find_element(By.ID, "send-reset"))
    assert "отправлена ссылка" in driver.find_element(By.ID, "reset-sent").text
    resets = eventually(lambda: links_issued(live, "password_reset")[before:])
    assert resets and resets[0]["email"] == "ivanova@school1.example"
    driver.get(live.url(resets[0]["link_path"]))
    set_password(driver, "новый-пароль-осень-8")
    assert driver.current_url == live.url("/registry/")
    sign_out(driver)
    sign_in(driver, live, "ivanova@school1.example", PASSWORD)
    assert driver.find_element(By.ID, "sign-in-failure")  # the old one no longer works
    sign_in(driver, live, "ivanova@school1.example", "новый-пароль-осень-8")
    assert driver.current_url == live.url("/registry/")
    # an unknown address gets the very same answer
    driver.delete_all_cookies()
    driver.get(live.url("/registry/password-reset"))
    driver.find_element(By.ID, "f-login").send_keys("nobody@nowhere.example")
    submit(driver, driver.find_element(By.ID, "send-reset"))
    assert "отправлена ссылка" in driver.find_element(By.ID, "reset-sent").text


def test_the_region_admin_appoints_a_coordinator_and_invites_them(live, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    live.sign_in(driver, ADMIN)
    driver.get(live.url("/registry/accounts"))
    driver.find_element(By.CSS_SELECTOR, "details.add-staff summary").click()
    driver.find_element(By.ID, "add-staff-submit").click()  # empty: the browser's own check stops it
    driver.find_element(By.ID, "f-full_name").send_keys("Белов Андрей Викторович")
    driver.find_element(By.ID, "f-email").send_keys("belov@mun-north.example")
    Select(driver.find_element(By.ID, "f-role")).select_by_value("municipal_coordinator")
    submit(driver, driver.find_element(By.ID, "add-staff-submit"))  # no municipality: told beside the field
    assert "Выберите муниципалитет" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert driver.find_element(By.ID, "f-email").get_attribute("value") == "belov@mun-north.example"
    Select(driver.find_element(By.ID, "f-municipality_id")).select_by_visible_text("Северный район")
    submit(driver, driver.find_element(By.ID, "add-staff-submit"))
    assert "Назначение добавлено" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    row = row_of(driver, "staff", "Белов Андрей Викторович")
    assert "муниципальный координатор" in row.text and "Северный район" in row.text and "нет" in row.text
    LiveSystem.screenshot(driver, "accounts-admin")
    submit(driver, row.find_element(By.CSS_SELECTOR, "button[data-action=invite]"))
    assert "Белов Андрей Викторович" in driver.find_element(By.ID, "invitee").text
    issued = eventually(lambda: [e for e in links_issued(live, "invitation") if e["email"] == "belov@mun-north.example"])
    assert issued

    driver.delete_all_cookies()
    driver.get(live.url(issued[-1]["link_path"]))
    set_password(driver, "координатор-север-2026")
    assert "Белов Андрей Викторович" in driver.find_element(By.ID, "greeting").text
    assert "муниципальный координатор" in driver.find_element(By.CSS_SELECTOR, "main .lead").text
    live.sign_in(driver, ADMIN)
    driver.get(live.url("/registry/accounts?q=belov"))
    assert "активна" in row_of(driver, "all-accounts", "belov@mun-north.example").text
    driver.get(live.url("/registry/accounts?q=белов"))  # Cyrillic, typed in lower case
    assert "Белов Андрей Викторович" in row_of(driver, "all-accounts", "belov@mun-north.example").text
    assert len(driver.find_elements(By.CSS_SELECTOR, "#all-accounts tbody tr")) == 1


def test_the_curator_prints_invitation_letters_one_page_per_person(live, driver, tmp_path) -> None:
    import pypdfium2
    from selenium.webdriver.common.by import By

    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    expected = [name for name, _, role in TEACHERS if role
                and "активна" not in row_of(driver, "people", name).text]
    driver.find_element(By.ID, "letters").click()
    pdf = eventually(lambda: list(tmp_path.glob("*.pdf")), timeout=15)
    assert pdf, "the PDF did not download"
    time.sleep(0.3)
    document = pypdfium2.PdfDocument(str(pdf[0]))
    assert len(document) == len(expected) >= 2
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    for name in expected:
        assert sum(name in text for text in texts) == 1, name
    assert all("/registry/i/" in text and "Ваш логин" in text for text in texts)
    assert not any("Попова Ольга" in text for text in texts)  # no role, no letter
    # a letter's short address works, once
    code = texts[0].split("/registry/i/")[1].split()[0]
    driver.delete_all_cookies()
    driver.get(live.url(f"/registry/i/{code.lower()}"))
    set_password(driver, "письмо-на-бумаге-5")
    assert driver.current_url == live.url("/registry/")

    # and changes the password on their account page
    driver.find_element(By.CSS_SELECTOR, ".who summary").click()
    driver.find_element(By.LINK_TEXT, "Моя учётная запись").click()
    login = driver.find_element(By.ID, "login").text
    for current in ("не-тот-пароль-0", "письмо-на-бумаге-5"):
        driver.find_element(By.ID, "f-current").send_keys(current)
        driver.find_element(By.ID, "f-password").send_keys("мой-собственный-3")
        driver.find_element(By.ID, "f-repeat").send_keys("мой-собственный-3")
        submit(driver, driver.find_element(By.ID, "change-password"))
        if current.startswith("не-тот"):
            assert "Текущий пароль указан неверно" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "Пароль изменён" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    LiveSystem.screenshot(driver, "account")
    sign_out(driver)
    sign_in(driver, live, login, "мой-собственный-3")
    assert driver.current_url == live.url("/registry/")


def test_a_mentor_appointed_curator_signs_in_as_curator_and_switches_to_mentor(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    submit(driver, row_of(driver, "people", "Иванова Анна Петровна").find_element(By.CSS_SELECTOR, "button[data-action=curator]"))
    assert "Куратор назначен" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    assert "куратор школы, наставник" in row_of(driver, "people", "Иванова Анна Петровна").text
    row = row_of(driver, "people", "Иванова Анна Петровна")
    if "активна" not in row.text:  # this test alone: come in by an invitation first
        submit(driver, row.find_element(By.CSS_SELECTOR, "button[data-action=invite]"))
        link = driver.find_element(By.ID, "invitation-link").text
        driver.delete_all_cookies()
        driver.get(link)
        set_password(driver, PASSWORD)
        sign_out(driver)
    driver.delete_all_cookies()
    password = PASSWORD
    sign_in(driver, live, "ivanova@school1.example", password)
    if driver.find_elements(By.ID, "sign-in-failure"):  # the reset test changed it
        sign_in(driver, live, "ivanova@school1.example", "новый-пароль-осень-8")
    assert "куратор школы" in driver.find_element(By.CSS_SELECTOR, "main .lead").text
    assert "Учётные записи" in [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".menu a")]
    driver.find_element(By.PARTIAL_LINK_TEXT, "сменить роль").click()
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Работать как наставник']"))
    assert "Вы работаете как наставник" in driver.find_element(By.CSS_SELECTOR, "main .lead").text
    assert "Учётные записи" not in [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".menu a")]
    driver.get(live.url("/registry/accounts"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Доступ запрещён"
    # the curator takes the appointment back: she is a mentor only again
    live.sign_in(driver, CURATOR)
    driver.get(live.url("/registry/accounts"))
    submit(driver, row_of(driver, "people", "Иванова Анна Петровна").find_element(By.CSS_SELECTOR, "button[data-action=revoke]"))
    assert "снято" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    row = row_of(driver, "people", "Иванова Анна Петровна")
    assert "наставник" in row.text and "куратор школы" not in row.text


def test_the_demo_signs_in_with_one_click(tmp_path) -> None:
    from selenium.webdriver.common.by import By

    with LiveSystem(tmp_path, demo=True) as demo:
        driver = make_driver(size=DESKTOP)
        try:
            driver.get(demo.url("/"))
            assert "/registry/sign-in" in driver.current_url
            LiveSystem.screenshot(driver, "sign-in-demo")
            submit(driver, driver.find_element(By.XPATH, "//button[text()='Войти как куратор школы']"))
            assert "Попов Сергей Викторович" in driver.find_element(By.ID, "greeting").text
            # the other services' "what to do now" arrive by htmx
            eventually(lambda: driver.find_elements(By.CSS_SELECTOR, ".todo-fragment ul.tasks li, .todo-fragment p"), timeout=10)
            LiveSystem.screenshot(driver, "home-demo-curator")
            driver.set_window_size(*PHONE)
            assert fits_without_sideways_scroll(driver)
            LiveSystem.screenshot(driver, "home-demo-curator")
        finally:
            driver.quit()


def test_sign_in_and_accounts_pages_fit_a_phone(live) -> None:
    driver = make_driver(size=PHONE)
    try:
        driver.get(live.url("/registry/sign-in"))
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "sign-in")
        for principal in (CURATOR, ADMIN):
            live.sign_in(driver, principal)
            driver.get(live.url("/registry/accounts"))
            assert fits_without_sideways_scroll(driver), principal.role
            LiveSystem.screenshot(driver, f"accounts-{principal.role}")
            driver.get(live.url("/registry/"))
            assert fits_without_sideways_scroll(driver)
            LiveSystem.screenshot(driver, f"home-{principal.role}")
    finally:
        driver.quit()
