"""Card specs: the plain data a card is drawn from, and the hash that names and caches it."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from og_cards.layouts import FALLBACK_LAYOUT
from og_cards.render import RENDERER_VERSION, readable_on

EXTENSIONS = {"png": "png", "jpeg": "jpg"}
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


@lru_cache(maxsize=4096)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:20]


def file_digest(path: str | Path) -> str:
    """Return a short content digest of a file (cached per size and modification time)."""
    stat = Path(path).stat()
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


# Per build: font files are hashed (and stat'ed) once, layouts serialised once.
_run_cache: dict[Any, str] = {}


def reset_run_cache() -> None:
    """Forget per-build digests (fonts or layouts may change between autoreload runs)."""
    _run_cache.clear()


def _fonts_digest(fonts: dict[str, list[str]]) -> str:
    key = ("fonts", tuple((name, tuple(paths)) for name, paths in sorted(fonts.items())))
    if key not in _run_cache:
        digests = {name: [file_digest(p) for p in paths] for name, paths in fonts.items()}
        _run_cache[key] = json.dumps(digests, sort_keys=True)
    return _run_cache[key]


def _json_digest(value: Any) -> str:
    key = ("json", id(value))
    if key not in _run_cache:
        _run_cache[key] = hashlib.sha256(
            json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
    return _run_cache[key]


def build_spec(
    opts: dict[str, Any],
    layout_name: str,
    texts: dict[str, str],
    accent: str,
    image: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the card spec for one page (everything the renderer needs, as plain data)."""
    all_layouts = opts["layouts"]
    layout = all_layouts[layout_name]
    background = opts["OG_CARDS_BACKGROUND"]
    colours = {
        "accent": accent,
        "accent_text": readable_on(accent, background),
        "background": background,
        "text": opts["OG_CARDS_TEXT_COLOUR"],
        "muted": opts["OG_CARDS_MUTED_COLOUR"],
    }
    return {
        "version": RENDERER_VERSION,
        "size": list(opts["OG_CARDS_SIZE"]),
        "layout_name": layout_name,
        "layout": layout,
        "fallback_layout": all_layouts[FALLBACK_LAYOUT],
        "texts": {key: " ".join(str(value or "").split()) for key, value in texts.items()},
        "colours": colours,
        "fonts": {"bold": opts["OG_CARDS_FONTS"], "regular": opts["OG_CARDS_FONTS_REGULAR"]},
        "image": image,
        "format": layout["format"],
        "max_bytes": opts["OG_CARDS_MAX_BYTES"],
        "jpeg_quality": opts["OG_CARDS_JPEG_QUALITY"],
        "png_colours": opts["OG_CARDS_PNG_COLOURS"],
    }


def spec_hash(spec: dict[str, Any]) -> str:
    """Return the hex SHA-256 of a spec, with files identified by content rather than path."""
    identity = dict(spec)
    identity["fonts"] = _fonts_digest(spec["fonts"])
    # Layouts are the same objects for a whole build: serialise each once.
    identity["layout"] = _json_digest(spec["layout"])
    identity["fallback_layout"] = _json_digest(spec["fallback_layout"])
    if spec.get("image"):
        identity["image"] = dict(spec["image"], path=file_digest(spec["image"]["path"]))
    blob = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def card_name(stem: str, digest: str, fmt: str) -> str:
    """Return the output file name of a card: `<stem>-<hash8>.<ext>`."""
    return f"{stem}-{digest[:8]}.{EXTENSIONS[fmt]}"
