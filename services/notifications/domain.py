"""What a mail says and to whom it may go: pure rules, no I/O.

Every mail is Russian, plain text with a simple HTML alternative, and carries the full link
(the public origin + the link's path) with the date until which it works."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from shared.formatting import day, moment

MailKind = Literal["invitation", "password_reset", "questionnaire", "reminder"]
MailStatus = Literal["pending", "sent", "bounced"]

PRODUCT = "«Наставник»"
# The HTML alternative of every mail: services/notifications/templates/letter.html (autoescaped).
_LETTERS = Environment(loader=PackageLoader("services.notifications"), autoescape=select_autoescape(["html"]))

INSTRUMENT_TITLES: dict[str, str] = {
    # the titles of the surveys service's instrument library, for subjects: surveys' events
    # carry only the instrument's code (services never import each other)
    "deficit_self_diagnosis": "Самодиагностика профессиональных дефицитов педагога",
    "satisfaction_mentee": "Анкета удовлетворённости (наставляемого)",
    "satisfaction_mentor": "Анкета удовлетворённости (наставника)",
    "curator_questionnaire": "Анкета куратора программы наставничества",
    "growth_measurement": "Входная и итоговая диагностика: мотивация и компетенции",
    "professional_interests_ddo": "Какие профессии мне ближе (ДДО Е. А. Климова)",
}
SWOT_PREFIX = "swot_"

# Deliberately plain: one @, no spaces or line breaks (a line break in a header would let an
# address inject headers), a dot in the domain. The mail server has the last word (a bounce).
_ADDRESS = re.compile(r"^[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]+\.[^@\s<>,;\"]{2,}$")


def valid_address(email: str | None) -> bool:
    """Plain `local@domain.tld`; the local part in ASCII (a Cyrillic one needs SMTPUTF8, which
    most servers lack), the domain may be Cyrillic (`школа.рф`, sent as punycode)."""
    if not email or len(email) > 254 or _ADDRESS.match(email) is None:
        return False
    local, _, host = email.rpartition("@")
    return local.isascii() and ascii_domain(host) is not None


def ascii_domain(host: str) -> str | None:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def smtp_address(email: str) -> str:
    """The address as the mail server is given it: an internationalised domain in punycode."""
    local, _, host = email.rpartition("@")
    return f"{local}@{ascii_domain(host) or host}"


def full_link(public_url: str, path: str) -> str:
    """The link people click: the users' origin and the path the producer gave."""
    return public_url.rstrip("/") + "/" + path.lstrip("/")


def instrument_title(code: str) -> str:
    if code in INSTRUMENT_TITLES:
        return INSTRUMENT_TITLES[code]
    if code.startswith(SWOT_PREFIX):
        return "SWOT-анализ программы наставничества"
    return "анкета мониторинга программы наставничества"


@dataclass(frozen=True)
class MailContent:
    subject: str
    text: str
    html: str


def _compose(subject: str, greeting: str, paragraphs: list[str], link: str, until: str) -> MailContent:
    """One layout for every mail: greeting, what it is about, the link, until when, a footer."""
    footer = (
        "Ссылка личная: не пересылайте её. Если письмо пришло вам по ошибке, просто удалите его.\n"
        f"Это письмо отправлено автоматически системой {PRODUCT}; отвечать на него не нужно."
    )
    text = "\n\n".join([greeting, *paragraphs, link, until, footer]) + "\n"
    markup = _LETTERS.get_template("letter.html").render(
        paragraphs=[greeting, *paragraphs], link=link, until=until, footer_lines=footer.split("\n"),
    )
    return MailContent(subject, text, markup)


def invitation(display_name: str, link: str, expires_at: datetime) -> MailContent:
    return _compose(
        f"Приглашение в систему {PRODUCT}",
        f"Здравствуйте, {display_name}!",
        [
            f"Вас пригласили работать в системе {PRODUCT} — системе сопровождения программ наставничества в школах.",
            "Чтобы войти, откройте ссылку и придумайте пароль:",
        ],
        link,
        f"Ссылка действует до {moment(expires_at)} и открывается один раз.",
    )


def password_reset(display_name: str, link: str, expires_at: datetime) -> MailContent:
    return _compose(
        f"Новый пароль для входа в {PRODUCT}",
        f"Здравствуйте, {display_name}!",
        ["Для вашей учётной записи запрошена смена пароля. Чтобы задать новый пароль, откройте ссылку:"],
        link,
        f"Ссылка действует до {moment(expires_at)} и открывается один раз. Если вы не просили сменить пароль, "
        "ничего не делайте: старый пароль продолжит работать.",
    )


def questionnaire(instrument_code: str, link: str, closes_on: date) -> MailContent:
    title = instrument_title(instrument_code)
    return _compose(
        f"Анкета: {title}",
        "Здравствуйте!",
        [f"Просим вас заполнить анкету «{title}» в рамках программы наставничества вашей школы.",
         "Анкета открывается по личной ссылке, без пароля:"],
        link,
        f"Ответить можно до {day(closes_on)} включительно.",
    )


def reminder(instrument_code: str, link: str, closes_on: date) -> MailContent:
    title = instrument_title(instrument_code)
    return _compose(
        f"Напоминание: {title}",
        "Здравствуйте!",
        [f"Напоминаем: вы ещё не заполнили анкету «{title}».", "Анкета открывается по вашей личной ссылке:"],
        link,
        f"Анкетирование закрывается {day(closes_on)}: ответить можно до этого дня включительно.",
    )


def is_permanent_refusal(code: int | None) -> bool:
    """An SMTP reply in the 5xx class is the server's final word (unknown mailbox, refused
    sender): sending again cannot help. Anything else (4xx, no reply at all) may pass later."""
    return code is not None and 500 <= code < 600


def retry_delay(attempts: int, base: float, cap: float) -> float:
    """Seconds until the next try after `attempts` failed ones: doubling, capped."""
    return min(cap, base * 2 ** max(0, attempts - 1))
