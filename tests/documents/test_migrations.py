"""Upgrading keeps what staff did: corrections made before the history existed become its first
rows, so a later reprocess carries them forward too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("documents", "0003_runtime_settings_precision_auto")]
AFTER = [("documents", "0004_correction_history")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_corrections_made_before_the_history_become_its_first_rows():
    try:
        apps = migrate(BEFORE)
        user = apps.get_model("auth", "User").objects.create(username="clerk")
        document = apps.get_model("documents", "Document").objects.create(
            owner_id=user.pk, name="a.png", original="originals/a.png", sha256="0" * 64,
            file_type="png", mime_type="image/png", size=1, page_count=1,
        )  # fmt: skip
        page = apps.get_model("documents", "Page").objects.create(
            document=document, number=1, width=1000, height=2000, ocr_width=1000, ocr_height=2000
        )
        line = apps.get_model("documents", "Line").objects.create(
            page=page, order=0, text="Totel", corrected_text="Total", score=0.9,
            box=[100, 200, 300, 240],
        )  # fmt: skip
        apps.get_model("documents", "Line").objects.create(
            page=page, order=1, text="untouched", score=0.9, box=[100, 300, 300, 340]
        )
        block = apps.get_model("documents", "Block").objects.create(
            page=page, order=0, label="table", box=[0, 1000, 1000, 1400], content="",
            corrected_content="A table",
        )  # fmt: skip
        table = apps.get_model("documents", "Table").objects.create(
            page=page, block=block, order=0, html="<table></table>", box=[0, 1000, 1000, 1400]
        )
        cell = apps.get_model("documents", "TableCell").objects.create(
            table=table, row=1, col=2, text="Tonre", corrected_text="Toner"
        )

        apps = migrate(AFTER)
        rows = {
            c.kind: c
            for c in apps.get_model("documents", "Correction").objects.filter(page=page.pk)
        }
        assert set(rows) == {"line", "block", "cell"}
        assert (rows["line"].line_id, rows["line"].before, rows["line"].after) == (
            line.pk,
            "Totel",
            "Total",
        )
        assert rows["line"].place == [0.1, 0.1, 0.3, 0.12] and rows["line"].state == "applied"
        assert rows["block"].after == "A table"
        # A cell without a box of its own is placed by its table's box and its row and column.
        assert (rows["cell"].cell_id, rows["cell"].row, rows["cell"].col) == (cell.pk, 1, 2)
        assert rows["cell"].own_box is False and rows["cell"].place == [0.0, 0.5, 1.0, 0.7]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_lines_saved_before_line_blocks_get_the_block_holding_their_centre():
    try:
        apps = migrate([("documents", "0011_runtime_settings_serving_user")])
        user = apps.get_model("auth", "User").objects.create(username="clerk")
        document = apps.get_model("documents", "Document").objects.create(
            owner_id=user.pk, name="a.png", original="originals/a.png", sha256="0" * 64,
            file_type="png", mime_type="image/png", size=1, page_count=1,
        )  # fmt: skip
        page = apps.get_model("documents", "Page").objects.create(document=document, number=1)
        Block = apps.get_model("documents", "Block")
        # Reading order, not creation order, decides between two blocks holding a line.
        inner = Block.objects.create(page=page, order=1, label="text", box=[0, 0, 500, 500])
        outer = Block.objects.create(page=page, order=0, label="table", box=[0, 0, 1000, 1000])
        Line = apps.get_model("documents", "Line")

        def line(order: int, box: list[int]):
            return Line.objects.create(page=page, order=order, text="x", score=1, box=box)

        both = line(0, [10, 10, 90, 40])
        outer_only = line(1, [600, 10, 900, 40])
        outside = line(2, [10, 1100, 90, 1140])

        apps = migrate([("documents", "0013_line_block_assigned")])
        blocks = dict(apps.get_model("documents", "Line").objects.values_list("pk", "block_id"))
        assert blocks == {both.pk: outer.pk, outer_only.pk: outer.pk, outside.pk: None}
        assert inner.pk not in blocks.values()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
