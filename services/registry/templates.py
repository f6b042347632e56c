"""The spreadsheet template schools fill in (`nastavnik import --template FILE`): one sheet per
entity with the Russian headers the importer understands, and example rows."""

from __future__ import annotations

from pathlib import Path

from shared import safe_export

from services.registry.spreadsheet import TEMPLATE_HEADERS

EXAMPLES: dict[str, list[list[object]]] = {
    "Школы": [
        ["sch-001", "МБОУ СОШ № 1", "mun-north", "Северный район", "нет", "нет"],
        ["sch-002", "МКОУ ООШ с. Заречное", "mun-river", "Приречный городской округ", "да", "да"],
    ],
    "Партнёры": [
        ["pedcollege", "Педагогический колледж", "колледж", "mun-north"],
        ["plant", "АО «Завод»", "работодатель", "mun-north"],
    ],
    "Педагоги": [
        ["sch-001", "T-0001", "Иванова Анна Петровна", "учитель", "математика; информатика", 24, 1975, "высшая", "нет", "да", "01.09.2026", ""],
        ["sch-001", "T-0002", "Смирнов Илья Олегович", "учитель", "математика", 1, 2000, "", "да", "да", "01.09.2026", ""],
    ],
    "Обучающиеся": [
        ["sch-001", "P-0001", "Соколов Артём", "10А", "да", "законный представитель", "Соколова Елена Ивановна", "02.09.2026", ""],
        ["sch-001", "P-0002", "Лебедева Полина", "6Б", "нет", "", "", "", ""],
    ],
    "Студенты": [
        ["sch-001", "S-0001", "Орлова Дарья", "pedcollege", "да", "03.09.2026", ""],
    ],
    "Работодатели": [
        ["sch-001", "E-0001", "Ковалёв Пётр Ильич", "plant", "главный инженер", "да", "03.09.2026", ""],
    ],
    "Программы": [
        ["sch-001", "PR-2026-1", "Программа наставничества «Вместе»", "2026/2027", "учитель – учитель; ученик – ученик", "T-0001", "формирование пар и групп"],
    ],
    "Зачисления": [
        ["sch-001", "PR-2026-1", "T-0001", "наставник", 3],
        ["sch-001", "PR-2026-1", "T-0002", "наставляемый", ""],
    ],
}


def write_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers in TEMPLATE_HEADERS.items():
        sheet = workbook.create_sheet(title)
        sheet.append(safe_export.row(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in EXAMPLES.get(title, []):
            sheet.append(safe_export.row(row))
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(header) + 4)
    workbook.save(path)
