"""`manage.py ocr FILE`: a multi-page file, page by page, in each output format."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.pages import ENGLISH_LINES, render_lines


@pytest.fixture
def two_page_tiff(tmp_path):
    path = tmp_path / "scan.tif"
    first = render_lines(ENGLISH_LINES[:2], size=(1000, 400))
    second = render_lines(["The second page ends here"], size=(1000, 400))
    first.save(path, save_all=True, append_images=[second])
    return path


def ocr(*args, **options) -> str:
    out = io.StringIO()
    call_command("ocr", *args, stdout=out, **options)
    return out.getvalue()


def test_text_output_marks_each_page(two_page_tiff):
    text = ocr(str(two_page_tiff), pipeline="ocr", format="txt")
    assert text.split("\n--- page 2 ---\n") == [
        "\n".join(ENGLISH_LINES[:2]) + "\n",
        "The second page ends here\n",
    ]


def test_json_output_has_every_page_with_lines_and_the_raw_result(two_page_tiff):
    pages = json.loads(ocr(str(two_page_tiff), "--option", "use_textline_orientation=false",
                           pipeline="ocr", format="json"))  # fmt: skip
    assert [p["page"] for p in pages] == [1, 2]
    assert [line["text"] for line in pages[1]["lines"]] == ["The second page ends here"]
    assert pages[0]["raw"]["rec_texts"] == list(ENGLISH_LINES[:2])
    assert pages[0]["raw"]["model_settings"]["use_textline_orientation"] is False


def test_bad_files_and_options_are_command_errors(tmp_path, two_page_tiff):
    with pytest.raises(CommandError, match="no such file"):
        ocr(str(tmp_path / "missing.png"))
    (tmp_path / "notes.txt").write_text("not a scan")
    with pytest.raises(CommandError, match="not a supported file type"):
        ocr(str(tmp_path / "notes.txt"))
    with pytest.raises(CommandError, match="unknown option 'use_magic'"):
        ocr(str(two_page_tiff), "--option", "use_magic=true")
