"""Hostile uploads against a real web server (gunicorn through `manage.py serve --only web`):
each gets a clear 4xx, nothing of it is kept, and the web processes stay small. The files are
made here: pixel bombs whose headers claim huge pages (the PNG's pixel data is all there,
312 MB decoded from 300 KB), many-page files, oversized bodies, odd names, zip-like and polyglot
files."""

from __future__ import annotations

import http.client
import io
import struct
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests.pages import encode, render_lines

MB = 1024 * 1024
# A web worker that never decodes a bomb stays near its start (~100 MB); decoding the PNG bomb
# alone would take it past 2.4 GB.
WEB_RSS_BOUND_MB = 400


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bomb(side: int = 50000) -> bytes:
    """A complete 1-bit PNG of side x side white... zero pixels: 300 KB, 2.5 Gpx."""
    compress = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    data = b"".join(compress.compress(row) for _ in range(side)) + compress.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def tiff_bomb(side: int = 100000) -> bytes:
    """A TIFF header for a side x side 1-bit page (its strip is not there)."""
    tags = [(256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 1), (259, 3, 1, 1),
            (262, 3, 1, 0), (273, 4, 1, 8), (278, 4, 1, side), (279, 4, 1, 0xFFFFFFFF)]  # fmt: skip
    ifd = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", *t) for t in tags)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 64


def bmp_bomb(side: int = 60000) -> bytes:
    row = ((side + 31) // 32) * 4
    info = struct.pack("<IiiHHIIiiII", 40, side, side, 1, 1, 0, (row * side) & 0xFFFFFFFF,
                       2835, 2835, 2, 0)  # fmt: skip
    header = b"BM" + struct.pack("<IHHI", 14 + 40 + 8 + 1000, 0, 0, 14 + 40 + 8)
    return header + info + b"\x00\x00\x00\x00\xff\xff\xff\x00" + b"\x00" * 1000


def webp_bomb(side: int = 16384) -> bytes:
    """A lossless WebP whose header says side x side (the largest WebP allows)."""
    small = bytearray(encode(Image.new("RGB", (16, 16), "white"), "WEBP", lossless=True))
    at = small.index(b"VP8L") + 8  # the bitstream: 0x2f, then 14 bits of width - 1, of height - 1
    bits = int.from_bytes(small[at + 1 : at + 5], "little") & ~((1 << 28) - 1)
    bits |= (side - 1) | ((side - 1) << 14)
    small[at + 1 : at + 5] = bits.to_bytes(4, "little")
    return bytes(small)


def jpeg_bomb(side: int = 65000) -> bytes:
    data = bytearray(encode(Image.new("L", (16, 16), 255), "JPEG"))
    at = data.index(b"\xff\xc0")  # start of frame: length, precision, height, width
    data[at + 5 : at + 9] = side.to_bytes(2, "big") * 2
    return bytes(data)


def pdf(pages: int, size_pt: tuple[float, float] = (595, 842)) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(*size_pt).close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def many_frame_tiff(frames: int) -> bytes:
    first, *rest = [Image.new("1", (8, 8), 1) for _ in range(frames)]
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=rest)
    return out.getvalue()


def zip_file() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("page.png", encode(render_lines(["inside a zip"])))
    return out.getvalue()


REFUSED = [
    ("bomb.png", png_bomb, 400, "too_many_pixels", "over the limit of 40,000,000 pixels"),
    ("bomb.tif", tiff_bomb, 400, "too_many_pixels", "over the limit of 40,000,000 pixels"),
    ("bomb.bmp", bmp_bomb, 400, "too_many_pixels", "over the limit of 40,000,000 pixels"),
    ("bomb.webp", webp_bomb, 400, "too_many_pixels", "over the limit of 40,000,000 pixels"),
    ("bomb.jpg", jpeg_bomb, 400, "too_many_pixels", "over the limit of 40,000,000 pixels"),
    ("poster.pdf", lambda: pdf(1, (14400, 14400)), 400, "too_many_pixels", "200x200 inches"),
    ("frames.tif", lambda: many_frame_tiff(5000), 400, "too_many_pages", "more than 300 pages"),
    ("pages.pdf", lambda: pdf(5000), 400, "too_many_pages", "5000 pages, over the limit of 300"),
    ("archive.zip", zip_file, 400, "unsupported_file", "not a supported file type"),
    ("report.docx", zip_file, 400, "unsupported_file", "not a supported file type"),
    ("page.png", lambda: b"<html><script>alert(1)</script></html>", 400, "unsupported_file", ""),
    ("fake.pdf", lambda: b"%PDF-1.7\n" + zip_file(), 400, "corrupt_file", "damaged"),
]


@pytest.fixture(scope="module")
def web(new_instance):
    instance = new_instance(OCRSITE_MAX_UPLOAD_MB="20")
    token = instance.create_user("mallory")
    instance.start(only="web")
    instance.wait_for("/healthz")
    yield instance, token
    instance.stop()


def test_hostile_files_get_a_clear_4xx_and_the_web_tier_stays_small(web):
    instance, token = web
    for name, make, status, code, words in REFUSED:
        response = instance.post_upload(token, name, make())
        assert response.status_code == status, (name, response.text)
        error = response.json()["error"]
        assert (error["code"], name) == (code, name), error
        assert words in error["message"], (name, error["message"])
    listed = instance.get("/api/documents/", token).json()
    assert listed["count"] == 0  # nothing of them was kept
    originals = instance.data_dir / "media" / "originals"
    assert not originals.exists() or not any(p.is_file() for p in originals.rglob("*"))
    assert instance.web_peak_rss_mb() < WEB_RSS_BOUND_MB


def test_a_body_over_the_limit_is_refused_before_it_is_read(web):
    """The request announces 10 GB and sends 1 KB: the answer comes at once, from the header."""
    instance, token = web
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30)
    connection.putrequest("POST", "/api/documents/")
    connection.putheader("Authorization", f"Token {token}")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(10 * 1024 * MB))
    connection.endheaders()
    connection.send(b"\x00" * 1024)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 413, body
    assert b'"too_large"' in body and b"over the limit of 20 MB" in body

    # Just over the limit, sent in full: the same answer.
    response = instance.post_upload(token, "big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 22 * MB)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert instance.web_peak_rss_mb() < WEB_RSS_BOUND_MB


ODD_NAMES = [
    "a" * 300 + ".png",
    "../../../etc/passwd.png",
    "..\\..\\windows\\win.ini.png",
    "CON.png",
    "名字 with spaces & ; ' \" <script>.png",
    "\u202egnp.exe.png",  # right-to-left override
    ".png",
]


def test_odd_and_long_file_names_are_kept_safely(web):
    instance, token = web
    good = encode(render_lines(["A page with an odd name"]))
    media = (instance.data_dir / "media").resolve()
    for name in ODD_NAMES:
        response = instance.post_upload(token, name, good)
        assert response.status_code == 201, (name, response.text)
        (document,) = response.json()["documents"]
        assert len(document["name"]) <= 255 and "/" not in document["name"], document["name"]
    stored = [p.resolve() for p in (media / "originals").rglob("*") if p.is_file()]
    assert len(stored) == len(ODD_NAMES)
    assert all(media in p.parents and len(p.name) <= 100 for p in stored), stored
    # A name past the multipart header limit (1 KB) is refused as a malformed form, clearly.
    response = instance.post_upload(token, "b" * 1100 + ".png", good)
    assert response.status_code == 400
    assert "header size" in response.json()["error"]["message"]
    # A PNG with a ZIP appended is a PNG: read as one, the rest ignored.
    response = instance.post_upload(token, "polyglot.png", good + zip_file())
    assert response.status_code == 201
    assert response.json()["documents"][0]["file_type"] == "png"
