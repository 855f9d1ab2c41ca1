"""Files the tests upload: good ones in every supported format, made from pages rendered with
real fonts (tests/pages.py), and every kind of bad one."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pypdf import PdfWriter

from tests.pages import ENGLISH_LINES, encode, render_lines

# Short pages: a few lines of known words, quick to OCR.
PAGE_SIZE = (1000, 500)


def text_page(lines: Sequence[str] = ENGLISH_LINES[:2], *, cjk: bool = False) -> Image.Image:
    return render_lines(lines, size=PAGE_SIZE, cjk=cjk, top=80, spacing=100)


def png(lines: Sequence[str] = ENGLISH_LINES[:2], *, cjk: bool = False) -> bytes:
    return encode(text_page(lines, cjk=cjk))


def pdf(pages: Sequence[Image.Image], *, resolution: float = 100.0) -> bytes:
    """A scanned-style PDF: each page one image."""
    out = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=resolution)
    return out.getvalue()


def tiff(pages: Sequence[Image.Image]) -> bytes:
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_without_pages() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    """A PDF header followed by garbage: no cross-reference table, no objects."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 20


def truncated_png() -> bytes:
    data = png()
    return data[: len(data) // 2]


def gif() -> bytes:
    """A real image in a format the product does not take."""
    return encode(text_page(), "GIF")
