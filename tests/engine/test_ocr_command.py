"""`manage.py ocr FILE_OR_DIR... [--out DIR]`: one file page by page in each output format, and
many files (folders too) in one process, one result each, a bad file reported without stopping."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from documents.management.commands.ocr import output_names
from tests.pages import ENGLISH_LINES, render_lines

LINE_SIZE = (1000, 200)  # one short line per page: real OCR, but quick


@pytest.fixture
def two_page_tiff(tmp_path):
    path = tmp_path / "scan.tif"
    first = render_lines(ENGLISH_LINES[:2], size=(1000, 400))
    second = render_lines(["The second page ends here"], size=(1000, 400))
    first.save(path, save_all=True, append_images=[second])
    return path


def ocr(*args, **options) -> str:
    out = io.StringIO()
    call_command("ocr", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def run(*args, **options) -> tuple[str, str, CommandError | None]:
    """stdout, stderr and the CommandError the command ended with, if any."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ocr", *args, stdout=out, stderr=err, **options)
    except CommandError as e:
        return out.getvalue(), err.getvalue(), e
    return out.getvalue(), err.getvalue(), None


def page(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    render_lines([text], size=LINE_SIZE).save(path)
    return path


def timed(path: Path, pages: int) -> re.Pattern:
    """The line the command prints for a file it read."""
    unit = "page" if pages == 1 else "pages"
    return re.compile(rf"^{re.escape(str(path))}  {pages} {unit}  \d+\.\d\d s$", re.M)


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
    _, err, error = run(str(tmp_path / "missing.png"))
    assert f"{tmp_path / 'missing.png'}: no such file" in err
    assert str(error) == "1 of 1 files failed"
    (tmp_path / "notes.txt").write_text("not a scan")
    _, err, error = run(str(tmp_path / "notes.txt"))
    assert "notes.txt: not a supported file type" in err and error
    # The options are the same for every file: a bad one stops the command before any file.
    with pytest.raises(CommandError, match="unknown option 'use_magic'"):
        ocr(str(two_page_tiff), "--option", "use_magic=true")


def test_files_and_folders_give_one_output_each_under_out(tmp_path):
    inbox = tmp_path / "inbox"
    first = page(inbox / "a.png", ENGLISH_LINES[0])
    # Same name in a subfolder: kept apart by its sub-path.
    second = page(inbox / "old" / "a.jpg", ENGLISH_LINES[1])
    (inbox / "notes.txt").write_text("a folder means its images and PDFs only")
    report = tmp_path / "report.pdf"
    render_lines([ENGLISH_LINES[2]], size=LINE_SIZE).save(
        report, save_all=True, append_images=[render_lines([ENGLISH_LINES[3]], size=LINE_SIZE)]
    )
    out_dir = tmp_path / "out"

    stdout, err, error = run(str(inbox), str(report), "--out", str(out_dir), pipeline="ocr")

    assert error is None, err
    outputs = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    assert outputs == ["inbox/a.txt", "inbox/old/a.txt", "report.txt"]
    assert (out_dir / "inbox/a.txt").read_text() == ENGLISH_LINES[0] + "\n"
    assert (out_dir / "inbox/old/a.txt").read_text() == ENGLISH_LINES[1] + "\n"
    assert (out_dir / "report.txt").read_text() == (
        f"{ENGLISH_LINES[2]}\n\n--- page 2 ---\n{ENGLISH_LINES[3]}\n"
    )
    # Folder contents sorted, then the next argument; seconds per file, then the summary.
    summary = re.compile(r"3 of 3 files, 4 pages in \d+\.\d\d s \(\d+\.\d\d s per page\)$")
    expected = (timed(first, 1), timed(second, 1), timed(report, 2), summary)
    lines = stdout.splitlines()
    assert len(lines) == len(expected), stdout
    for line, pattern in zip(lines, expected, strict=True):
        assert pattern.match(line), line


def test_a_bad_file_is_reported_and_the_others_are_written(tmp_path):
    good = page(tmp_path / "good.png", ENGLISH_LINES[0])
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj broken beyond repair")
    (tmp_path / "text.png").write_text("a text file with an image's name")
    later = page(tmp_path / "z" / "later.png", ENGLISH_LINES[1])
    out_dir = tmp_path / "out"
    args = [tmp_path / n for n in ("good.png", "corrupt.pdf", "text.png", "gone.pdf", "z")]

    stdout, err, error = run(*map(str, args), "--out", str(out_dir), "--format", "json",
                             pipeline="ocr")  # fmt: skip

    assert str(error) == "3 of 5 files failed"
    assert f"{tmp_path / 'corrupt.pdf'}: the PDF is damaged and cannot be read" in err
    assert f"{tmp_path / 'text.png'}: not a supported file type" in err
    assert f"{tmp_path / 'gone.pdf'}: no such file or folder" in err
    assert timed(good, 1).search(stdout) and timed(later, 1).search(stdout)
    assert "2 of 5 files, 2 pages in" in stdout
    # Only the good files have outputs, and no temporary file is left behind.
    written = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*"))
    assert written == ["good.json", "z", "z/later.json"]
    pages = json.loads((out_dir / "good.json").read_text())
    assert [line["text"] for line in pages[0]["lines"]] == [ENGLISH_LINES[0]]


def test_several_inputs_without_out_print_each_under_a_header(tmp_path):
    first = page(tmp_path / "one.png", ENGLISH_LINES[0])
    second = page(tmp_path / "two.png", ENGLISH_LINES[1])

    stdout, err, error = run(str(first), str(second), pipeline="ocr", format="md")

    assert error is None, err
    assert (
        stdout == f"==> {first} <==\n{ENGLISH_LINES[0]}\n\n==> {second} <==\n{ENGLISH_LINES[1]}\n"
    )
    # The results own stdout: the seconds per file go to stderr.
    assert timed(first, 1).search(err) and timed(second, 1).search(err)


def test_output_names_keep_inputs_apart():
    files = [Path("in/a.pdf"), Path("in/a.png"), Path("in/sub/a.pdf"), Path("in/b.tif")]
    assert output_names(files, ".md") == {
        Path("in/a.pdf"): Path("a.pdf.md"),  # same folder, same stem: the suffix stays
        Path("in/a.png"): Path("a.png.md"),
        Path("in/sub/a.pdf"): Path("sub/a.md"),
        Path("in/b.tif"): Path("b.md"),
    }
