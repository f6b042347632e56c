"""The one submit decision of surveys (pure: no I/O): what a submission becomes, given what
the database holds — a stored response's column values, the response already stored under
its idempotency key, or why it is refused. Both submit paths ask it: the group commit of the
HTTP API's common path (ingest.py) and the one-by-one path of the web form, the school
commands, the campaigns and the custom instruments (responses.py), each loading the facts
its own way.

The order of the answers is part of the contract: scope first (issue 13, M1: a caller who may
not answer for this respondent learns nothing, whatever key it sends), then a retried key,
then the role, the programme role, a school's own instrument, the campaign."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.clock import academic_year_of, utcnow
from shared.contracts.surveys import InstrumentRef, ResponseCompleted
from shared.errors import Conflict, NotFound, Unprocessable, UseCaseError

from services.surveys import domain


@dataclass
class Submission:
    """One submission, whatever the channel."""

    instrument: InstrumentRef
    respondent_id: str
    answers: dict[str, Any]
    submission_id: str
    role: str | None = None
    stage: str | None = None
    campaign_id: str | None = None
    channel: str = "api"
    role_hint: str | None = None
    """The caller's own role (a mentee's token): used when it is one of the instrument's roles."""


RESPONDENT_NOT_FOUND = "Респондент не найден или вам недоступен"
"""The one 404 of a submit for someone the caller may not answer for: the same words whether
the respondent is unknown, out of scope or the key was used by someone else (issue 13, M1)."""
KEY_PREFIX = "k1~"


def caller_key(caller: str, key: str) -> str:
    """The stored idempotency key: the client's key scoped to who sent it (`caller`: a token's
    role, scope and subject; a school system's school; a personal link). Another caller sending
    the same key gets a key of its own, so a replay never finds someone else's response."""
    digest = hashlib.sha256(caller.encode()).hexdigest()[:16]
    return f"{KEY_PREFIX}{digest}~{key}"


def client_key(stored: str) -> str:
    """The client's own key back from a stored one (older rows are stored unscoped)."""
    if stored.startswith(KEY_PREFIX):
        return stored[len(KEY_PREFIX) + 17:]
    return stored


def key_reused() -> Conflict:
    return Conflict("Этот submission_id вы уже отправляли с ответом другого респондента: используйте новый ключ",
                    field="submission_id")


def explicit_role(s: Submission, instrument: domain.Instrument) -> str | None:
    """The role a submission without a campaign answers in, if known before any lookup: the
    given one if the instrument has it, else the caller's own role if the instrument has it."""
    if s.role in instrument.respondent_roles:
        return s.role
    if s.role is None and s.role_hint in instrument.respondent_roles:
        return s.role_hint
    return None


def role_mismatch(instrument: domain.Instrument) -> Unprocessable:
    return Unprocessable(
        f"Анкету {instrument.code} заполняет: {', '.join(domain.ROLES[r] for r in instrument.respondent_roles)}",
        field="role",
    )


Outcome = tuple[dict[str, Any], bool] | UseCaseError
"""A stored response's column values and whether this submit created it, or why not."""


@dataclass(frozen=True)
class Facts:
    """What the database holds about one submission. `prior`: the response stored under its key
    (its columns); `memberships`: all the respondent's pair memberships (role, pair_id,
    academic_year, formed_at); `enrolled_as`: the roles they are enrolled in (any programme;
    only needed for an instrument asking about a programme role); `custom`: the custom
    instrument's row (None: built-in); `campaign`/`invitation`: a campaign submission's rows."""

    respondent: Any
    prior: Mapping[str, Any] | None = None
    memberships: Sequence[Any] = ()
    enrolled_as: Collection[str] = ()
    custom: Any = None
    campaign: Any = None
    invitation: Any = None


def campaign_problem(s: Submission, instrument: domain.Instrument, campaign: Any, invitation: Any, today: date) -> UseCaseError | None:
    """Why a campaign submission is refused: an unknown campaign, another instrument or stage, a
    campaign not open today, a respondent not invited or who already answered."""
    if campaign is None:
        return NotFound(f"Кампания {s.campaign_id} не найдена")
    if (campaign.instrument_code, campaign.instrument_version) != (instrument.code, instrument.version):
        return Unprocessable(
            f"Кампания проводится по анкете {campaign.instrument_code} v{campaign.instrument_version}",
            field="instrument.version" if campaign.instrument_code == instrument.code else "instrument.code",
        )
    if campaign.stage != s.stage:
        return Unprocessable(f"Этап кампании — {campaign.stage or 'не указан'}", field="stage")
    closed = closed_problem(campaign, today)
    if closed is not None:
        return closed
    if invitation is None:
        return NotFound(f"Респондент {s.respondent_id} не приглашён в кампанию {campaign.id}")
    if invitation.status == "completed":
        return Conflict("Ответ в этой кампании уже принят")
    return None


def closed_problem(campaign: Any, today: date) -> Conflict | None:
    """409 while a campaign does not take answers (closed, over, or not begun)."""
    if campaign.status != "open" or today > campaign.closes_on:
        return Conflict("Опрос завершён: ответы больше не принимаются")
    if today < campaign.opens_on:
        return Conflict(f"Опрос начнётся {campaign.opens_on:%d.%m.%Y}")
    return None


def _refusal(s: Submission, instrument: domain.Instrument, facts: Facts, today: date) -> tuple[UseCaseError | None, str | None]:
    """Why a new submission is refused (after scope and key), else the role it answers in (None:
    the one of its pair membership)."""
    role = None
    if s.campaign_id is None:
        role = explicit_role(s, instrument)
        if s.role is not None and role is None:
            return role_mismatch(instrument), None
    problem = domain.programme_role_problem(instrument, {*facts.enrolled_as, *(m.role for m in facts.memberships)})
    if problem:
        return Unprocessable(problem, field="respondent_id"), None
    custom = facts.custom
    if custom is not None and custom.owner_scope == "school" and custom.owner_id != facts.respondent.school_id:
        return Unprocessable(f"Анкета {instrument.code} не найдена", field="instrument.code"), None
    if s.campaign_id is not None:
        refused = campaign_problem(s, instrument, facts.campaign, facts.invitation, today)
        if refused is not None:
            return refused, None
        role = facts.invitation.role
    return None, role


def decide(
    s: Submission, instrument: domain.Instrument, scores: dict[str, float], may_answer: Callable[[Any], bool],
    facts: Facts, today: date,
) -> Outcome:
    """What one submission becomes, given what the database holds (see the module's docstring)."""
    respondent = facts.respondent
    if respondent is None or not may_answer(respondent):
        return NotFound(RESPONDENT_NOT_FOUND)
    if facts.prior is not None:
        return (dict(facts.prior), False) if facts.prior["respondent_id"] == s.respondent_id else key_reused()
    refused, role = _refusal(s, instrument, facts, today)
    if refused is not None:
        return refused
    roles = (role,) if role is not None else instrument.respondent_roles
    membership = max((m for m in facts.memberships if m.role in roles), key=lambda m: m.formed_at, default=None)
    return {
        "id": str(uuid.uuid4()),
        "submission_id": s.submission_id,
        "instrument_code": instrument.code,
        "instrument_version": instrument.version,
        "respondent_id": respondent.participant_id,
        "respondent_role": role or (membership.role if membership else instrument.respondent_role),
        "school_id": respondent.school_id,
        "academic_year": membership.academic_year if membership else academic_year_of(today),
        "pair_id": membership.pair_id if membership else None,
        "stage": s.stage,
        "campaign_id": facts.campaign.id if facts.campaign is not None else None,
        "channel": s.channel,
        "answers": dict(s.answers),
        "scores": scores,
        "anonymised": False,
        "completed_at": utcnow(),
    }, True


def response_facts(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a stored response says of itself, as both its event and the API's answer name it."""
    return {
        "instrument": InstrumentRef(code=values["instrument_code"], version=values["instrument_version"]),
        **{key: values[key] for key in ("respondent_id", "respondent_role", "school_id", "academic_year", "pair_id",
                                        "stage", "scores", "campaign_id")},
    }


def completed_event(values: Mapping[str, Any], programme_id: str | None = None, campaign_form: str | None = None) -> ResponseCompleted:
    """The event announcing a stored response."""
    return ResponseCompleted(
        response_id=values["id"], **response_facts(values), programme_id=programme_id,
        form=domain.response_form(values["instrument_code"], campaign_form),
    )
