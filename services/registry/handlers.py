"""Commands from school information systems (shared.messaging.inbound): validated and applied
as the HTTP API would apply them, each inside the transaction that claims it in the inbox.

A school's system may act only for its own school: the shared consumer checks the broker's
user id against the routing key's school, and this handler checks the payload's school too.
Whatever cannot be applied is answered with `registry.command.rejected.v1` naming the reason."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import update

from shared.auth import Principal
from shared.contracts.registry import COMMANDS, CommandError, CommandRejected, RegisterParticipant, UpdateParticipant
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, UseCaseError
from shared.messaging.inbound import Command
from shared.messaging.inbound import CommandRejected as Rejected
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import Work

from services.registry.models import School
from services.registry.schemas import ParticipantIn
from services.registry.service import RegistryService

CODES = {NotFound: "not_found", Conflict: "conflict", Forbidden: "forbidden", Unprocessable: "invalid"}
REDACTED_BODY = '{"redacted": "applied; personal data not kept in the inbox"}'


def rejection(command: Command | None, school_id: str, reason: str, errors: list[dict[str, str]]) -> CommandRejected:
    """The shared consumer's RejectionFactory: the registry's answer to a command it cannot apply."""
    code = "rejected"
    if errors and errors[0].get("code"):
        code = errors[0]["code"]
    elif reason.startswith("user "):
        code = "forbidden"
    data = command.data if command else {}
    return CommandRejected(
        command_id=command.envelope.id if command else None,
        command_type=command.type if command else None,
        school_id=school_id,
        reason=reason,
        code=code,
        errors=[CommandError(field=e.get("field", ""), message=e.get("message", "")) for e in errors],
        external_id=str(data.get("external_id")) if isinstance(data, dict) and data.get("external_id") else None,
    )


def _reject(reason: str, code: str, field: str = "", message: str | None = None) -> Rejected:
    return Rejected(reason, [{"field": field, "message": message or reason, "code": code}])


class CommandHandlers:
    def __init__(self, service: RegistryService) -> None:
        self.service = service

    async def __call__(self, work: Work, command: Command) -> None:
        # The shared consumer keeps a rejected command's body in the inbox (claimed before the
        # rejection is emitted); the next command to arrive redacts them.
        await work.session.exec(
            update(InboxMessage)
            .where(InboxMessage.consumer == "registry", InboxMessage.message_id != command.envelope.id,
                   InboxMessage.body != REDACTED_BODY)
            .values(body=REDACTED_BODY)
        )
        model = COMMANDS.get(command.type)
        if model is None:
            raise _reject(f"Неизвестная команда {command.type}; известны: {', '.join(COMMANDS)}", "invalid", "type")
        try:
            payload = model.model_validate(command.data)
        except ValidationError as exc:
            errors = [{"field": "data." + ".".join(str(p) for p in e["loc"]), "message": e["msg"], "code": "invalid"}
                      for e in exc.errors()]
            raise Rejected("Команда не прошла проверку: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors) from None
        if payload.school_id is not None and payload.school_id != command.school_id:
            raise _reject(f"Школа в данных ({payload.school_id}) не совпадает со школой ключа маршрутизации ({command.school_id})",
                          "forbidden", "data.school_id")
        if await work.session.get(School, command.school_id) is None:
            raise _reject(f"Школа {command.school_id} не зарегистрирована", "not_found", "school_id")
        actor = f"school-system:{command.school_id}"
        try:
            if isinstance(payload, RegisterParticipant):
                body = ParticipantIn.model_validate(payload.model_dump(exclude={"school_id"}))
                await self.service.register_participant_in(work, command.school_id, body.command(), actor)
            else:
                person = await self.service.by_external_id(work, command.school_id, payload.external_id)
                if person is None:
                    raise _reject(f"Участник с внешним id {payload.external_id} не найден в школе {command.school_id}",
                                  "not_found", "data.external_id")
                if isinstance(payload, UpdateParticipant):
                    changes = payload.model_dump(exclude_unset=True, exclude={"school_id", "external_id", "consent"})
                    await self.service.update_participant_in(work, person, changes, actor, consent=payload.consent)
                else:
                    await self.service.withdraw_in(work, person, payload.reason, actor)
        except ValidationError as exc:
            errors = [{"field": "data." + ".".join(str(p) for p in e["loc"]), "message": e["msg"], "code": "invalid"} for e in exc.errors()]
            raise Rejected("Команда не прошла проверку: " + "; ".join(e["message"] for e in errors), errors) from None
        except UseCaseError as exc:
            code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "rejected")
            if exc.message.startswith("Нет согласия"):
                code = "no_consent"
            raise _reject(exc.message, code, f"data.{exc.field}" if exc.field else "") from None
        # Applied: the inbox keeps the message id (dedup), not the person's data.
        await work.session.exec(
            update(InboxMessage).where(InboxMessage.consumer == "registry", InboxMessage.message_id == command.envelope.id)
            .values(body=REDACTED_BODY)
        )


def school_system(school_id: str) -> Principal:
    return Principal(sub=f"school-{school_id}", role="integration", scope="school", scope_id=school_id)
