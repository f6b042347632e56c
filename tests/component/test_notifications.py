"""Notifications alone (in-memory broker, SQLite): events become mails, once each; withdrawal
erases; no address, no mail. Delivery here goes to the mail folder (no SMTP host); the real
SMTP server is in tests/integration/test_notifications_smtp.py."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from shared.contracts.registry import AccountLinkIssued, ContactUpdated, ParticipantWithdrawn
from shared.contracts.surveys import CampaignReminderDue, InstrumentRef, RespondentInvited
from shared.messaging.inbox import InboxMessage
from shared.settings import Settings

from services.notifications.main import create_service
from services.notifications.models import Contact, Mail
from tests.component.helpers import ADMIN, bearer, deliver, running
from tests.conftest import SECRET

PUBLIC = "https://nastavnik.example.ru"
EXPIRES = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


def make_settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None,
                    public_url=PUBLIC, **extra)


@pytest.fixture
def notifications(tmp_path: Path):
    return create_service(make_settings(tmp_path))


def invitation(account_id: str = "acc-1", email_address: str = "ivanova@school1.ru") -> AccountLinkIssued:
    return AccountLinkIssued(account_id=account_id, purpose="invitation", display_name="Иванова Мария Петровна",
                             email=email_address, link_path="/registry/invite/tok-123", expires_at=EXPIRES)


def invited(participant_id: str = "p1", code: str = "satisfaction_mentee") -> RespondentInvited:
    return RespondentInvited(campaign_id="c1", participant_id=participant_id, school_id="s1",
                             instrument=InstrumentRef(code=code, version=2), closes_on=date(2026, 12, 20),
                             link_path=f"/surveys/form/form-{participant_id}")


async def mails(service) -> list[Mail]:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(Mail).order_by(Mail.created_at))).all())


async def delivered(service) -> list[Mail]:
    await service.sender.send_due()
    return await mails(service)


async def test_an_invitation_becomes_one_mail_with_the_full_link(notifications, tmp_path: Path) -> None:
    async with running(notifications):
        await deliver(notifications, invitation(), source="registry")
        [mail] = await delivered(notifications)
    assert (mail.status, mail.email, mail.kind) == ("sent", "ivanova@school1.ru", "invitation")
    assert mail.subject == "Приглашение в систему «Наставник»"
    assert mail.link == f"{PUBLIC}/registry/invite/tok-123"
    assert "Иванова Мария Петровна" in mail.text and "08.12.2026 12:30" in mail.text  # Moscow time, Russian format

    message = email.message_from_bytes((tmp_path / "mail" / f"{mail.id}.eml").read_bytes(), policy=email.policy.default)
    assert message["To"] == "ivanova@school1.ru"
    assert message["Subject"] == "Приглашение в систему «Наставник»"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{PUBLIC}/registry/invite/tok-123" in text
    assert f'href="{PUBLIC}/registry/invite/tok-123"' in html


async def test_a_redelivered_event_sends_nothing_twice(notifications, tmp_path: Path) -> None:
    async with running(notifications):
        first = await deliver(notifications, invitation(), source="registry")
        await deliver(notifications, invitation(), source="registry", envelope_id=first)
        await deliver(notifications, invitation(), source="registry", envelope_id=first)
        sent = await delivered(notifications)
    assert len(sent) == 1
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


async def test_a_password_reset_says_so(notifications) -> None:
    async with running(notifications):
        await deliver(notifications, AccountLinkIssued(account_id="acc-1", purpose="password_reset", display_name="Петров П. П.",
                                                       email="petrov@school1.ru", link_path="/registry/reset/r-1", expires_at=EXPIRES),
                      source="registry")
        [mail] = await delivered(notifications)
    assert mail.subject == "Новый пароль для входа в «Наставник»"
    assert f"{PUBLIC}/registry/reset/r-1" in mail.text


async def test_a_questionnaire_link_goes_to_the_recorded_address(notifications) -> None:
    async with running(notifications):
        await deliver(notifications, ContactUpdated(participant_id="p1", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(notifications, invited("p1"), source="surveys")
        await deliver(notifications, CampaignReminderDue(campaign_id="c1", participant_id="p1", school_id="s1",
                                                         instrument=InstrumentRef(code="satisfaction_mentee", version=2),
                                                         closes_on=date(2026, 12, 20), link_path="/surveys/form/form-p1"),
                      source="surveys")
        first, second = await delivered(notifications)
    assert first.subject == "Анкета: Анкета удовлетворённости (наставляемого)"
    assert second.subject == "Напоминание: Анкета удовлетворённости (наставляемого)"
    for mail in (first, second):
        assert (mail.email, mail.status, mail.link) == ("p1@school1.ru", "sent", f"{PUBLIC}/surveys/form/form-p1")
        assert "20.12.2026" in mail.text


async def test_no_address_no_mail(notifications) -> None:
    async with running(notifications):
        await deliver(notifications, invited("p2"), source="surveys")
        # an address recorded and then removed: nobody agreed any more
        await deliver(notifications, ContactUpdated(participant_id="p3", school_id="s1", email="p3@school1.ru"), source="registry")
        await deliver(notifications, ContactUpdated(participant_id="p3", school_id="s1", email=None), source="registry")
        await deliver(notifications, invited("p3"), source="surveys")
        assert await mails(notifications) == []
        metrics = (await _client_get(notifications, "/metrics")).text
    assert 'notifications_mail_skipped_total{event_type="surveys.respondent.invited.v1",reason="no_address"} 2.0' in metrics


async def _client_get(service, path: str, headers: dict[str, str] | None = None):
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.http), base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_withdrawal_erases_the_address_and_unsent_mails(tmp_path: Path) -> None:
    # a mail server that never answers: everything stays pending
    from nastavnik.processes import free_port

    service = create_service(make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout=1))
    async with running(service):
        await deliver(service, ContactUpdated(participant_id="p1", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(service, ContactUpdated(participant_id="p2", school_id="s1", email="p2@school1.ru"), source="registry")
        # p1's sibling: the same legal representative's address
        await deliver(service, ContactUpdated(participant_id="p1-sibling", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(service, invitation("acc-p1", "p1@school1.ru"), source="registry")
        await deliver(service, invited("p1"), source="surveys")
        await deliver(service, invited("p2"), source="surveys")
        await deliver(service, invited("p1-sibling"), source="surveys")
        await service.sender.send_due()
        assert {(m.email, m.status) for m in await mails(service)} == {
            ("p1@school1.ru", "pending"), ("p2@school1.ru", "pending")} and len(await mails(service)) == 4

        await deliver(service, ParticipantWithdrawn(participant_id="p1", school_id="s1", reason="consent_withdrawn"), source="registry")
        left = await mails(service)
        # both mails to p1 (invitation and questionnaire) gone; the sibling's stays
        assert sorted((m.recipient_id, m.email) for m in left) == [("p1-sibling", "p1@school1.ru"), ("p2", "p2@school1.ru")]
        async with service.runtime.db.sessions() as session:
            assert await session.get(Contact, "p1") is None
            assert await session.get(Contact, "p2") is not None
            bodies = [row.body for row in (await session.exec(select(InboxMessage))).all()]
        assert not any("p1@school1.ru" in body for body in bodies), "the inbox still holds the withdrawn person's address"

        # a late contact event (its own queue) and a later invitation: nothing kept, nothing sent
        await deliver(service, ContactUpdated(participant_id="p1", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(service, invited("p1"), source="surveys")
        assert sorted(m.recipient_id for m in await mails(service)) == ["p1-sibling", "p2"]


async def test_withdrawal_erases_the_mail_files_in_the_embedded_mode(notifications, tmp_path: Path) -> None:
    async with running(notifications):
        await deliver(notifications, ContactUpdated(participant_id="p1", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(notifications, invited("p1"), source="surveys")
        [mail] = await delivered(notifications)
        assert (tmp_path / "mail" / f"{mail.id}.eml").exists()
        await deliver(notifications, ParticipantWithdrawn(participant_id="p1", school_id="s1", reason="left_school"), source="registry")
        assert await mails(notifications) == []
    assert list((tmp_path / "mail").glob("*.eml")) == []


async def test_an_invalid_address_is_not_written_to(notifications) -> None:
    async with running(notifications):
        await deliver(notifications, invitation(email_address="ivanova@school1.ru\r\nBcc: all@example.ru"), source="registry")
        await deliver(notifications, ContactUpdated(participant_id="p1", school_id="s1", email="not an address"), source="registry")
        await deliver(notifications, invited("p1"), source="surveys")
        assert await mails(notifications) == []


async def test_the_api_lists_mails_for_the_region_admin_only(notifications) -> None:
    async with running(notifications) as client:
        await deliver(notifications, invitation(), source="registry")
        await notifications.sender.send_due()
        listed = await client.get("/api/v1/mail", headers=ADMIN)
        curator = await client.get("/api/v1/mail", headers=bearer("school_curator", "school", "s1"))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["counts"] == {"pending": 0, "sent": 1, "bounced": 0}
    assert body["mails"][0]["subject"] == "Приглашение в систему «Наставник»"
    assert "link" not in body["mails"][0] and "text" not in body["mails"][0]
    assert curator.status_code == 403


async def test_the_todo_fragment_is_empty_unless_mails_bounced(notifications) -> None:
    from shared.auth import Principal
    from shared.web import issue_session

    admin = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region")
    curator = Principal(sub="cur", role="school_curator", scope="school", scope_id="s1")
    async with running(notifications) as client:
        await deliver(notifications, invitation(), source="registry")
        await notifications.sender.send_due()
        cookie = {"nastavnik_session": issue_session(SECRET, admin)}
        assert "<li" not in (await client.get("/todo", cookies=cookie)).text
        async with notifications.runtime.db.sessions() as session, session.begin():
            mail = (await session.exec(select(Mail))).one()
            mail.status, mail.last_error = "bounced", "550 no such mailbox"
            session.add(mail)
        fragment = (await client.get("/todo", cookies=cookie)).text
        assert "Письма, которые не удалось доставить: 1" in fragment and "/notifications/mail?status=bounced" in fragment
        assert "<li" not in (await client.get("/todo", cookies={"nastavnik_session": issue_session(SECRET, curator)})).text
        page = await client.get("/mail", cookies={"nastavnik_session": issue_session(SECRET, curator)})
        assert page.status_code == 403 and "Доступ запрещён" in page.text


def test_the_delay_doubles_up_to_its_cap() -> None:
    from services.notifications.domain import retry_delay

    assert [retry_delay(n, 5, 60) for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]
    assert timedelta(seconds=retry_delay(20, 5, 900)) == timedelta(minutes=15)


async def test_a_bounced_mail_is_sent_again_to_the_corrected_address(notifications) -> None:
    from shared.auth import Principal
    from shared.web import csrf_token, issue_session

    admin = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region", sid="s-admin")
    cookie = {"nastavnik_session": issue_session(SECRET, admin)}
    async with running(notifications) as client:
        await deliver(notifications, ContactUpdated(participant_id="p1", school_id="s1", email="wrong@school1.ru"), source="registry")
        await deliver(notifications, invited("p1"), source="surveys")
        await notifications.sender.send_due()
        async with notifications.runtime.db.sessions() as session, session.begin():  # as if the server had said 550
            mail = (await session.exec(select(Mail))).one()
            mail.status, mail.last_error = "bounced", "550 5.1.1 User unknown"
            session.add(mail)
        page = await client.get("/mail", params={"status": "bounced"}, cookies=cookie)
        form = page.text[page.text.index(f'action="/notifications/mail/{mail.id}/retry"'):]
        assert f'name="csrf_token" value="{csrf_token(SECRET, admin)}"' in form[:form.index("</form>")]

        forged = await client.post(f"/mail/{mail.id}/retry", cookies=cookie, data={})
        assert forged.status_code == 403
        assert (await mails(notifications))[0].status == "bounced"

        await deliver(notifications, ContactUpdated(participant_id="p1", school_id="s1", email="right@school1.ru"), source="registry")
        retried = await client.post(f"/mail/{mail.id}/retry", cookies=cookie, data={"csrf_token": csrf_token(SECRET, admin)})
        assert retried.status_code == 303
        [again] = await delivered(notifications)
    assert (again.status, again.email, again.attempts) == ("sent", "right@school1.ru", 1)


async def test_old_sent_mails_and_their_files_are_pruned_pending_ones_kept(tmp_path: Path) -> None:
    service = create_service(make_settings(tmp_path, mail_retention_days=30))
    async with running(service):
        await deliver(service, invitation("acc-old", "old@school1.ru"), source="registry")
        await deliver(service, invitation("acc-new", "new@school1.ru"), source="registry")
        sent = await delivered(service)
        async with service.runtime.db.sessions() as session, session.begin():
            old = next(m for m in (await session.exec(select(Mail))).all() if m.email == "old@school1.ru")
            old.created_at = datetime.now(UTC) - timedelta(days=31)
            session.add(old)
            session.add(Mail(id="waiting", event_id="e-waiting", event_type="x", kind="invitation", recipient_id="a", email="w@school1.ru",
                             subject="s", text="t", html="h", link="l", next_attempt_at=datetime.now(UTC) + timedelta(days=1),
                             created_at=datetime.now(UTC) - timedelta(days=60)))
        await service.sender.prune()  # (the sender's loop prunes too, hourly)
        left = {m.email: m.status for m in await mails(service)}
    assert left == {"new@school1.ru": "sent", "w@school1.ru": "pending"}
    assert {p.stem for p in (tmp_path / "mail").glob("*.eml")} == {m.id for m in sent if m.email == "new@school1.ru"}
