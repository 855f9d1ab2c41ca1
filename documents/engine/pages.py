"""Uploaded files as pages: the type from the content, the page count and each page as an image.

PNG, JPEG, TIFF (every frame a page), BMP, WebP and PDF (rendered with pdfium at a given DPI,
lowered where a page would pass the pixel cap). Anything else, or a file that is empty, corrupt
or locked with a password, raises an error whose message says which of these it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageSequence, UnidentifiedImageError

from .errors import BadImageError, TooManyPixelsError
from .images import DEFAULT_MAX_PIXELS, check_pixels, open_guarded, open_image

# Magic numbers at the start of each supported file; WebP is RIFF....WEBP.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)
# File-name endings of those types, for picking files out of a folder (the type itself is
# always read from the content).
SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"})
MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "webp": "image/webp",
}
SUPPORTED = "PDF, PNG, JPEG, TIFF, BMP or WebP"
POINTS_PER_INCH = 72
PDF_MAX_PIXELS = 17_500_000  # A3 at 300 DPI
# Oversized PDF pages are rendered at a lower DPI; below this one no text is legible, so a page
# that would need it (over 3 m wide, or a crafted MediaBox) is refused.
MIN_PDF_DPI = 36
Source = bytes | str | Path  # the file's content, or its path


class UnsupportedFileError(BadImageError):
    """The content is none of the supported types."""


class EmptyFileError(BadImageError):
    """The file has no bytes, or a PDF has no pages."""


class CorruptFileError(BadImageError):
    """The content starts like a supported type but cannot be read."""


class EncryptedFileError(BadImageError):
    """The PDF needs a password to open."""


class TooManyPagesError(BadImageError):
    """More pages than the limit allows."""


@dataclass(frozen=True)
class FileInfo:
    file_type: str  # pdf, png, jpeg, tiff, bmp, webp
    mime_type: str
    page_count: int


@dataclass(frozen=True)
class RenderedPage:
    number: int  # 1-based
    image: Image.Image  # RGB, upright
    dpi: int | None  # the DPI a PDF page was rendered at; None for images


def detect_type(head: bytes) -> str:
    """The file type from the first bytes of the content (16 are enough)."""
    if not head:
        raise EmptyFileError("the file is empty (0 bytes)")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, file_type in _SIGNATURES:
        if head.startswith(signature):
            return file_type
    # PDF allows junk before the header within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    raise UnsupportedFileError(f"not a supported file type: upload a {SUPPORTED} file")


def inspect(
    source: Source,
    *,
    max_pages: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    dpi: int = 200,
) -> FileInfo:
    """Check that `source` is a readable document and count its pages. The page count and every
    page's size come from the file's structure and are checked first: a file with too many
    pages, or a page with too many pixels, costs no decoding. Then the first page is read."""
    file_type = detect_type(_head(source))
    if file_type == "pdf":
        with _open_pdf(source) as pdf:
            count = len(pdf)
            _check_count(count, max_pages)
            for index in range(count):
                _pdf_render_dpi(pdf.get_page_size(index), index + 1, dpi, max_pixels)
            _check_pdf_page(pdf, 0)
    else:
        with _open_pillow(source, file_type, max_pixels) as image:
            count = _count_frames(image, max_pages, max_pixels)
            image.seek(0)
            _decode(image)
    return FileInfo(file_type=file_type, mime_type=MIME_TYPES[file_type], page_count=count)


def _check_count(count: int, max_pages: int | None) -> None:
    if count == 0:
        raise EmptyFileError("the PDF has no pages")
    if max_pages is not None and count > max_pages:
        raise TooManyPagesError(f"the file has {count} pages, over the limit of {max_pages}")


def _count_frames(image: Image.Image, max_pages: int | None, max_pixels: int) -> int:
    """The image's frames (TIFF pages), each one's size checked, counting no further than one
    past the limit: a TIFF of a million tiny frames is refused after max_pages + 1 headers."""
    count = 0
    while True:
        check_pixels(image.size, max_pixels, what=f"page {count + 1}" if count else "the image")
        count += 1
        if max_pages is not None and count > max_pages:
            raise TooManyPagesError(f"the file has more than {max_pages} pages, the limit")
        try:
            image.seek(count)
        except EOFError:
            return count
        except (OSError, ValueError, SyntaxError) as e:
            raise CorruptFileError(f"page {count + 1} of the image is damaged ({e})") from None


def render_page(source: Source, number: int, *, dpi: int, max_pixels: int) -> RenderedPage:
    """Page `number` (1-based) of the file as an upright RGB image."""
    file_type = detect_type(_head(source))
    if file_type == "pdf":
        with _open_pdf(source) as pdf:
            if not 1 <= number <= len(pdf):
                raise BadImageError(f"the PDF has no page {number}")
            return _render_pdf_page(pdf, number, dpi=dpi, max_pixels=max_pixels)
    with _open_pillow(source, file_type, max_pixels) as image:
        frames = getattr(image, "n_frames", 1)
        if not 1 <= number <= frames:
            raise BadImageError(f"the image has no page {number}")
        image.seek(number - 1)
        return RenderedPage(number, open_image(image, max_pixels=max_pixels), None)


def iter_pages(source: Source, *, dpi: int, max_pixels: int) -> Iterator[RenderedPage]:
    """Every page in order, one image in memory at a time."""
    file_type = detect_type(_head(source))
    if file_type == "pdf":
        with _open_pdf(source) as pdf:
            for index in range(len(pdf)):
                yield _render_pdf_page(pdf, index + 1, dpi=dpi, max_pixels=max_pixels)
        return
    with _open_pillow(source, file_type, max_pixels) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            yield RenderedPage(index + 1, open_image(frame, max_pixels=max_pixels), None)


@contextmanager
def _open_pdf(source: Source) -> Iterator[pdfium.PdfDocument]:
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as e:
        raise _pdf_load_error(source, e) from None
    try:
        yield pdf
    finally:
        pdf.close()


def _pdf_load_error(source: Source, error: pdfium.PdfiumError) -> BadImageError:
    """Why pdfium could not open the PDF. pdfium leaves its last error code untouched for some
    failures (an empty page tree), so the code may be a previous document's: the content
    decides too."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if error.err_code == pdfium_c.FPDF_ERR_PASSWORD and b"/Encrypt" in data:
        return EncryptedFileError(
            "the PDF is protected by a password: save an unprotected copy and upload that"
        )
    if _EMPTY_PAGE_TREE.search(data) and not _PAGE_OBJECT.search(data):
        return EmptyFileError("the PDF has no pages")
    return CorruptFileError("the PDF is damaged and cannot be read")


_EMPTY_PAGE_TREE = re.compile(rb"/Count\s+0\b")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b(?!s)")


@contextmanager
def _open_pillow(source: Source, file_type: str, max_pixels: int) -> Iterator[Image.Image]:
    try:
        file = io.BytesIO(source) if isinstance(source, bytes) else source
        image = open_guarded(file, max_pixels=max_pixels)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise CorruptFileError(f"the {file_type.upper()} image is damaged ({e})") from None
    try:
        yield image
    finally:
        image.close()


def _decode(image: Image.Image) -> None:
    """Decode the first frame fully: truncated or garbled image data fails here, not later."""
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as e:
        raise CorruptFileError(f"the image data is damaged or truncated ({e})") from None


def _check_pdf_page(pdf: pdfium.PdfDocument, index: int) -> None:
    try:
        pdf[index].close()
    except pdfium.PdfiumError as e:
        raise CorruptFileError(f"page {index + 1} of the PDF cannot be read ({e})") from None


def _render_pdf_page(
    pdf: pdfium.PdfDocument, number: int, *, dpi: int, max_pixels: int
) -> RenderedPage:
    try:
        page = pdf[number - 1]
    except pdfium.PdfiumError as e:
        raise CorruptFileError(f"page {number} of the PDF cannot be read ({e})") from None
    try:
        dpi = _pdf_render_dpi(page.get_size(), number, dpi, max_pixels)
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
        image = bitmap.to_pil().convert("RGB")
    except pdfium.PdfiumError as e:
        raise CorruptFileError(f"page {number} of the PDF cannot be rendered ({e})") from None
    finally:
        page.close()
    return RenderedPage(number, image, dpi)


def _pdf_render_dpi(size_pt: tuple[float, float], number: int, dpi: int, max_pixels: int) -> int:
    """The DPI page `number` is rendered at: `dpi`, lowered for oversized pages (posters,
    drawings) rather than refusing them, since past A3 at 300 DPI more pixels add no text the
    detector can use, only memory and time; a page that would need less than MIN_PDF_DPI is
    refused."""
    width_pt, height_pt = size_pt
    if width_pt <= 0 or height_pt <= 0:
        raise CorruptFileError(f"page {number} of the PDF has no area")
    cap = min(max_pixels, PDF_MAX_PIXELS)
    pixels = (width_pt * dpi / POINTS_PER_INCH) * (height_pt * dpi / POINTS_PER_INCH)
    if pixels > cap:
        dpi = int(dpi * (cap / pixels) ** 0.5)
    if dpi < MIN_PDF_DPI:
        inches = f"{width_pt / POINTS_PER_INCH:.0f}x{height_pt / POINTS_PER_INCH:.0f} inches"
        raise TooManyPixelsError(
            f"page {number} of the PDF is {inches}: too large to read, even at {MIN_PDF_DPI} DPI "
            f"it would be over the limit of {cap:,} pixels"
        )
    return dpi


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:1024]
    with open(source, "rb") as f:
        return f.read(1024)
