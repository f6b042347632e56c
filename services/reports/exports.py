"""The monitoring report as files: XLSX (one sheet per level, values only, Russian headers),
CSV (one table), and a printable PDF with charts. Every column is an indicator of
services.reports.domain.INDICATORS, so a new indicator appears in every export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from shared import safe_export
from shared.formatting import number, plain_number
from shared.safe_export import file_name, markup

from services.reports import domain
from services.reports.queries import ReportData, ScopeRow

if TYPE_CHECKING:
    from services.reports.analysis_cases import Document

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


def breakdown_sheet_title(table: domain.Breakdown, number_: int) -> str:
    """An XLSX sheet's name: at most 31 characters, no []:*?/\\, unique by its number."""
    name = "".join(c for c in table.title if c not in "[]:*?/\\")
    return f"{number_}. {name}"[:31]


def filename(report: ReportData, fmt: str, table: str | None = None) -> str:
    base = f"monitoring_{report.level}_{report.scope_id}_{report.academic_year.replace('/', '-')}"
    return file_name(f"{base}_{table}.{fmt}" if table else f"{base}.{fmt}")  # a scope id may hold anything


def csv_cell(value: object) -> str:
    """A CSV cell for Excel with a Russian locale: numbers with a decimal comma and no thousands
    separator (read as numbers, not text), nothing for no value, text never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int | float):
        return plain_number(value)
    return str(safe_export.cell(str(value)))


def pdf_number(value: float | int | None) -> str:
    """A number in the PDF as on the pages: decimal comma, «—» for no value."""
    return number(value)


def to_csv(report: ReportData, table: str = "schools") -> bytes:
    """One table of TABLES: a level's indicators, or the SWOT breakdown (table="swot").
    `;`-separated, UTF-8 with a BOM, decimal commas: Excel with a Russian locale opens it as is."""
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
        writer.writerow([csv_cell(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets open Cyrillic correctly


ANALYSIS_SHEET = "Анализ"
ANALYSIS_TITLE = "Анализ и рекомендации"


def _analysis_sheet(workbook, report: ReportData, written: Document) -> None:  # noqa: ANN001
    """The written analysis first: its status, then each section's title and text (a cell per paragraph)."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(ANALYSIS_SHEET)
    sheet.column_dimensions["A"].width = 110
    sheet.append(safe_export.row([f"{ANALYSIS_TITLE} — {report.title}, {report.academic_year} учебный год"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([written.status])
    sheet["A2"].font = Font(italic=True, color="000000" if written.approved else "9A6700")
    for section in written.sections:
        sheet.append([])
        sheet.append(safe_export.row([section.title]))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for paragraph in section.text.split("\n"):
            sheet.append(safe_export.row([paragraph]))  # typed text stays text: «=…» is not a formula
            cell = sheet.cell(sheet.max_row, 1)
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(report: ReportData, written: Document | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    if written is not None:
        _analysis_sheet(workbook, report, written)
    sheets = [("scope", LEVEL_NAMES[report.level])]
    if report.municipalities:
        sheets.append(("municipalities", "Муниципалитеты"))
    if report.level != "school":
        sheets.append(("schools", "Школы"))
    sheets.append(("groups", "ШНОР отдельно"))
    for table, title in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(safe_export.row([f"Мониторинг программ наставничества — {report.title}, {report.academic_year} учебный год"]))
        sheet["A1"].font = Font(bold=True)
        sheet.append(headers())
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for scope_row in table_rows(report, table):
            sheet.append(safe_export.row(_row(scope_row)))
        sheet.freeze_panes = "D3"
        sheet.column_dimensions["C"].width = 36
    swot = workbook.create_sheet(SWOT_SHEET)
    swot.append(safe_export.row([f"SWOT-анализ по программам и формам — {report.title}, {report.academic_year} учебный год"]))
    swot["A1"].font = Font(bold=True)
    swot.append(swot_headers())
    for cell in swot[2]:
        cell.font = Font(bold=True)
    for values in swot_rows(report):
        swot.append(safe_export.row(values))
    for number_, table in enumerate(report.breakdowns, start=1):
        sheet = workbook.create_sheet(breakdown_sheet_title(table, number_))
        sheet.append(safe_export.row([f"{table.title} — {report.title}, {report.academic_year} учебный год"]))
        sheet["A1"].font = Font(bold=True)
        sheet.append(safe_export.row(table.headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in table.rows:
            sheet.append(safe_export.row(list(values)))
        if table.note:
            sheet.append([])
            sheet.append(safe_export.row([table.note]))
        sheet.column_dimensions["A"].width = 36
    definitions = workbook.create_sheet("Показатели")
    definitions.append(["Код", "Показатель", "Единица", "Формула"])
    for i in domain.INDICATORS:
        definitions.append(safe_export.row([i.code, i.name, i.unit, i.formula]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- charts (matplotlib, Agg) and the PDF (reportlab) --------------------------------------


def _pyplot() -> ModuleType:
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


def _comma(axis) -> None:  # noqa: ANN001
    """A value axis reads as on the pages: «0,5», not «0.5»."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: number(value)))


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
    _comma(ax.yaxis)
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
    _comma(ax.yaxis)
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
    _comma(ax.xaxis)
    ax.set_title("Профессиональные дефициты: средний балл", fontsize=10)
    ax.legend(fontsize=7)
    return _png(fig)


def _programme_cell(name: str, programme_id: str) -> str:
    if not programme_id or name == programme_id:
        return markup(name)
    return f"{markup(name)}<br/><font size=6>{markup(programme_id)}</font>"


def to_pdf(report: ReportData, written: Document | None = None) -> bytes:
    """A4: title, charts and the indicators in portrait; the wide level tables (15 columns) on
    landscape pages. Numbers with a decimal comma; every heading a Paragraph, so it wraps in its
    column instead of running into the next one."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        Image,
        LongTable,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        TableStyle,
    )

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", _font_path()))
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = "DejaVuSans"
    styles["Heading2"].keepWithNext = 1  # a table's title never ends a page without its table
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    head = small.clone("head", fontSize=7, leading=8.5, textColor=colors.HexColor("#1b1b1b"))
    head_num = head.clone("head_num", alignment=2)  # right, over right-aligned numbers

    def heads(texts: list[str], numeric_from: int) -> list:
        return [Paragraph(markup(t), head_num if k >= numeric_from else head) for k, t in enumerate(texts)]

    story = [
        Paragraph(f"Мониторинг программ наставничества: {markup(report.title)}", styles["Title"]),
        Paragraph(f"{markup(report.academic_year)} учебный год", styles["Heading3"]),
        Spacer(1, 4 * mm),
    ]
    if written is not None:
        # the written analysis opens the report; every text is escaped (names may hold «<», «&»)
        status_style = styles["BodyText"].clone("analysis_status", textColor=colors.HexColor("#1a7f37" if written.approved else "#9a6700"))
        story += [Paragraph(ANALYSIS_TITLE, styles["Heading2"]), Paragraph(markup(written.status), status_style)]
        for section in written.sections:
            story.append(Paragraph(markup(section.title), styles["Heading3"]))
            story += [Paragraph(markup(line), styles["BodyText"]) for line in section.text.split("\n") if line.strip()]
        story.append(PageBreak())

    def style(numeric_from: int) -> TableStyle:
        return TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
            ]
        )

    rows = [heads(["Показатель", "Значение", "Единица"], 1)]
    for i in domain.INDICATORS:
        rows.append([Paragraph(markup(i.name), small), pdf_number(report.scope.values.get(i.code)), i.unit])
    table = LongTable(rows, colWidths=[110 * mm, 25 * mm, 30 * mm], repeatRows=1, hAlign="LEFT")
    indicator_style = style(1)
    indicator_style.add("ALIGN", (2, 1), (2, -1), "LEFT")
    table.setStyle(indicator_style)
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
        body = [heads([headers_pdf[0], *headers_pdf[2:]], 2)]
        body += [
            [Paragraph(_programme_cell(v[0], v[1]), small), Paragraph(markup(str(v[2])), small)] + [pdf_number(x) for x in v[3:]]
            for v in swot_rows(report)
        ]
        swot_table = LongTable(body, colWidths=[33 * mm, 27 * mm, 14 * mm] + [(width - 74 * mm) / 4] * 4, repeatRows=1, hAlign="LEFT")
        swot_table.setStyle(style(2))
        story += [Spacer(1, 6 * mm), Paragraph(SWOT_SHEET, styles["Heading2"]), swot_table]
    for table in report.breakdowns:
        first_width = 60 * mm
        texts = sum(1 for v in table.rows[0] if isinstance(v, str))  # the leading text columns
        widths = [first_width] + [30 * mm] * (texts - 1)
        rest = len(table.headers) - texts
        widths += [(width - sum(widths)) / rest] * rest
        body = [heads(list(table.headers), texts)]
        body += [[Paragraph(markup(v), small) if isinstance(v, str) else domain.SMALL_GROUP if v is None else pdf_number(v)
                  for v in values] for values in table.rows]
        breakdown_table = LongTable(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
        breakdown_table.setStyle(style(texts))
        story += [Spacer(1, 6 * mm), Paragraph(markup(table.title), styles["Heading2"]), breakdown_table]
        if table.note:
            story.append(Paragraph(markup(table.note + "."), small))
    wide = 267 * mm  # landscape A4 between the margins
    # the 14 key indicators in two tables of 7 columns: every heading wraps between words
    halves = (("участники и пары", domain.KEY_CODES[:7]), ("охват, качество, планы и опросы", domain.KEY_CODES[7:]))
    first_wide = True
    for title, level_rows in (("Муниципалитеты", report.municipalities), ("Школы", report.schools if report.level != "school" else []), ("ШНОР отдельно", report.groups)):
        if not level_rows:
            continue
        for part, (subtitle, codes) in enumerate(halves):
            header = ["Наименование"] + [f"{domain.BY_CODE[c].name}, {domain.BY_CODE[c].unit}" for c in codes]
            body = [heads(header, 1)]
            for r in level_rows:
                body.append([Paragraph(markup(r.name), small)] + [pdf_number(r.values.get(c)) for c in codes])
            name_width = 57 * mm
            level_table = LongTable(body, colWidths=[name_width] + [(wide - name_width) / len(codes)] * len(codes), repeatRows=1, hAlign="LEFT")
            level_table.setStyle(style(1))
            if first_wide:
                story += [NextPageTemplate("landscape")]
                first_wide = False
            story += [PageBreak(), Paragraph(f"{title}: {subtitle} ({part + 1} из {len(halves)})", styles["Heading2"]), level_table]
    out = io.BytesIO()
    margin = 15 * mm
    portrait_size, landscape_size = A4, landscape(A4)
    document = BaseDocTemplate(out, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
                               title=f"Мониторинг наставничества — {report.title}")

    def page(name: str, size: tuple[float, float]) -> PageTemplate:
        frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, id=name, leftPadding=0, rightPadding=0)
        return PageTemplate(id=name, frames=[frame], pagesize=size)

    document.addPageTemplates([page("portrait", portrait_size), page("landscape", landscape_size)])
    document.build(story)
    return out.getvalue()


def render(report: ReportData, fmt: str, table: str = "schools", written: Document | None = None) -> bytes:
    """`written`: the analysis the PDF and XLSX open with (none in a CSV, a single table)."""
    if fmt == "xlsx":
        return to_xlsx(report, written)
    if fmt == "pdf":
        return to_pdf(report, written)
    if fmt == "csv":
        return to_csv(report, table)
    raise ValueError(f"unknown format {fmt}")
