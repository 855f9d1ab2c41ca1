"""Turn whatever a caller hands the engine into the 8-bit BGR array PaddleOCR expects.

Every odd image a scanner or phone produces gets a correct page or a BadImageError that says
what is wrong: the engine must keep serving the next page either way.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import BadImageError, TooManyPixelsError

ImageSource = str | Path | bytes | np.ndarray | Image.Image

DEFAULT_MAX_PIXELS = 40_000_000  # an A4 page at 600 DPI is 35 Mpx
MIN_SIDE = 32  # the detector's smallest input; smaller images are padded, not refused

# Pillow warns of an image over its limit and refuses one over twice it, as it opens the file.
# The header check below refuses the first with a clearer message, so the warning is noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def open_guarded(file: str | Path | io.BytesIO, *, max_pixels: int) -> Image.Image:
    """Image.open with Pillow's own decompression-bomb guard at our limit (its second line of
    defence: decoders that do not go through our header check still stop at twice the limit)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        return Image.open(file)
    except Image.DecompressionBombError:
        raise TooManyPixelsError(
            f"the image has more than {2 * max_pixels:,} pixels, over the limit of "
            f"{max_pixels:,} pixels"
        ) from None


def check_pixels(size: tuple[int, int], max_pixels: int, *, what: str = "the image") -> None:
    """Refuse a page over the pixel limit from its size alone, before anything is decoded."""
    width, height = size
    if width * height > max_pixels:
        raise TooManyPixelsError(
            f"{what} is {width}x{height} pixels, over the limit of {max_pixels:,} pixels"
        )


def open_image(source: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Open `source` as an RGB PIL image (first frame), upright per its EXIF orientation."""
    if isinstance(source, Image.Image):
        image = source
    elif isinstance(source, np.ndarray):
        return Image.fromarray(np.ascontiguousarray(to_bgr(source)[:, :, ::-1]))
    else:
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
        if not data:
            raise BadImageError("the file is empty (0 bytes)")
        try:
            image = open_guarded(io.BytesIO(data), max_pixels=max_pixels)
        except UnidentifiedImageError:
            raise BadImageError("not a supported image (PNG, JPEG, TIFF, BMP or WebP)") from None
    check_pixels(image.size, max_pixels)
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        return _to_rgb(image)
    except (OSError, ValueError, SyntaxError) as e:
        raise BadImageError(f"the image data is corrupt or truncated ({e})") from None


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit and float scans: stretch to 8 bits by their own range.
        array = np.asarray(image, dtype=np.float64)
        low, high = float(array.min()), float(array.max())
        scaled = (array - low) * (255.0 / (high - low)) if high > low else np.zeros_like(array)
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent areas are paper: white, not black.
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image.convert("RGB")


def to_bgr(array: np.ndarray) -> np.ndarray:
    """An array as 8-bit 3-channel BGR (grey, BGRA and 16-bit arrays accepted)."""
    if array.size == 0:
        raise BadImageError("the image has no pixels")
    if array.dtype != np.uint8:
        high = float(array.max()) or 1.0
        array = (array.astype(np.float64) * (255.0 / high)).astype(np.uint8)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise BadImageError(f"an image array must be HxW, HxWx3 or HxWx4, not {array.shape}")
    return np.ascontiguousarray(array[:, :, :3])


def load_page(source: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """The page as a BGR array, padded with white to the detector's smallest input size."""
    if isinstance(source, np.ndarray):
        bgr = to_bgr(source)
        check_pixels((bgr.shape[1], bgr.shape[0]), max_pixels)
    else:
        bgr = np.asarray(open_image(source, max_pixels=max_pixels))[:, :, ::-1]
    height, width = bgr.shape[:2]
    if height < MIN_SIDE or width < MIN_SIDE:
        padded = np.full((max(height, MIN_SIDE), max(width, MIN_SIDE), 3), 255, np.uint8)
        padded[:height, :width] = bgr
        bgr = padded
    return np.ascontiguousarray(bgr)
