"""Prints how each sheet of an .xlsx workbook prints, as openpyxl reads it: orientation, paper
size, pages wide and tall it is fitted to, the rows repeated on every page, and the footer.

Usage: xlsx_print.py FILE.xlsx
"""

import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({
    ws.title: {
        "orientation": ws.page_setup.orientation,
        "paper_size": ws.page_setup.paperSize,
        "fit_to_page": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
        # Absent means the format's default, 1 (writers leave the default out).
        "fit_width": 1 if ws.page_setup.fitToWidth is None else int(ws.page_setup.fitToWidth),
        "fit_height": 1 if ws.page_setup.fitToHeight is None else int(ws.page_setup.fitToHeight),
        "title_rows": ws.print_title_rows,
        "footer": ws.oddFooter.left.text is not None and ws.oddFooter.right.text is not None,
    }
    for ws in book.worksheets
}, default=str))
