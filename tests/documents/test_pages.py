"""documents.engine.pages: the type from the content, page counts, page images, clear errors."""

from __future__ import annotations

import pytest
from PIL import Image

from documents.engine import pages
from documents.engine.errors import BadImageError
from tests.documents import files
from tests.pages import encode


def test_detects_every_supported_type_from_content_not_name(tmp_path):
    page = files.text_page()
    samples = {
        "png": encode(page, "PNG"),
        "jpeg": encode(page, "JPEG"),
        "bmp": encode(page, "BMP"),
        "webp": encode(page, "WEBP"),
        "tiff": files.tiff([page]),
        "pdf": files.pdf([page]),
    }
    for file_type, data in samples.items():
        misnamed = tmp_path / f"scan-{file_type}.txt"
        misnamed.write_bytes(data)
        info = pages.inspect(misnamed)
        assert (info.file_type, info.page_count) == (file_type, 1)
        assert info.mime_type == pages.MIME_TYPES[file_type]


def test_multi_page_tiff_and_pdf_yield_every_page_in_order():
    images = [files.text_page([f"Page number {n}"]) for n in (1, 2, 3)]
    for data in (files.tiff(images), files.pdf(images)):
        assert pages.inspect(data).page_count == 3
        rendered = list(pages.iter_pages(data, dpi=100, max_pixels=10_000_000))
        assert [p.number for p in rendered] == [1, 2, 3]
        assert all(p.image.mode == "RGB" for p in rendered)
        second = pages.render_page(data, 2, dpi=100, max_pixels=10_000_000)
        assert second.image.size == rendered[1].image.size


def test_pdf_is_rendered_at_the_dpi_and_lowered_to_the_pixel_cap():
    data = files.pdf([files.text_page()], resolution=100.0)  # 10 x 5 inches
    page = pages.render_page(data, 1, dpi=200, max_pixels=100_000_000)
    assert page.dpi == 200 and page.image.size == (2000, 1000)
    capped = pages.render_page(data, 1, dpi=200, max_pixels=500_000)
    assert capped.dpi < 200
    assert capped.image.width * capped.image.height <= 500_000


def test_a_poster_sized_pdf_page_is_rendered_no_larger_than_a3_at_300_dpi():
    data = files.pdf([files.text_page()], resolution=33.0)  # about 30 x 15 inches
    page = pages.render_page(data, 1, dpi=300, max_pixels=100_000_000)
    assert page.dpi < 300
    assert 15_000_000 < page.image.width * page.image.height <= pages.PDF_MAX_PIXELS


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", pages.EmptyFileError, "empty"),
        (files.pdf_without_pages(), pages.EmptyFileError, "no pages"),
        (files.encrypted_pdf(), pages.EncryptedFileError, "password"),
        (files.corrupt_pdf(), pages.CorruptFileError, "damaged"),
        (files.truncated_png(), pages.CorruptFileError, "damaged"),
        (files.gif(), pages.UnsupportedFileError, "not a supported file type"),
        (b"Just some text, not a scan", pages.UnsupportedFileError, "not a supported"),
    ],
    ids=["empty", "pdf-no-pages", "encrypted", "corrupt-pdf", "truncated-png", "gif", "text"],
)
def test_bad_files_raise_an_error_that_says_why(data, error, words):
    with pytest.raises(error, match=words) as raised:
        pages.inspect(data)
    assert isinstance(raised.value, BadImageError)


def test_page_limit():
    data = files.tiff([files.text_page()] * 3)
    with pytest.raises(pages.TooManyPagesError, match="more than 2 pages"):
        pages.inspect(data, max_pages=2)


def test_exif_orientation_is_applied(tmp_path):
    page = files.text_page()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = encode(page, "JPEG", exif=exif.tobytes())
    rendered = pages.render_page(data, 1, dpi=200, max_pixels=10_000_000)
    assert rendered.image.size == (page.height, page.width)
