"""Invitation letters on paper (PDF, one page per person) for the people of a school who have
no password yet: the curator prints them and hands them out. Cyrillic needs a TTF font: the
DejaVu Sans that matplotlib ships (as services/reports/exports.py does it)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from shared import formatting
from shared.safe_export import markup

from services.registry.accounts import IssuedLink


def _font_path() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def letters_pdf(issued: list[IssuedLink], *, school_name: str, origin: str, region_name: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if "DejaVuSans-Bold" not in pdfmetrics.getRegisteredFontNames():
        from reportlab.lib.fonts import addMapping

        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", _font_path()))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", _font_path().replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")))
        addMapping("DejaVuSans", 0, 0, "DejaVuSans")  # <b> in a paragraph: the bold face
        addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = "DejaVuSans"
    body = styles["BodyText"].clone("letter", fontSize=12, leading=17)
    code = styles["BodyText"].clone("code", fontSize=13, leading=19)
    story: list = []
    for number, link in enumerate(issued):
        if number:
            story.append(PageBreak())
        full = f"{origin}/registry/invite/{link.token}"
        short = f"{origin}/registry/i/{link.token}"
        story += [
            Paragraph(markup(region_name) + " · " + markup(school_name), styles["Heading4"]),
            Paragraph("Приглашение в систему «Наставник»", styles["Title"]),
            Paragraph(f"{markup(link.account.display_name)}, здравствуйте!", styles["Heading2"]),
            Paragraph("Вас пригласили в систему сопровождения программы наставничества школы. В ней вы увидите свою "
                      "пару и план, ответите на анкеты. Чтобы войти в первый раз, откройте ссылку и придумайте пароль "
                      "(не короче 10 символов).", body),
            Spacer(1, 6 * mm),
            Paragraph("Ссылка:", body),
            Paragraph(markup(full), body),
            Spacer(1, 3 * mm),
            Paragraph("Или наберите короткий адрес:", body),
            Paragraph(f"<b>{markup(short)}</b>", code),
            Spacer(1, 6 * mm),
            Paragraph(f"Ваш логин: <b>{markup(link.account.login)}</b>", body),
            Paragraph(f"Ссылка действует до {formatting.day(link.expires_at)} и только один раз.", body),
            Spacer(1, 6 * mm),
            Paragraph("Как входить потом: откройте " + markup(f"{origin}/registry/sign-in") +
                      ", введите логин и пароль. Забыли пароль — обратитесь к куратору школы, он выдаст новое приглашение.", body),
            Paragraph("Никому не передавайте это письмо: по ссылке можно войти под вашим именем.", body),
        ]
    if not story:
        story.append(Paragraph("Все люди школы уже вошли в систему или приглашены по почте.", body))
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Приглашения", leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()
