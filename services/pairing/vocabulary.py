"""The region's vocabulary of subjects (one list, edited by the region's administrator): which
names mean the same subject or belong to a broader one, so that «алгебра» and «геометрия»
count as a shared subject with «математика» in matching."""

from __future__ import annotations

from sqlmodel import delete, select

from shared.auth import Principal
from shared.db import Database
from shared.errors import Forbidden, Unprocessable
from shared.messaging.outbox import UnitOfWork

from services.pairing.commands import ReplaceVocabulary, Term, VocabularyResult
from services.pairing.models import SubjectTerm
from services.pairing.profiles import subject_name, subject_terms


async def load(session) -> dict[str, str]:  # noqa: ANN001
    """The vocabulary as the matcher reads it: name → the subject it belongs to."""
    return {t.name: t.subject for t in (await session.exec(select(SubjectTerm))).all()}


def problems(terms: list[Term]) -> list[str]:
    """Why a list cannot be the vocabulary (Russian, for the region's administrator)."""
    found: list[str] = []
    table: dict[str, str] = {}
    for term in terms:
        name, subject = subject_name(term.name), subject_name(term.subject)
        if not name or not subject:
            found.append("Название предмета не может быть пустым")
        elif name == subject:
            found.append(f"«{term.name}» не может относиться к самому себе")
        elif name in table and table[name] != subject:
            found.append(f"«{term.name}» отнесено к двум предметам: «{table[name]}» и «{subject}»")
        table[name] = subject
    for name in table:
        terms_of = subject_terms(name, table)
        if name in {table[t] for t in terms_of if t in table}:
            found.append(f"«{name}» по цепочке относится к самому себе")
    return found


class SubjectVocabulary:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    async def get(self) -> VocabularyResult:
        async with self.db.sessions() as session:
            table = await load(session)
        return VocabularyResult(terms=[Term(name=k, subject=v) for k, v in sorted(table.items())])

    async def replace(self, request: ReplaceVocabulary, principal: Principal, correlation_id: str | None = None) -> VocabularyResult:
        if principal.role != "region_admin":
            raise Forbidden("Словарь предметов региона ведёт администратор региона")
        found = problems(request.terms)
        if found:
            raise Unprocessable("; ".join(dict.fromkeys(found)), field="terms")
        async with self.uow(correlation_id) as work:
            await work.session.exec(delete(SubjectTerm))
            for term in request.terms:
                work.session.add(SubjectTerm(name=subject_name(term.name), subject=subject_name(term.subject)))
        return await self.get()
