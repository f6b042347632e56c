"""The monitoring report as files: XLSX (one sheet per level, values only, Russian headers),
CSV (one table), and a printable PDF with charts. Every column is an indicator of
services.reports.domain.INDICATORS, so a new indicator appears in every export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from services.reports import domain
from services.reports.service import ReportData, ScopeRow

TABLES = {
    "scope": "Итого",
    "municipalities": "Муниципалитеты",
    "schools": "Школы",
    "groups": "ШНОР и остальные",
    "swot": "SWOT по программам и формам",
}
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}
LEVEL_NAMES = {"region": "Регион", "municipality": "Муниципалитет", "school": "Школа", "group": "Группа школ"}


def _font_path() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def table_rows(report: ReportData, table: str) -> list[ScopeRow]:
    if table == "scope":
        return [report.scope]
    return list(getattr(report, table))


def headers() -> list[str]:
    return ["Уровень", "Код", "Наименование", "Входит в", "Низкие результаты", "Сложные условия"] + [
        f"{i.name}, {i.unit}" for i in domain.INDICATORS
    ]


def _row(row: ScopeRow) -> list:
    return [
        LEVEL_NAMES.get(row.level, row.level),
        row.scope_id,
        row.name,
        row.parent,
        "да" if row.low_results else "нет",
        "да" if row.difficult_conditions else "нет",
    ] + [row.values.get(i.code) for i in domain.INDICATORS]


SWOT_SHEET = "SWOT по программам и формам"


def swot_headers() -> list[str]:
    return ["Программа", "Код программы", "Форма наставничества", "Анкет, шт."] + [
        f"{label.capitalize()}, средний балл" for label in domain.SWOT_SCALES.values()
    ]


def swot_rows(report: ReportData) -> list[list]:
    """The title and the id both: schools may give their programmes the same title."""
    return [
        [row.programme_name, row.programme_id, row.form_name, row.responses] + [row.means[scale] for scale in domain.SWOT_SCALES]
        for row in report.swot
    ]


def filename(report: ReportData, fmt: str, table: str | None = None) -> str:
    base = f"monitoring_{report.level}_{report.scope_id}_{report.academic_year.replace('/', '-')}"
    return f"{base}_{table}.{fmt}" if table else f"{base}.{fmt}"


def to_csv(report: ReportData, table: str = "schools") -> bytes:
    """One table of TABLES: a level's indicators, or the SWOT breakdown (table="swot")."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if table == "swot":
        header, rows = swot_headers(), swot_rows(report)
    else:
        header, rows = headers(), [_row(row) for row in table_rows(report, table)]
    writer.writerow(header)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets open Cyrillic correctly


def to_xlsx(report: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    sheets = [("scope", LEVEL_NAMES[report.level])]
    if report.municipalities:
        sheets.append(("municipalities", "Муниципалитеты"))
    if report.level != "school":
        sheets.append(("schools", "Школы"))
    sheets.append(("groups", "ШНОР отдельно"))
    for table, title in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([f"Мониторинг программ наставничества — {report.title}, {report.academic_year} учебный год"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(headers())
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table_rows(report, table):
            sheet.append(_row(row))
        sheet.freeze_panes = "D3"
        sheet.column_dimensions["C"].width = 36
    swot = workbook.create_sheet(SWOT_SHEET)
    swot.append([f"SWOT-анализ по программам и формам — {report.title}, {report.academic_year} учебный год"])
    swot["A1"].font = Font(bold=True)
    swot.append(swot_headers())
    for cell in swot[2]:
        cell.font = Font(bold=True)
    for values in swot_rows(report):
        swot.append(values)
    definitions = workbook.create_sheet("Показатели")
    definitions.append(["Код", "Показатель", "Единица", "Формула"])
    for i in domain.INDICATORS:
        definitions.append([i.code, i.name, i.unit, i.formula])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- charts (matplotlib, Agg) and the PDF (reportlab) --------------------------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = "DejaVu Sans"
    return plt


def _png(fig) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)
    return out.getvalue()


def chart_coverage(rows: list[ScopeRow], title: str) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    names = [r.name[:28] for r in rows] or ["—"]
    pupils = [r.values.get("pupils_in_mentoring_share") or 0 for r in rows] or [0]
    young = [r.values.get("young_specialists_in_mentoring_share") or 0 for r in rows] or [0]
    positions = range(len(names))
    ax.bar([p - 0.2 for p in positions], pupils, width=0.4, label="обучающиеся, %", color="#0b5cad")
    ax.bar([p + 0.2 for p in positions], young, width=0.4, label="молодые специалисты, %", color="#2da44e")
    ax.axhline(domain.PUPILS_TARGET, color="#cf222e", linestyle="--", label=f"цель {domain.PUPILS_TARGET:g} %")
    ax.set_xticks(list(positions), names, rotation=30, ha="right", fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return _png(fig)


def chart_satisfaction(row: ScopeRow) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    bands = list(domain.SATISFACTION_BANDS)
    for offset, (who, label, color) in enumerate((("mentee", "наставляемые", "#0b5cad"), ("mentor", "наставники", "#bf8700"))):
        shares = [row.values.get(f"{who}_satisfaction_{b}_share") or 0 for b in bands]
        ax.bar([i + offset * 0.4 - 0.2 for i in range(len(bands))], shares, width=0.4, label=label, color=color)
    ax.set_xticks(range(len(bands)), [domain.SATISFACTION_BANDS[b][0] for b in bands])
    ax.set_ylabel("% анкет")
    ax.set_title("Удовлетворённость: распределение оценок", fontsize=10)
    ax.legend(fontsize=7)
    return _png(fig)


def chart_growth(row: ScopeRow) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    areas = list(domain.DEFICIT_AREAS)
    start = [row.values.get(f"deficit_start_{a}") or 0 for a in areas]
    end = [row.values.get(f"deficit_end_{a}") or 0 for a in areas]
    ax.barh([i + 0.2 for i in range(len(areas))], start, height=0.4, label="в начале", color="#cf222e")
    ax.barh([i - 0.2 for i in range(len(areas))], end, height=0.4, label="в конце", color="#2da44e")
    ax.set_yticks(range(len(areas)), [domain.DEFICIT_AREAS[a] for a in areas], fontsize=7)
    ax.set_title("Профессиональные дефициты: средний балл", fontsize=10)
    ax.legend(fontsize=7)
    return _png(fig)


def _programme_cell(name: str, programme_id: str) -> str:
    from xml.sax.saxutils import escape  # reportlab paragraphs are markup

    if not programme_id or name == programme_id:
        return escape(name)
    return f"{escape(name)}<br/><font size=6>{escape(programme_id)}</font>"


def to_pdf(report: ReportData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Image, LongTable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", _font_path()))
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = "DejaVuSans"
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    story = [
        Paragraph(f"Мониторинг программ наставничества: {report.title}", styles["Title"]),
        Paragraph(f"{report.academic_year} учебный год", styles["Heading3"]),
        Spacer(1, 4 * mm),
    ]
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    rows = [["Показатель", "Значение", "Единица"]]
    for i in domain.INDICATORS:
        value = report.scope.values.get(i.code)
        rows.append([Paragraph(i.name, small), "—" if value is None else f"{value:g}", i.unit])
    table = LongTable(rows, colWidths=[110 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(style)
    width = 170 * mm
    children = report.municipalities or report.schools
    story += [
        Image(io.BytesIO(chart_coverage(children[:40], "Охват наставничеством и цель")), width=width, height=width * 3.2 / 7),
        Image(io.BytesIO(chart_satisfaction(report.scope)), width=width, height=width * 2.6 / 7),
        Image(io.BytesIO(chart_growth(report.scope)), width=width, height=width * 3.2 / 7),
        PageBreak(),
        Paragraph("Показатели", styles["Heading2"]),
        table,
    ]
    if report.swot:
        # the title with its id below it: schools may give their programmes the same title
        headers_pdf = swot_headers()
        body = [[Paragraph(h, small) for h in [headers_pdf[0], *headers_pdf[2:]]]]
        body += [
            [Paragraph(_programme_cell(v[0], v[1]), small), Paragraph(str(v[2]), small)] + ["—" if x is None else f"{x:g}" for x in v[3:]]
            for v in swot_rows(report)
        ]
        swot_table = LongTable(body, colWidths=[35 * mm, 35 * mm] + [(width - 70 * mm) / 5] * 5, repeatRows=1)
        swot_table.setStyle(style)
        story += [Spacer(1, 6 * mm), Paragraph(SWOT_SHEET, styles["Heading2"]), swot_table]
    for title, level_rows in (("Муниципалитеты", report.municipalities), ("Школы", report.schools if report.level != "school" else []), ("ШНОР отдельно", report.groups)):
        if not level_rows:
            continue
        header = ["Наименование"] + [domain.BY_CODE[c].name for c in domain.KEY_CODES]
        body = [[Paragraph(header[0], small)] + [Paragraph(h, small) for h in header[1:]]]
        for r in level_rows:
            body.append([Paragraph(r.name, small)] + ["—" if r.values.get(c) is None else f"{r.values[c]:g}" for c in domain.KEY_CODES])
        level_table = LongTable(body, colWidths=[40 * mm] + [(width - 40 * mm) / len(domain.KEY_CODES)] * len(domain.KEY_CODES), repeatRows=1)
        level_table.setStyle(style)
        story += [PageBreak(), Paragraph(title, styles["Heading2"]), level_table]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                      title=f"Мониторинг наставничества — {report.title}").build(story)
    return out.getvalue()


def render(report: ReportData, fmt: str, table: str = "schools") -> bytes:
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "pdf":
        return to_pdf(report)
    if fmt == "csv":
        return to_csv(report, table)
    raise ValueError(f"unknown format {fmt}")
