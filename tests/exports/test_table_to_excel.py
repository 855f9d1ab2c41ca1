"""Table to Excel: a scan of a table uploaded for the `table` pipeline, read by the real engine
(the page task run here), comes out of the XLSX and CSV exports as the table it is: its merged
title cell merged, its numbers numbers, a correction included."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import tasks
from documents.models import Document, TableCell
from tests.exports.readers import body
from tests.pages import encode, render_table, scanned

pytestmark = pytest.mark.django_db

TITLE = "Office supplies order"


def test_a_scanned_table_uploaded_for_excel_exports_as_that_table(user, api):
    scan = encode(scanned(render_table(title=TITLE)))
    response = api.post(
        "/api/documents/",
        {"file": [SimpleUploadedFile("order.png", scan)], "pipeline": "table"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["documents"][0]["run"]["pipeline"] == "table"
    document = Document.objects.get(name="order.png")
    (page,) = document.pages.all()
    assert tasks.ocr_page(page.pk, str(page.token)) == "done"
    cell = TableCell.objects.get(table__page=page, text="Toner")
    assert api.patch(f"/api/table-cells/{cell.pk}/", {"text": "Toner (black)"}).status_code == 200

    xlsx = api.get(f"/api/documents/{document.pk}/export/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(body(xlsx)))
    assert book.sheetnames == ["Page 1 table 1", "Text"]
    sheet = book["Page 1 table 1"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        [TITLE, None, None],
        ["Item", "Quantity", "Price"],
        ["Paper", 12, 4.5],
        ["Toner (black)", 3, 89],
        ["Folders", 40, 0.75],
    ]
    assert sheet["C3"].number_format == "0.00"

    table_csv = api.get(f"/api/documents/{document.pk}/export/", {"format": "csv"})
    assert table_csv.status_code == 200
    assert list(csv.reader(io.StringIO(body(table_csv).decode("utf-8-sig")))) == [
        [TITLE, "", ""],
        ["Item", "Quantity", "Price"],
        ["Paper", "12", "4.50"],
        ["Toner (black)", "3", "89.00"],
        ["Folders", "40", "0.75"],
    ]


def test_the_structure_switches_are_refused_for_a_table_upload(user, api):
    response = api.post(
        "/api/documents/",
        {
            "file": [SimpleUploadedFile("order.png", encode(render_table()))],
            "pipeline": "table",
            "options": '{"use_seal_recognition": true}',
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert (
        "use_seal_recognition is for the structure pipeline" in response.json()["error"]["message"]
    )
    assert not Document.objects.exists()
