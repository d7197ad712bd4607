"""Prints every cell of an .xlsx workbook as openpyxl reads it: per sheet, rows of
[value, data type, number format], so tests check numbers are numbers with their formats.

Usage: xlsx_cells.py FILE.xlsx
"""

import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({
    ws.title: [[[c.value, c.data_type, c.number_format] for c in row] for row in ws.iter_rows()]
    for ws in book.worksheets
}, default=str))
