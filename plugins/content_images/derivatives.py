"""Plan and encode the phone-sized copies of one content image (pure Pillow, no Pelican).

A *plan* is plain data: for a source file (identified by the hash of its bytes) and the settings,
the widths, the formats and the output name of every copy. Names carry a hash of the source bytes
and of every encoding choice, so a copy never changes under its name (cached for a year) and a
second build finds it in the cache instead of encoding it again.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kernel import files
from PIL import Image, ImageOps

# Bump when encoding changes in a way that should give every copy a new name.
ENCODER_VERSION = "1"
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
# Lossy formats try these quality steps (from the configured one down) to meet the byte budget.
QUALITY_STEPS = (0, 10, 20, 30, 40)
ORIENTATION = 0x0112  # the EXIF tag that says a photo was taken on its side


class ImageSourceError(ValueError):
    """A content image that cannot be read (not an image, truncated, a decompression bomb)."""


@dataclass(frozen=True)
class Copy:
    """One file to publish: a source image at one width in one format."""

    name: str
    width: int
    height: int
    format: str
    quality: int
    colours: int  # PNG fallbacks of flat images: palette size (0 = full colour)

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.format]


@dataclass
class Plan:
    """Every copy of one source image, grouped by format, largest last."""

    source: str
    digest: str
    width: int
    height: int
    fallback: str
    copies: dict[str, list[Copy]] = field(default_factory=dict)

    def modern(self) -> list[str]:
        return [fmt for fmt in self.copies if fmt != self.fallback]

    def largest(self, fmt: str | None = None) -> Copy:
        return self.copies[fmt or self.fallback][-1]


@lru_cache(maxsize=4096)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 of a file (cached per size and modification time)."""
    stat = Path(path).stat()
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


def _probe(path: Path) -> tuple[int, int, str, bool, bool]:
    """Return (width, height, format, has alpha, flat) without decoding the pixels."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            if image.getexif().get(ORIENTATION) in {5, 6, 7, 8}:  # stored on its side
                width, height = height, width
            alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
            flat = image.mode in {"P", "1", "L"} and image.format == "PNG"
            return width, height, image.format or "", alpha, flat
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        raise ImageSourceError(f"{type(error).__name__}: {error}") from error


def plan_image(path: Path, opts: dict[str, Any], stem: str | None = None) -> Plan:
    """Return the plan of every copy of the image at ``path`` (reads only its header)."""
    width, height, fmt, alpha, flat = _probe(path)
    digest = file_digest(path)
    fallback = "jpeg" if fmt == "JPEG" or (not alpha and not flat and fmt != "PNG") else "png"
    widths = sorted(
        {w for w in opts["CONTENT_IMAGES_WIDTHS"] if w < width}
        | {min(width, max(opts["CONTENT_IMAGES_WIDTHS"]))}
    )
    stem = stem or path.stem
    plan = Plan(str(path), digest, width, height, fallback)
    for target in [*opts["CONTENT_IMAGES_FORMATS"], fallback]:
        if target in plan.copies:
            continue
        quality = opts["CONTENT_IMAGES_QUALITY"].get(target, 80)
        colours = 256 if target == "png" and flat else 0
        copies = []
        for w in widths:
            h = max(1, round(height * w / width))
            key = "|".join(map(str, (ENCODER_VERSION, digest, w, h, target, quality, colours)))
            short = hashlib.sha256(key.encode()).hexdigest()[:10]
            name = f"{stem}-{w}w.{short}.{EXTENSIONS[target]}"
            copies.append(Copy(name, w, h, target, quality, colours))
        plan.copies[target] = copies
    return plan


def _encode_once(image: Image.Image, copy: Copy, quality: int, colours: int) -> bytes:
    buffer = io.BytesIO()
    if copy.format == "png":
        if colours:
            image = image.quantize(
                colours,
                Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT,
                dither=Image.Dither.NONE,
            )
        image.save(buffer, "PNG", optimize=False, compress_level=9)
    elif copy.format == "jpeg":
        image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    elif copy.format == "webp":
        image.save(buffer, "WEBP", quality=quality, method=4)
    elif copy.format == "avif":
        image.save(buffer, "AVIF", quality=quality, speed=8)
    else:
        raise ValueError(f"unknown format {copy.format!r}")
    return buffer.getvalue()


def encode(image: Image.Image, copy: Copy, max_bytes: int) -> tuple[bytes, bool]:
    """Encode one copy, lowering quality (or colours) until it fits; return (data, fits)."""
    resized = image.resize((copy.width, copy.height), Image.Resampling.LANCZOS)
    if copy.format == "png":
        steps = [copy.colours] + ([128, 64] if copy.colours else [256, 128])
        for colours in steps:
            data = _encode_once(resized, copy, copy.quality, colours)
            if len(data) <= max_bytes:
                return data, True
        return data, False
    for step in QUALITY_STEPS:
        data = _encode_once(resized, copy, max(copy.quality - step, 30), 0)
        if len(data) <= max_bytes:
            return data, True
    return data, False


def load(path: str | Path) -> Image.Image:
    """Decode a source image upright, in RGB or RGBA."""
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
            return image.convert("RGBA" if alpha else "RGB")
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        raise ImageSourceError(f"{type(error).__name__}: {error}") from error


def render_plan(plan_source: str, copies: list[Copy], cache: str, max_bytes: int) -> list[dict]:
    """Encode the copies missing from ``cache`` (runs in worker processes); report each one."""
    missing = [c for c in copies if not (Path(cache) / c.name).is_file()]
    results = []
    for copy in copies:
        if copy not in missing:
            size = (Path(cache) / copy.name).stat().st_size
            results.append(
                {"name": copy.name, "bytes": size, "fits": size <= max_bytes, "new": False}
            )
    if not missing:
        return results
    image = load(plan_source)
    for copy in missing:
        data, fits = encode(image, copy, max_bytes)
        files.write_bytes(Path(cache) / copy.name, data)
        results.append({"name": copy.name, "bytes": len(data), "fits": fits, "new": True})
    return results
