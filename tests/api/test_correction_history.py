"""Corrections are never lost: each edit is kept (who, when, before, after), and a reprocess
carries them to the new run's results or lists them as not placed, to re-apply or drop. The
real engine reads the page each time (the page task run here, as `read_now` does)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from documents import tasks
from documents.exports import FORMATS
from documents.models import Block, Correction, Document, Line, TableCell
from tests.exports.readers import body, text_of
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db

LINE_FIX = "Deliveries arrive on Friday and are counted against this list."
OTHER_LINE_FIX = "Please report missing items to the front desk at once."
TITLE_FIX = "Office supplies order, March"
CELL_FIX = "Toner (black)"


@pytest.fixture
def report(user, read_now) -> Document:
    return read_now(user, "order.png", encode(render_report()))


def reprocess_now(api, document: Document, **changes: Any) -> None:
    response = api.post(f"/api/documents/{document.pk}/reprocess/", changes, format="json")
    assert response.status_code == 202, response.json()
    for page in document.pages.order_by("number"):
        assert tasks.ocr_page(page.pk, str(page.token)) == "done"


def corrections_of(api, document: Document) -> list[dict]:
    return api.get(f"/api/documents/{document.pk}/pages/1/").json()["corrections"]


def exported(api, document: Document) -> dict[str, str]:
    texts = {}
    for fmt in FORMATS:
        response = api.get(f"/api/documents/{document.pk}/export/", {"format": fmt})
        assert response.status_code == 200, (fmt, response.content[:300])
        texts[fmt] = text_of(fmt, body(response))
    return texts


def test_every_edit_is_kept_with_who_when_before_and_after(report, api, user):
    line = Line.objects.get(page__document=report, text__startswith="Deliveries")
    engine = line.text
    for text in ("Deliveries arrive on Friday", LINE_FIX, None):
        assert api.patch(f"/api/lines/{line.pk}/", {"text": text}, format="json").status_code == 200
    # The same text again changes nothing, so it is not a new edit.
    api.patch(f"/api/lines/{line.pk}/", {"text": engine}, format="json")

    history = corrections_of(api, report)  # newest first
    assert [(c["before"], c["after"]) for c in history] == [
        (LINE_FIX, engine),
        ("Deliveries arrive on Friday", LINE_FIX),
        (engine, "Deliveries arrive on Friday"),
    ]
    assert {c["user"] for c in history} == {user.username}
    assert all(c["kind"] == "line" and c["created_at"] and c["line"] == line.pk for c in history)
    # Taking the correction back leaves none in force: there is nothing to carry forward.
    assert {c["state"] for c in history} == {"history"}


def test_reprocessing_carries_corrections_forward_or_lists_them(report, api):
    page = report.pages.get()
    lines = {
        key: Line.objects.get(page=page, text__startswith=key)
        for key in ("Deliveries", "Please report")
    }
    title = Block.objects.filter(page=page).order_by("order").first()
    assert title.content.strip() == "Office supplies order"
    cell = TableCell.objects.get(table__page=page, text="Toner")
    for path, text in [
        (f"/api/lines/{lines['Deliveries'].pk}/", LINE_FIX),
        (f"/api/lines/{lines['Please report'].pk}/", OTHER_LINE_FIX),
        (f"/api/blocks/{title.pk}/", TITLE_FIX),
        (f"/api/table-cells/{cell.pk}/", CELL_FIX),
    ]:
        assert api.patch(path, {"text": text}, format="json").status_code == 200

    # Other options, same pipeline: every correction finds its result of the new run.
    reprocess_now(api, report, options={"use_doc_orientation_classify": False})
    in_force = {c["after"]: c for c in corrections_of(api, report) if c["state"] == "applied"}
    assert set(in_force) == {LINE_FIX, OTHER_LINE_FIX, TITLE_FIX, CELL_FIX}
    assert not Line.objects.filter(pk=lines["Deliveries"].pk).exists()  # results were replaced
    assert Line.objects.get(pk=in_force[LINE_FIX]["line"]).effective_text == LINE_FIX
    assert Block.objects.get(pk=in_force[TITLE_FIX]["block"]).effective_content == TITLE_FIX
    assert TableCell.objects.get(pk=in_force[CELL_FIX]["cell"]).effective_text == CELL_FIX
    for fmt, text in exported(api, report).items():
        expected = [CELL_FIX] if fmt == "csv" else [LINE_FIX, OTHER_LINE_FIX, TITLE_FIX, CELL_FIX]
        assert all(fix in text for fix in expected), (fmt, text[:1500])
        if fmt != "json":  # its list of corrections keeps the engine's text beside them
            assert "arrive on Tuesday" not in text, fmt

    # The text pipeline has no layout blocks or tables: their corrections are listed as not
    # placed, in the API and the JSON export, and stay out of the text.
    reprocess_now(api, report, pipeline="ocr")
    states = {c["after"]: c["state"] for c in corrections_of(api, report)}
    assert states == {
        LINE_FIX: "applied",
        OTHER_LINE_FIX: "applied",
        TITLE_FIX: "unplaced",
        CELL_FIX: "unplaced",
    }
    texts = exported(api, report)
    for fmt, text in texts.items():
        assert LINE_FIX in text and OTHER_LINE_FIX in text, fmt
    unplaced = json.loads(texts["json"])["pages"][0]["unplaced_corrections"]
    assert sorted((u["target"], u["engine_text"].strip(), u["text"]) for u in unplaced) == [
        ("block", "Office supplies order", TITLE_FIX),
        ("cell", "Toner", CELL_FIX),
    ]

    by_text = {c["after"]: c["id"] for c in corrections_of(api, report)}
    dropped = api.post(f"/api/corrections/{by_text[TITLE_FIX]}/drop/")
    assert dropped.status_code == 200 and dropped.json()["state"] == "dropped"
    again = api.post(f"/api/corrections/{by_text[TITLE_FIX]}/drop/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_unplaced"
    a_line = Line.objects.filter(page=page).first()
    wrong = api.post(
        f"/api/corrections/{by_text[CELL_FIX]}/reapply/", {"target": a_line.pk}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "no_target"

    # As if the second line had been elsewhere when it was corrected: no result matches it.
    moved = Correction.objects.get(after=OTHER_LINE_FIX, state="applied")
    moved.place = [0.1, 0.9, 0.5, 0.92]
    moved.save()
    # Back to the layout pipeline: the cell's correction, not placed last time, is tried again
    # and placed; the dropped one stays dropped.
    reprocess_now(api, report, pipeline="structure")
    states = {
        c["after"]: c["state"] for c in corrections_of(api, report) if c["id"] in by_text.values()
    }
    assert states == {
        LINE_FIX: "applied",
        OTHER_LINE_FIX: "unplaced",
        TITLE_FIX: "dropped",
        CELL_FIX: "applied",
    }
    assert TableCell.objects.get(table__page=page, text="Toner").effective_text == CELL_FIX
    assert Block.objects.filter(page=page).order_by("order").first().corrected_content is None

    # Staff put the unplaced one on the line they choose.
    target = Line.objects.get(page=page, text__startswith="Please report")
    response = api.post(
        f"/api/corrections/{moved.pk}/reapply/", {"target": target.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "history"
    target.refresh_from_db()
    assert target.effective_text == OTHER_LINE_FIX
    newest = corrections_of(api, report)[0]
    assert (newest["line"], newest["after"], newest["state"]) == (
        target.pk,
        OTHER_LINE_FIX,
        "applied",
    )
    assert OTHER_LINE_FIX in exported(api, report)["txt"]


def test_another_users_corrections_cannot_be_dropped_or_reapplied(report, api, other_api):
    line = Line.objects.filter(page__document=report).first()
    api.patch(f"/api/lines/{line.pk}/", {"text": "changed"}, format="json")
    correction = Correction.objects.get()
    assert other_api.post(f"/api/corrections/{correction.pk}/drop/").status_code == 404
    response = other_api.post(
        f"/api/corrections/{correction.pk}/reapply/", {"target": line.pk}, format="json"
    )
    assert response.status_code == 404
    assert Correction.objects.get().state == "applied"
