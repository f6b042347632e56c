"""Mails through the product's public entry points (all services in one process, in-memory
broker, no SMTP host: mails go to <data_dir>/mail): the registry records a contact address and
a curator invites the person → an invitation mail; a curator opens a campaign in surveys → each
respondent with an address gets a mail with their personal link, the others none."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.settings import Settings
from shared.web import csrf_token, issue_session

from tests.component.helpers import ADMIN, bearer
from tests.conftest import SECRET

SCHOOL = "s-mail"
CURATOR = bearer("school_curator", "school", SCHOOL)
CURATOR_PRINCIPAL = Principal(sub="curator", role="school_curator", scope="school", scope_id=SCHOOL, sid="flow-session")


async def settle(app) -> None:
    for service in app.state.services.values():
        await service.runtime.relay.wait_idle()


async def delivered(app, settings: Settings) -> list[email.message.EmailMessage]:
    """Every mail in the folder, once the events have travelled and the sender has run."""
    await settle(app)
    await app.state.services["notifications"].sender.send_due()
    folder = Path(settings.data_dir) / "mail"
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)  # in the order they were written
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


async def register_school_and_people(client) -> dict[str, str]:
    response = await client.post("/registry/api/v1/schools", headers=ADMIN, json={
        "school_id": SCHOOL, "name": "Школа № 5", "municipality_id": "m1", "municipality_name": "Северный район"})
    assert response.status_code == 201, response.text
    people = {}
    for key, name, address in [("with", "Иванова Мария Петровна", "ivanova@school5.ru"), ("without", "Петров Пётр Ильич", None)]:
        consent = {"given_by": "self", "document": f"согласие {key}"}
        if address:
            consent |= {"contact_email": address, "contact_email_consent": True}
        response = await client.post(f"/registry/api/v1/schools/{SCHOOL}/participants", headers=CURATOR, json={
            "category": "teacher", "full_name": name, "external_id": key, "subjects": ["математика"],
            "experience_years": 12, "consent": consent})
        assert response.status_code == 201, response.text
        people[key] = response.json()["id"]
    return people


async def test_a_campaign_mails_each_respondent_with_an_address_their_link(system, settings: Settings) -> None:
    app, client = system
    people = await register_school_and_people(client)
    await settle(app)
    response = await client.post("/surveys/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "deficit_self_diagnosis", "version": 1}, "respondent_ids": list(people.values()), "stage": "start",
        "opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=10)).isoformat()})
    assert response.status_code == 201, response.text
    links = {i["participant_id"]: i["link_path"] for i in response.json()["invitees"]}

    [mail] = await delivered(app, settings)
    assert mail["To"] == "ivanova@school5.ru"
    assert mail["Subject"] == "Анкета: Самодиагностика профессиональных дефицитов педагога"
    text = mail.get_body(("plain",)).get_content()
    assert settings.public_url.rstrip("/") + links[people["with"]] in text
    assert (clock.today() + timedelta(days=10)).strftime("%d.%m.%Y") in text
    assert links[people["without"]] not in text
    skipped = (await client.get("/notifications/metrics")).text
    assert 'notifications_mail_skipped_total{event_type="surveys.respondent.invited.v1",reason="no_address"} 1.0' in skipped


    # the curator reminds those who have not answered: one more mail, with the same link
    reminded = await client.post(f"/surveys/api/v1/campaigns/{response.json()['id']}/reminders", headers=CURATOR)
    assert reminded.status_code == 200, reminded.text
    first, reminder = await delivered(app, settings)
    assert first["Subject"] == mail["Subject"]
    assert reminder["To"] == "ivanova@school5.ru"
    assert reminder["Subject"] == "Напоминание: Самодиагностика профессиональных дефицитов педагога"
    assert settings.public_url.rstrip("/") + links[people["with"]] in reminder.get_body(("plain",)).get_content()


async def test_an_invitation_to_a_person_with_an_address_is_mailed(system, settings: Settings) -> None:
    app, client = system
    people = await register_school_and_people(client)
    programme = await client.post(f"/registry/api/v1/schools/{SCHOOL}/programmes", headers=CURATOR, json={
        "title": "Программа «Вместе»", "academic_year": academic_year_of(clock.today()), "forms": ["teacher_teacher"]})
    assert programme.status_code == 201, programme.text
    enrolled = await client.post(f"/registry/api/v1/programmes/{programme.json()['id']}/enrolments", headers=CURATOR,
                                 json={"participant_id": people["with"], "role": "mentor", "capacity": 2})
    assert enrolled.status_code == 201, enrolled.text

    # the curator presses «Пригласить» on the accounts page (a form post with the CSRF token)
    invited = await client.post(
        f"/registry/accounts/people/{people['with']}/invite", data={"csrf_token": csrf_token(SECRET, CURATOR_PRINCIPAL)},
        cookies={"nastavnik_session": issue_session(SECRET, CURATOR_PRINCIPAL)},
        headers={"X-CSRF-Token": csrf_token(SECRET, CURATOR_PRINCIPAL)})
    assert invited.status_code in (200, 303), invited.text

    [mail] = await delivered(app, settings)
    assert mail["To"] == "ivanova@school5.ru"
    assert mail["Subject"] == "Приглашение в систему «Наставник»"
    text = mail.get_body(("plain",)).get_content()
    assert "Иванова Мария Петровна" in text
    assert f"{settings.public_url.rstrip('/')}/registry/invite/" in text
