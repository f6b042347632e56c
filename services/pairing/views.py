"""What the pairing pages read: lists and counts for one signed-in person, in their scope, in a
few grouped queries each (a matching result of 500 mentees is one page of proposals, never the
whole run with every candidate of the region). Writes go through service.py's use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import col, func, or_, select

from shared import clock
from shared.auth import Principal
from shared.db import Database
from shared.errors import NotFound

from services.pairing.domain import FORM_CATEGORIES, UNMATCHED_REASONS
from services.pairing.models import (
    Candidate,
    MatchingRun,
    Pair,
    PairMentee,
    Plan,
    PlanMeasure,
    Programme,
    ProgrammeEnrolment,
    Proposal,
    School,
)
from services.pairing.service import CURATORS

REMOVED = "участник удалён"
PAGE_SIZE = 50
DUE_SOON = timedelta(days=7)


@dataclass
class ProgrammeRow:
    programme_id: str
    title: str
    school_id: str
    mentors: int = 0
    mentees: int = 0
    paired: int = 0
    open_proposals: int = 0
    latest_run_id: str | None = None

    @property
    def unpaired(self) -> int:
        return max(self.mentees - self.paired, 0)


@dataclass
class PersonOption:
    participant_id: str
    name: str
    capacity: int | None = None
    load: int = 0
    category: str | None = None

    @property
    def free(self) -> int:
        return max((self.capacity or 1) - self.load, 0)


@dataclass
class PairRow:
    pair: Pair
    programme_title: str
    mentor_name: str
    mentees: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    goals: int = 0
    measures_done: int = 0
    measures_total: int = 0

    @property
    def mentee_names(self) -> str:
        return ", ".join(name for _, name in self.mentees)


@dataclass
class RunPage:
    run: MatchingRun
    programme_title: str
    proposals: list[Proposal]
    proposals_total: int
    page: int
    pages: int
    statuses: dict[str, int]
    unmatched: list[dict]
    unmatched_page: int
    unmatched_pages: int
    reasons: dict[str, int]
    names: dict[str, str]


class PairingViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the curator's programmes -------------------------------------------------------------

    async def programmes(self, principal: Principal) -> list[ProgrammeRow]:
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            enrolled = select(ProgrammeEnrolment.programme_id, ProgrammeEnrolment.school_id, ProgrammeEnrolment.role, func.count())
            if schools is not None:
                enrolled = enrolled.where(col(ProgrammeEnrolment.school_id).in_(schools))
            enrolled = enrolled.group_by(ProgrammeEnrolment.programme_id, ProgrammeEnrolment.school_id, ProgrammeEnrolment.role)
            rows: dict[str, ProgrammeRow] = {}
            titles = await _titles(session, schools)
            for programme_id, school_id, role, n in (await session.exec(enrolled)).all():
                title = titles[programme_id][0] if programme_id in titles else _untitled(programme_id)
                row = rows.setdefault(programme_id, ProgrammeRow(programme_id, title, school_id))
                if role == "mentor":
                    row.mentors += n
                elif role == "mentee":
                    row.mentees += n
            for programme_id, (title, school_id) in titles.items():
                rows.setdefault(programme_id, ProgrammeRow(programme_id, title, school_id))
            if not rows:
                return []
            ids = list(rows)
            paired = (
                select(Pair.programme_id, func.count())
                .select_from(PairMentee)
                .join(Pair, col(Pair.id) == col(PairMentee.pair_id))
                .where(col(Pair.programme_id).in_(ids), Pair.status == "formed")
            )
            if schools is not None:
                paired = paired.where(col(Pair.school_id).in_(schools))
            for programme_id, n in (await session.exec(paired.group_by(Pair.programme_id))).all():
                rows[programme_id].paired = n
            proposed = select(Proposal.programme_id, func.count()).where(
                col(Proposal.programme_id).in_(ids), Proposal.status == "proposed"
            )
            if schools is not None:
                proposed = proposed.where(col(Proposal.school_id).in_(schools))
            for programme_id, n in (await session.exec(proposed.group_by(Proposal.programme_id))).all():
                rows[programme_id].open_proposals = n
            runs = select(MatchingRun.programme_id, MatchingRun.id, MatchingRun.school_id).where(
                col(MatchingRun.programme_id).in_(ids)
            ).order_by(col(MatchingRun.created_at))
            for programme_id, run_id, school_id in (await session.exec(runs)).all():
                if schools is None or school_id in schools:
                    rows[programme_id].latest_run_id = run_id  # the last one wins
        return sorted(rows.values(), key=lambda r: r.title)

    async def programme_title(self, programme_id: str) -> str:
        async with self.db.sessions() as session:
            programme = await session.get(Programme, programme_id)
        return programme.title if programme else _untitled(programme_id)

    async def latest_run(self, programme_id: str, principal: Principal) -> MatchingRun | None:
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            runs = (
                await session.exec(
                    select(MatchingRun).where(MatchingRun.programme_id == programme_id).order_by(col(MatchingRun.created_at).desc())
                )
            ).all()
        return next((r for r in runs if schools is None or r.school_id in schools), None)

    async def people(self, programme_id: str, principal: Principal) -> tuple[list[PersonOption], list[PersonOption]]:
        """Mentors (with places taken) and mentees not yet in a formed pair, for the manual pair form."""
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            query = select(ProgrammeEnrolment, Candidate).join(
                Candidate, col(Candidate.participant_id) == col(ProgrammeEnrolment.participant_id)
            ).where(ProgrammeEnrolment.programme_id == programme_id)
            if schools is not None:
                query = query.where(col(ProgrammeEnrolment.school_id).in_(schools))
            enrolled = (await session.exec(query)).all()
            paired = set(
                (
                    await session.exec(  # out of the pool: in a formed pair, or through a completed one
                        select(PairMentee.mentee_id)
                        .join(Pair, col(PairMentee.pair_id) == col(Pair.id))
                        .where(Pair.programme_id == programme_id, col(Pair.status).in_(("formed", "completed")))
                    )
                ).all()
            )
            mentor_ids = [person.participant_id for enrolment, person in enrolled if enrolment.role == "mentor"]
            loads = dict(
                (
                    await session.exec(  # places taken in every programme: a capacity is the mentor's whole limit
                        select(Pair.mentor_id, func.count())
                        .join(PairMentee, col(PairMentee.pair_id) == col(Pair.id))
                        .where(Pair.status == "formed", or_(col(Pair.how).is_(None), Pair.how != "flash"), col(Pair.mentor_id).in_(mentor_ids))
                        .group_by(Pair.mentor_id)
                    )
                ).all()
            )
        mentors, mentees = [], []
        for enrolment, person in enrolled:
            option = PersonOption(person.participant_id, person.display_name, enrolment.capacity,
                                  loads.get(person.participant_id, 0), person.category)
            if enrolment.role == "mentor":
                mentors.append(option)
            elif enrolment.role == "mentee" and person.participant_id not in paired:
                mentees.append(option)
        return sorted(mentors, key=lambda p: p.name), sorted(mentees, key=lambda p: p.name)

    # -- a run's result, a page at a time ---------------------------------------------------------

    async def run_page(self, programme_id: str, run_id: str, principal: Principal, page: int, unmatched_page: int) -> RunPage:
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            run = await session.get(MatchingRun, run_id)
            if run is None or run.programme_id != programme_id or not (schools is None or run.school_id in schools):
                raise NotFound(f"Подбор {run_id} не найден")
            statuses = dict((
                    await session.exec(
                        select(Proposal.status, func.count()).where(Proposal.run_id == run_id).group_by(Proposal.status)
                    )
                ).all())
            total = sum(statuses.values())
            pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
            page = min(max(page, 1), pages)
            proposals = (
                await session.exec(
                    select(Proposal)
                    .where(Proposal.run_id == run_id)
                    .order_by(col(Proposal.score).desc(), col(Proposal.mentor_id), col(Proposal.id))
                    .offset((page - 1) * PAGE_SIZE)
                    .limit(PAGE_SIZE)
                )
            ).all()
            unmatched_pages = max((len(run.unmatched) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
            unmatched_page = min(max(unmatched_page, 1), unmatched_pages)
            unmatched = run.unmatched[(unmatched_page - 1) * PAGE_SIZE : unmatched_page * PAGE_SIZE]
            reasons: dict[str, int] = {}
            for item in run.unmatched:
                reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
            ids = {p.mentor_id for p in proposals} | {m["mentee_id"] for p in proposals for m in p.members}
            ids |= {u["mentee_id"] for u in unmatched}
            names = await _names(session, ids)
            programme = await session.get(Programme, programme_id)
        return RunPage(
            run=run, programme_title=programme.title if programme else _untitled(programme_id), proposals=list(proposals),
            proposals_total=total, page=page, pages=pages, statuses=statuses, unmatched=unmatched,
            unmatched_page=unmatched_page, unmatched_pages=unmatched_pages,
            reasons={UNMATCHED_REASONS.get(k, k): n for k, n in reasons.items()}, names=names,
        )

    async def proposal(self, programme_id: str, proposal_id: str, principal: Principal) -> tuple[Proposal, dict[str, str]]:
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            proposal = await session.get(Proposal, proposal_id)
            if proposal is None or proposal.programme_id != programme_id or not (schools is None or proposal.school_id in schools):
                raise NotFound(f"Предложение {proposal_id} не найдено")
            names = await _names(session, {proposal.mentor_id, *(m["mentee_id"] for m in proposal.members)})
        return proposal, names

    async def replacement_mentors(self, proposal: Proposal, principal: Principal) -> list[PersonOption]:
        """Mentors who could take the proposal's mentees: the form's category, not the proposed one."""
        mentors, _ = await self.people(proposal.programme_id, principal)
        category = FORM_CATEGORIES.get(proposal.form, ("teacher", "teacher"))[0]
        return [m for m in mentors if m.participant_id != proposal.mentor_id and m.category == category]

    # -- pairs and plans ---------------------------------------------------------------------------

    async def pairs(
        self, principal: Principal, *, programme_id: str | None = None, state: str | None = None,
        page: int = 1, without_plan: bool = False,
    ) -> tuple[list[PairRow], int]:
        """The curator's pairs (filtered), a page of them, and how many pages there are."""
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            query = select(Pair)
            if schools is not None:
                query = query.where(col(Pair.school_id).in_(schools))
            if programme_id:
                query = query.where(Pair.programme_id == programme_id)
            if state:
                query = query.where(Pair.status == state)
            if without_plan:
                query = query.where(*_without_plan())
            count = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            pages = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
            page = min(max(page, 1), pages)
            found = (
                await session.exec(
                    query.order_by(col(Pair.status) != "formed", col(Pair.formed_at).desc(), col(Pair.id))
                    .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
                )
            ).all()
            return await _pair_rows(session, list(found)), pages

    async def my_pairs(self, principal: Principal) -> list[PairRow]:
        async with self.db.sessions() as session:
            if principal.role == "mentor":
                query = select(Pair).where(Pair.mentor_id == principal.sub)
            else:
                mine = select(PairMentee.pair_id).where(PairMentee.mentee_id == principal.sub)
                query = select(Pair).where(col(Pair.id).in_(mine))
            found = (await session.exec(query.order_by(col(Pair.status) != "formed", col(Pair.formed_at).desc()))).all()
            return await _pair_rows(session, list(found))

    async def pair_row(self, pair: Pair) -> PairRow:
        async with self.db.sessions() as session:
            return (await _pair_rows(session, [pair]))[0]

    # -- what to do now -------------------------------------------------------------------------------

    async def todo(self, principal: Principal) -> list[tuple[str, str]]:
        """(text, link) per thing this person has to do now in pairing."""
        if principal.role in CURATORS:
            return await self._curator_todo(principal)
        async with self.db.sessions() as session:
            if principal.role == "mentor":
                query = select(Pair).where(Pair.mentor_id == principal.sub, Pair.status == "formed")
            elif principal.role == "mentee":
                mine = select(PairMentee.pair_id).where(PairMentee.mentee_id == principal.sub)
                query = select(Pair).where(col(Pair.id).in_(mine), Pair.status == "formed")
            else:
                return []
            pairs = {p.id: p for p in (await session.exec(query)).all()}
            if not pairs:
                return []
            plans = {p.pair_id: p for p in (await session.exec(select(Plan).where(col(Plan.pair_id).in_(pairs)))).all()}
            measures = (await session.exec(select(PlanMeasure).where(col(PlanMeasure.pair_id).in_(pairs)))).all()
            names = await _names(session, {p.mentor_id for p in pairs.values()} | await _mentees_of(session, list(pairs)))
        tasks = []
        if principal.role == "mentor":
            mentees = await self._mentee_names(list(pairs))
            for pair_id in pairs:
                if pair_id not in plans or not plans[pair_id].goals:
                    tasks.append((f"Поставьте цели плана развития с {mentees.get(pair_id, REMOVED)}", f"/pairing/my/{pair_id}"))
            soon = clock.today() + DUE_SOON
            for m in measures:
                if m.done_on is None and m.due_on <= soon:
                    late = "просрочено" if m.due_on < clock.today() else "срок"
                    tasks.append((f"Мероприятие «{m.title}»: {late} {m.due_on:%d.%m.%Y}", f"/pairing/my/{m.pair_id}#m-{m.id}"))
        else:
            for m in measures:
                if m.done_on is not None and not m.mentee_view:
                    mentor = names.get(pairs[m.pair_id].mentor_id, REMOVED)
                    tasks.append((f"Напишите, что вам дало мероприятие «{m.title}» (наставник {mentor})", f"/pairing/my/{m.pair_id}#m-{m.id}"))
        return tasks

    async def _curator_todo(self, principal: Principal) -> list[tuple[str, str]]:
        tasks = []
        for row in await self.programmes(principal):
            if row.open_proposals and row.latest_run_id:
                tasks.append((f"«{row.title}»: предложенных пар ждут решения — {row.open_proposals}",
                              f"/pairing/matching/{row.programme_id}/runs/{row.latest_run_id}"))
            elif row.unpaired and row.mentors:
                tasks.append((f"«{row.title}»: наставляемых без пары — {row.unpaired}", f"/pairing/matching/{row.programme_id}"))
        async with self.db.sessions() as session:
            schools = await _visible_schools(session, principal)
            query = select(func.count()).select_from(Pair).where(*_without_plan())
            if schools is not None:
                query = query.where(col(Pair.school_id).in_(schools))
            without_plan = (await session.exec(query)).one()
        if without_plan:
            tasks.append((f"Пары без плана развития — {without_plan}", "/pairing/pairs?state=formed&plan=none"))
        return tasks

    async def _mentee_names(self, pair_ids: list[str]) -> dict[str, str]:
        async with self.db.sessions() as session:
            rows = (await session.exec(select(PairMentee).where(col(PairMentee.pair_id).in_(pair_ids)))).all()
            names = await _names(session, {r.mentee_id for r in rows})
        found: dict[str, list[str]] = {}
        for r in rows:
            found.setdefault(r.pair_id, []).append(names.get(r.mentee_id, REMOVED))
        return {k: ", ".join(v) for k, v in found.items()}


def _without_plan() -> tuple:
    """A formed pair whose plan has neither goals nor measures."""
    with_goals = select(Plan.pair_id).where(func.json_array_length(Plan.goals) > 0)
    return Pair.status == "formed", col(Pair.id).not_in(select(PlanMeasure.pair_id)), col(Pair.id).not_in(with_goals)


async def _visible_schools(session, principal: Principal) -> list[str] | None:  # noqa: ANN001
    """The schools this person may see; None = all (the region's staff)."""
    if principal.scope == "region":
        return None
    if principal.scope == "school":
        return [principal.scope_id]
    return list((await session.exec(select(School.school_id).where(School.municipality_id == principal.scope_id))).all())


async def _titles(session, schools: list[str] | None) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    query = select(Programme)
    if schools is not None:
        query = query.where(col(Programme.school_id).in_(schools))
    return {p.programme_id: (p.title, p.school_id) for p in (await session.exec(query)).all()}


def _untitled(programme_id: str) -> str:
    return f"Программа {programme_id[:8]}"


async def _names(session, ids: set[str]) -> dict[str, str]:  # noqa: ANN001
    if not ids:
        return {}
    rows = (await session.exec(select(Candidate.participant_id, Candidate.display_name).where(col(Candidate.participant_id).in_(ids)))).all()
    return dict(rows)


async def _mentees_of(session, pair_ids: list[str]) -> set[str]:  # noqa: ANN001
    return set((await session.exec(select(PairMentee.mentee_id).where(col(PairMentee.pair_id).in_(pair_ids)))).all())


async def _pair_rows(session, pairs: list[Pair]) -> list[PairRow]:  # noqa: ANN001
    if not pairs:
        return []
    ids = [p.id for p in pairs]
    members = (await session.exec(select(PairMentee).where(col(PairMentee.pair_id).in_(ids)))).all()
    names = await _names(session, {p.mentor_id for p in pairs} | {m.mentee_id for m in members})
    titles = {
        p.programme_id: p.title
        for p in (await session.exec(select(Programme).where(col(Programme.programme_id).in_({p.programme_id for p in pairs})))).all()
    }
    goals = {p.pair_id: len(p.goals or []) for p in (await session.exec(select(Plan).where(col(Plan.pair_id).in_(ids)))).all()}
    counts = (
        await session.exec(
            select(PlanMeasure.pair_id, func.count(), func.count(col(PlanMeasure.done_on)))
            .where(col(PlanMeasure.pair_id).in_(ids))
            .group_by(PlanMeasure.pair_id)
        )
    ).all()
    measures = {pair_id: (done, total) for pair_id, total, done in counts}
    rows = []
    for pair in pairs:
        done, total = measures.get(pair.id, (0, 0))
        rows.append(
            PairRow(
                pair=pair,
                programme_title=titles.get(pair.programme_id, _untitled(pair.programme_id)),
                mentor_name=names.get(pair.mentor_id, REMOVED),
                mentees=[(m.mentee_id, names.get(m.mentee_id, REMOVED)) for m in members if m.pair_id == pair.id],
                goals=goals.get(pair.id, 0),
                measures_done=done,
                measures_total=total,
            )
        )
    return rows
