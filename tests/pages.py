"""Pages the tests render themselves with real fonts, so the words on them are known.

Fonts come from Debian's fonts-dejavu-core and fonts-noto-cjk (installed by `make setup`).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LATIN_BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

A4 = (1240, 1754)  # 150 DPI

ENGLISH_LINES = (
    "Quarterly report for the board",
    "Revenue grew by 12 percent in March",
    "The warehouse in Leeds opens on Monday",
    "Invoice number 48213 is now overdue",
)
CHINESE_LINES = (
    "北京市海淀区人民政府",
    "关于加强文件管理的通知",
    "请各部门于本周五前提交报告",
)
TABLE_ROWS = (
    ("Item", "Quantity", "Price"),
    ("Paper", "12", "4.50"),
    ("Toner", "3", "89.00"),
    ("Folders", "40", "0.75"),
)


def font(size: int, *, cjk: bool = False, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(CJK_FONT if cjk else LATIN_BOLD_FONT if bold else LATIN_FONT, size)


def render_lines(
    lines: Sequence[str],
    *,
    size: tuple[int, int] = A4,
    font_size: int = 40,
    cjk: bool = False,
    top: int = 120,
    spacing: int = 90,
) -> Image.Image:
    """A white page with one text line per entry, left-aligned."""
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    face = font(font_size, cjk=cjk)
    for i, text in enumerate(lines):
        draw.text((100, top + i * spacing), text, font=face, fill="black")
    return page


def draw_table(
    page: Image.Image,
    rows: Sequence[Sequence[str]],
    *,
    left: int,
    top: int,
    cell=(260, 70),
    title: str | None = None,
) -> tuple[int, int, int, int]:
    """A ruled table drawn on `page`, under a `title` row spanning every column if given;
    returns its box."""
    draw = ImageDraw.Draw(page)
    face = font(32)
    width = cell[0] * len(rows[0])
    box_top = top
    if title is not None:  # one merged cell: the column rules start below it
        draw.text((left + (width - draw.textlength(title, font=face)) / 2, top + 16), title,
                  font=face, fill="black")  # fmt: skip
        draw.rectangle((left, top, left + width, top + cell[1]), outline="black", width=3)
        top += cell[1]
    height = cell[1] * len(rows)
    for r in range(len(rows) + 1):
        draw.line((left, top + r * cell[1], left + width, top + r * cell[1]), fill="black", width=3)
    for c in range(len(rows[0]) + 1):
        draw.line(
            (left + c * cell[0], top, left + c * cell[0], top + height), fill="black", width=3
        )
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.text(
                (left + c * cell[0] + 20, top + r * cell[1] + 16), text, font=face, fill="black"
            )
    return (left, box_top, left + width, top + height)


def render_table(
    rows: Sequence[Sequence[str]] = TABLE_ROWS, *, title: str | None = None, margin: int = 80
) -> Image.Image:
    """A scan of a table alone, with paper around it."""
    cell = (260, 70)
    size = (cell[0] * len(rows[0]) + 2 * margin,
            cell[1] * (len(rows) + (title is not None)) + 2 * margin)  # fmt: skip
    page = Image.new("RGB", size, "white")
    draw_table(page, rows, left=margin, top=margin, cell=cell, title=title)
    return page


def render_report(rows: Sequence[Sequence[str]] = TABLE_ROWS) -> Image.Image:
    """A document page: a title, two paragraphs and a ruled table."""
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    draw.text((100, 100), "Office supplies order", font=font(56, bold=True), fill="black")
    body = font(30)
    paragraphs = (
        ("The purchasing team placed the following order for the second floor.",
         "Deliveries arrive on Tuesday and are checked against this list."),
        ("Please report any missing items to the front desk within two days.",),
    )  # fmt: skip
    y = 240
    for paragraph in paragraphs:
        for text in paragraph:
            draw.text((100, y), text, font=body, fill="black")
            y += 48
        y += 40
    draw_table(page, rows, left=100, top=y + 40)
    return page


def scanned(page: Image.Image, *, seed: int = 7) -> Image.Image:
    """Scan-like: slightly tilted, blurred, grey paper with noise."""
    rng = random.Random(seed)
    tilted = page.rotate(0.8, resample=Image.Resampling.BICUBIC, fillcolor="white", expand=False)
    blurred = tilted.filter(ImageFilter.GaussianBlur(1.0)).convert("L")
    noisy = blurred.point(lambda v: max(0, min(255, int(v * 0.9) + 12)))
    pixels = noisy.load()
    for _ in range(noisy.width * noisy.height // 50):
        x, y = rng.randrange(noisy.width), rng.randrange(noisy.height)
        pixels[x, y] = rng.randrange(120, 255)
    return noisy.convert("RGB")


def draw_seal(
    page: Image.Image,
    text: str,
    *,
    centre: tuple[int, int],
    radius: int = 150,
    colour: tuple[int, int, int] = (220, 30, 30),
) -> tuple[int, int, int, int]:
    """A round company seal stamped on `page` (drawn over what is there, as ink is): a ring,
    `text` set along the upper arc with each character turned to face the centre, and a star.
    Returns its box."""
    stamp = Image.new("RGBA", (2 * radius, 2 * radius), (0, 0, 0, 0))
    draw = ImageDraw.Draw(stamp)
    width = max(4, radius // 25)
    ring = (width, width, 2 * radius - width, 2 * radius - width)
    draw.ellipse(ring, outline=colour, width=width)
    size = int(radius * 0.24)
    face = font(size, cjk=True)
    arc = math.radians(240)  # the text spans the top 240 degrees
    for i, char in enumerate(text):
        # Angle from the top, clockwise; characters centred on a circle inside the ring.
        angle = -arc / 2 + arc * (i + 0.5) / len(text)
        glyph = Image.new("RGBA", (size + 8, size + 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((4, 0), char, font=face, fill=colour)
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC, expand=True)
        r = radius - 2 * width - size * 0.6
        x = radius + r * math.sin(angle) - glyph.width / 2
        y = radius - r * math.cos(angle) - glyph.height / 2
        stamp.alpha_composite(glyph, (int(x), int(y)))
    star = [
        (
            radius + (radius * (0.28 if k % 2 == 0 else 0.11)) * math.sin(math.pi * k / 5),
            radius * 1.05 - (radius * (0.28 if k % 2 == 0 else 0.11)) * math.cos(math.pi * k / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=colour)
    left, top = centre[0] - radius, centre[1] - radius
    # Ink darkens what it covers: multiply the stamp's colour into the page where it is opaque.
    region = page.crop((left, top, left + 2 * radius, top + 2 * radius)).convert("RGB")
    ink = Image.new("RGB", stamp.size, "white")
    ink.paste(stamp, mask=stamp.getchannel("A"))
    page.paste(ImageChops.multiply(region, ink), (left, top))
    return (left, top, left + 2 * radius, top + 2 * radius)


def photographed(page: Image.Image, *, curl: float = 0.06, margin: float = 0.12) -> Image.Image:
    """The page as a phone photographs it: bent along its width like a page of an open book, a
    little in perspective (the far edge narrower), on a darker desk."""
    src = np.asarray(page.convert("RGB"))
    h, w = src.shape[:2]
    out_w, out_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    ys, xs = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    # Where each photo pixel lies on the page (0..1 across and down).
    v = (ys - margin * h) / h
    narrowing = 1 - 0.08 * (1 - v)
    u = ((xs - out_w / 2) / narrowing + w / 2) / w
    v = v - curl * np.sin(np.pi * u)  # each column bent down by a sine of its place
    photo = cv2.remap(
        src,
        (u * w).astype(np.float32),
        (v * h).astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(90, 80, 70),
    )
    return Image.fromarray(photo)


def encode(image: Image.Image, fmt: str = "PNG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()
