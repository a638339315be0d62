"""The export's file names and cells (compliance/export.py), for any input:
a document's name never leaves its folder in the zip, and no cell starts a
spreadsheet formula."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from firmdesk.compliance.export import FORMULA_STARTS, _cell, _csv, _safe


@given(st.text())
def test_a_documents_name_stays_inside_its_folder(name):
    safe = _safe(name)
    assert safe and len(safe) <= 120
    assert "/" not in safe and "\\" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")


@given(st.text())
def test_no_cell_starts_a_formula(text):
    cell = _cell(text)
    assert cell[:1] not in FORMULA_STARTS
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_the_csv_reads_back_row_for_row(rows):
    data = _csv(["a", "b"], rows).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(data, newline="")))
    assert read[0] == ["a", "b"]
    assert read[1:] == [[_cell(c) for c in r] for r in rows]
