"""What each role finds in the menu: one list for the whole product, so that the four services'
pages show the same navigation. Paths are absolute (one origin: the embedded process or the
reverse proxy of deploy/nginx)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.auth import Principal

HOME = "/registry/"
SIGN_IN = "/registry/sign-in"
SIGN_OUT = "/registry/sign-out"

ROLE_NAMES = {
    "region_admin": "администратор региона",
    "municipal_coordinator": "муниципальный координатор",
    "school_curator": "куратор школы",
    "mentor": "наставник",
    "mentee": "наставляемый",
    "integration": "информационная система",
    "data_protection_officer": "ответственный за обработку персональных данных",
}


@dataclass(frozen=True)
class Link:
    label: str
    href: str


MENU: dict[str, tuple[Link, ...]] = {
    "region_admin": (
        Link("Главная", HOME),
        Link("Мониторинг", "/reports/dashboard"),
        Link("Школы", "/registry/schools"),
        Link("Документы школ", "/registry/documents"),
        Link("Загрузка данных", "/registry/imports"),
        Link("Анкетирования", "/surveys/campaigns"),
        Link("Ответы", "/surveys/answers"),
        Link("Выгрузки", "/reports/exports"),
        Link("Предметы", "/pairing/subjects"),
        Link("Учётные записи", "/registry/accounts"),
        Link("Письма", "/notifications/mail"),
        Link("Банк практик", "/practices/review"),
        Link("Дорожная карта", "/practices/roadmap"),
    ),
    "municipal_coordinator": (
        Link("Главная", HOME),
        Link("Мониторинг", "/reports/dashboard"),
        Link("Школы", "/reports/schools"),
        Link("Документы школ", "/registry/documents"),
        Link("Анкетирования", "/surveys/campaigns"),
        Link("Ответы", "/surveys/answers"),
        Link("Выгрузки", "/reports/exports"),
        Link("Банк практик", "/practices/"),
    ),
    "school_curator": (
        Link("Главная", HOME),
        Link("Люди", "/registry/people"),
        Link("Программы", "/registry/programmes"),
        Link("Обучение наставников", "/registry/training"),
        Link("Подбор пар", "/pairing/matching"),
        Link("Пары и планы", "/pairing/pairs"),
        Link("Анкетирования", "/surveys/campaigns"),
        Link("Ответы", "/surveys/answers"),
        Link("Мониторинг", "/reports/dashboard"),
        Link("Учётные записи", "/registry/accounts"),
        Link("Банк практик", "/practices/"),
    ),
    "mentor": (
        Link("Главная", HOME),
        Link("Мои наставляемые", "/pairing/my"),
        Link("Мои анкеты", "/surveys/my"),
        Link("Моё обучение", "/registry/my/training"),
        Link("Банк практик", "/practices/"),
    ),
    "mentee": (
        Link("Главная", HOME),
        Link("Мой наставник и план", "/pairing/my"),
        Link("Мои анкеты", "/surveys/my"),
        Link("Мой рост", "/surveys/my/growth"),
    ),
    "integration": (),
    # the audit of personal data, kept by each service that holds it (shared/audit.py)
    "data_protection_officer": (
        Link("Главная", HOME),
        Link("Журнал: реестр", "/registry/audit"),
        Link("Журнал: пары", "/pairing/audit"),
        Link("Журнал: анкеты", "/surveys/audit"),
        Link("Журнал: письма", "/notifications/audit"),
        Link("Журнал: банк практик", "/practices/audit"),
    ),
}


def menu_for(principal: Principal | None) -> tuple[Link, ...]:
    return MENU.get(principal.role, ()) if principal else ()


def current_link(menu: tuple[Link, ...], path: str) -> Link | None:
    """The menu item of the page at `path`: the longest href it starts with (/surveys/my/growth is
    «Мой рост», not «Мои анкеты»); the home page only for itself."""
    matches = [link for link in menu if path == link.href or (link.href != HOME and path.startswith(link.href.rstrip("/") + "/"))]
    return max(matches, key=lambda link: len(link.href), default=None)
