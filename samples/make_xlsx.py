"""Write samples/xlsx/04_members.xlsx from samples/04_members.csv, as a spreadsheet would hold it.

    .venv/bin/python samples/make_xlsx.py

Dates become date cells (shown dd/mm/yyyy), numbers with leading zeros stay text
cells (a number cell would lose them: 00056789 -> 56789), the header is bold and
frozen. The import reads this file exactly like the CSV.
"""

import csv
import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
DATE_COLUMNS = {"date_of_birth", "start_date", "end_date"}


def main():
    with open(HERE / "04_members.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "members"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        values = []
        for name, value in zip(header, row, strict=True):
            if name in DATE_COLUMNS and value:
                values.append(datetime.datetime.strptime(value, "%d/%m/%Y"))
            else:
                values.append(value or None)
        sheet.append(values)
    for index, name in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(name) + 2)
        if name in DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    # A fixed creation time: the same CSV gives the same workbook contents.
    workbook.properties.created = workbook.properties.modified = datetime.datetime(2026, 1, 1)
    (HERE / "xlsx").mkdir(exist_ok=True)
    workbook.save(HERE / "xlsx" / "04_members.xlsx")


if __name__ == "__main__":
    main()
