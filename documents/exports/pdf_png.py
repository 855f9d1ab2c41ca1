"""PNG page images go into the PDF as they are: a PNG's IDAT stream is already the zlib data
with PNG row predictors that a PDF FlateDecode image with `/Predictor 15` reads. fpdf2 would
decode and recompress every page instead, which takes ~1.5 s for one noisy 200-dpi RGB scan.

Only the common scan layouts are taken this way (8-bit grey, 8-bit RGB, 8-bit palette, 1-bit
grey; not interlaced; no transparency or ICC profile); the rest go through fpdf2's own path.
"""

from __future__ import annotations

import struct
from pathlib import Path

from fpdf import FPDF
from fpdf.image_datastructures import RasterImageInfo

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# (colour type, bit depth) -> (colour space, components)
_LAYOUTS = {
    (0, 8): ("DeviceGray", 1),
    (0, 1): ("DeviceGray", 1),
    (2, 8): ("DeviceRGB", 3),
    (3, 8): ("Indexed", 1),
}


def _png_info(data: bytes) -> RasterImageInfo | None:
    if not data.startswith(_SIGNATURE):
        return None
    pos, idat, palette, header = len(_SIGNATURE), [], None, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"PLTE":
            palette = body
        elif kind in (b"tRNS", b"iCCP"):
            return None  # transparency and colour profiles: fpdf2 handles them
        elif kind == b"IEND":
            break
    if header is None or not idat:
        return None
    width, height, depth, colour, _, _, interlace = header
    layout = _LAYOUTS.get((colour, depth))
    if layout is None or interlace or (colour == 3 and palette is None):
        return None
    space, components = layout
    info = RasterImageInfo(
        data=b"".join(idat),
        w=width,
        h=height,
        cs=space,
        iccp=None,
        iccp_i=None,
        bpc=depth,
        dpn=components,
        f="FlateDecode",
        inverted=False,
        dp=f"/Predictor 15 /Colors {components} /Columns {width}",
    )
    if palette is not None and colour == 3:
        info["pal"] = palette
    return info


def image_name(pdf: FPDF, path: Path) -> str:
    """The name to give `pdf.image()` for this page image: a PNG is registered in fpdf2's
    image cache as it is (fpdf2 then finds it there by name), anything else is left to fpdf2."""
    name = str(path)
    if name in pdf.image_cache.images or path.suffix.lower() != ".png":
        return name
    info = _png_info(path.read_bytes())
    if info is not None:
        info["i"] = len(pdf.image_cache.images) + 1
        info["usages"] = 0  # pdf.image() counts the use
        pdf.image_cache.images[name] = info
    return name
