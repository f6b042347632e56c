"""The pure rules of notifications: what a mail says, which addresses are written to, when a
failed delivery is tried again; and how `nastavnik status` shows the mails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from nastavnik.cli_operators import ServiceStatus, Status, render_status
from services.notifications import domain


@pytest.mark.parametrize("address", ["ivanova@school1.ru", "a.b+c@mail.example.org", "Petrov@Школа.рф"])
def test_plain_addresses_are_valid(address: str) -> None:
    assert domain.valid_address(address)


@pytest.mark.parametrize("address", [None, "", "ivanova", "ivanova@school1", "a@b@c.ru", "ivanova@school1.ru\r\nBcc: x@y.ru",
                                     "Иванова <ivanova@school1.ru>", "a,b@c.ru", "x" * 65 + "@school1.ru", "иванова@school1.ru"])
def test_anything_else_is_not(address: str | None) -> None:
    assert not domain.valid_address(address)


def test_a_cyrillic_domain_goes_to_the_server_in_punycode() -> None:
    assert domain.smtp_address("Petrov@Школа.рф") == "Petrov@xn--80atdl2c.xn--p1ai"
    assert domain.smtp_address("ivanova@school1.ru") == "ivanova@school1.ru"


def test_the_link_joins_the_public_origin_and_the_path() -> None:
    assert domain.full_link("https://n.example.ru/", "/registry/invite/t") == "https://n.example.ru/registry/invite/t"
    assert domain.full_link("https://n.example.ru", "surveys/form/t") == "https://n.example.ru/surveys/form/t"


def test_an_invitation_is_russian_with_the_link_and_its_expiry_in_local_time() -> None:
    mail = domain.invitation("Иванова М. П.", "https://n.example.ru/registry/invite/t", datetime(2026, 12, 31, 21, 0, tzinfo=UTC))
    assert mail.subject == "Приглашение в систему «Наставник»"
    assert "Здравствуйте, Иванова М. П.!" in mail.text
    assert "https://n.example.ru/registry/invite/t" in mail.text and "01.01.2027 00:00" in mail.text
    assert '<a href="https://n.example.ru/registry/invite/t">' in mail.html


def test_names_are_escaped_in_the_html() -> None:
    mail = domain.invitation("<script>x</script>", "https://n.example.ru/i", datetime(2026, 12, 1, tzinfo=UTC))
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html


def test_questionnaire_subjects_name_the_instrument() -> None:
    assert domain.questionnaire("satisfaction_mentor", "l", date(2026, 5, 20)).subject == "Анкета: Анкета удовлетворённости (наставника)"
    assert domain.reminder("swot_teacher_pupil", "l", date(2026, 5, 20)).subject == "Напоминание: SWOT-анализ программы наставничества"
    assert domain.questionnaire("custom_1", "l", date(2026, 5, 20)).subject == "Анкета: анкета мониторинга программы наставничества"
    assert "20.05.2026" in domain.reminder("satisfaction_mentor", "l", date(2026, 5, 20)).text


@pytest.mark.parametrize(("code", "permanent"), [(550, True), (553, True), (554, True), (421, False), (451, False), (None, False)])
def test_only_a_5xx_reply_is_final(code: int | None, permanent: bool) -> None:
    assert domain.is_permanent_refusal(code) is permanent


def test_status_shows_pending_and_bounced_mails() -> None:
    services = [ServiceStatus("reports", "http://r", True, True),
                ServiceStatus("notifications", "http://n", True, True, mail_pending=4, mail_bounced_total=2)]
    text = render_status(Status(services, []))
    assert "notifications: mails pending 4, bounced since start 2  <- see /notifications/mail?status=bounced" in text
    assert "reports: mails" not in text
