"""The web form at a respondent's personal link: Russian, phone-sized, accessible, and fully
usable without JavaScript (plain HTML form posts; the server keeps the draft and lists what is
missing). The optional script only moves focus to the error summary."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.errors import NotFound

from services.surveys import domain
from services.surveys.service import FormState, SurveysService

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True,
)


def build_form_router(service: SurveysService) -> APIRouter:
    router = APIRouter(tags=["web form"], include_in_schema=False)

    @router.get("/form/{token}", response_class=HTMLResponse)
    async def show(token: str, saved: int = 0) -> HTMLResponse:
        try:
            state = await service.form(token)
        except NotFound:
            return _page("gone.html", 404)
        return _render(state, [], saved=bool(saved))

    @router.post("/form/{token}", response_class=HTMLResponse, response_model=None)
    async def post(token: str, request: Request) -> HTMLResponse | RedirectResponse:
        form = await request.form()
        fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k != "action"]
        action = form.get("action", "submit")
        try:
            if action == "draft":
                await service.save_draft(token, fields)
                return RedirectResponse(f"./{token}?saved=1", status_code=303)
            state, problems = await service.submit_form(token, fields)
        except NotFound:
            return _page("gone.html", 404)
        if problems:
            return _render(state, problems, status_code=422)
        return RedirectResponse(f"./{token}", status_code=303)

    return router


def _page(name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status_code)


def _render(state: FormState, problems: list[domain.AnswerProblem], *, saved: bool = False, status_code: int = 200) -> HTMLResponse:
    by_item = {p.item: p.message for p in problems}
    items = {i.code: i for i in state.instrument.items}
    summary = [(p.item, items[p.item].text if p.item in items else p.item, p.message) for p in problems]
    return _page(
        "form.html",
        status_code,
        state=state,
        instrument=state.instrument,
        campaign=state.campaign,
        answers=state.answers,
        errors=by_item,
        summary=summary,
        saved=saved,
        stages=domain.STAGES,
        answered=sum(1 for i in state.instrument.items if state.answers.get(i.code) not in (None, "", [], {})),
        total=len(state.instrument.items),
    )
