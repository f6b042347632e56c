"""A person answers a questionnaire at their personal link, on a phone-sized window, with and
without JavaScript."""

from __future__ import annotations

import httpx
from selenium.webdriver.common.by import By

from tests.component.helpers import bearer

RATINGS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}


def choose(driver, item: str, value: str) -> None:
    # as a person does: tap the label (the whole button), not the tiny radio
    driver.find_element(By.CSS_SELECTOR, f"label[for='f-{item}-{value}']").click()


def test_a_respondent_answers_on_a_phone(server, browser) -> None:
    base, app = server
    person = "e1" if browser.javascript else "e2"
    link = base + app.state.links[person]
    browser.get(link)

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Анкета удовлетворённости (наставляемого)"
    legends = [e.text for e in browser.find_elements(By.TAG_NAME, "legend")]
    assert any(text.startswith("Насколько эффективной была программа наставничества?") for text in legends)
    label = browser.find_element(By.CSS_SELECTOR, "label[for='f-most_valuable']")
    assert label.text == "Что было особенно ценным?"
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]") if browser.javascript else None
    if width:
        assert width[0] <= width[1], "the page scrolls sideways on a phone"

    # submit with answers missing → the form says what is missing, keeping what was given
    choose(browser, "effectiveness", "8")
    browser.find_element(By.XPATH, "//button[normalize-space()='Отправить ответы']").click()
    summary = browser.find_element(By.ID, "error-summary")
    assert "Анкета не отправлена" in summary.text
    missing = [a.text for a in summary.find_elements(By.TAG_NAME, "a")]
    assert any("Насколько комфортно было общение с наставником?" in m and "Обязательный вопрос без ответа" in m for m in missing)
    assert not any("эффективной" in m for m in missing)
    assert browser.find_element(By.ID, "f-effectiveness-8").is_selected()
    if browser.javascript:
        assert browser.switch_to.active_element.get_attribute("id") == "error-summary"
    summary.find_element(By.PARTIAL_LINK_TEXT, "комфортно").click()
    assert browser.current_url.endswith("#q-comfort")
    assert "Обязательный вопрос без ответа" in browser.find_element(By.ID, "comfort-error").text

    # save a draft, leave, come back by the same link: the answers are there
    choose(browser, "comfort", "9")
    browser.find_element(By.ID, "f-most_valuable").send_keys("Разбор открытых уроков")
    browser.find_element(By.XPATH, "//button[normalize-space()='Сохранить черновик']").click()
    assert "Черновик сохранён" in browser.find_element(By.ID, "draft-saved").text
    browser.get("about:blank")
    browser.get(link)
    assert browser.find_element(By.ID, "f-comfort-9").is_selected()
    assert browser.find_element(By.ID, "f-most_valuable").get_attribute("value") == "Разбор открытых уроков"

    # complete and see the confirmation
    for item, value in RATINGS.items():
        choose(browser, item, str(value))
    choose(browser, "liked_participating", "yes")
    choose(browser, "want_to_continue", "yes")
    choose(browser, "want_to_mentor", "no")
    browser.find_element(By.XPATH, "//button[normalize-space()='Отправить ответы']").click()
    assert "Спасибо! Ваши ответы приняты." in browser.find_element(By.ID, "confirmation").text
    browser.get(link)  # coming back later shows the same, not a new form
    assert browser.find_elements(By.TAG_NAME, "form") == []

    # the curator sees the answer in the campaign
    curator = bearer("school_curator", "school", "s1")
    campaign = httpx.get(f"{base}/surveys/api/v1/campaigns/{app.state.campaign_id}", headers=curator).json()
    [mine] = [i for i in campaign["invitees"] if i["participant_id"] == person]
    assert mine["status"] == "completed" and mine["response_id"]
