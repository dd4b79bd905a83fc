"""content_images: phone-sized, modern-format copies of every content image, with real sizes.

Body images (``![alt]({static}/images/x.png)``) become ``<picture>`` elements while Markdown
renders (a Markdown extension, like the care cards); the ``image:`` header becomes
``article.images["header"]``, which the theme renders the same way. Each copy's name carries a hash
of the source and of the encoding, copies are kept in ``CACHE_PATH/content_images/`` and encoded
only when missing, in parallel across cores.

Settings (all optional; see README.md):

- CONTENT_IMAGES_ENABLED (True): turn the plugin off (images are then published as they are).
- CONTENT_IMAGES_OUTPUT_DIR ("images/sized"): output folder of the copies.
- CONTENT_IMAGES_WIDTHS ([480, 800, 1200, 1600]): widths in pixels (never wider than the source).
- CONTENT_IMAGES_FORMATS (["webp"]): modern formats offered before the fallback, which is JPEG
  for photos and PNG for images with transparency or few colours; add "avif" (first) for about
  a third fewer bytes at twice the encoding time.
- CONTENT_IMAGES_QUALITY ({"avif": 55, "webp": 80, "jpeg": 82}): starting quality per format.
- CONTENT_IMAGES_SIZES: the ``sizes`` attribute (the theme's text column on wide screens).
- CONTENT_IMAGES_MAX_BYTES (200000): budget per published copy; a copy that stays larger even at
  lower quality is a warning naming the source file.
- CONTENT_IMAGES_SOURCE_LIMIT (8000000): a source file larger than this is an error (it is still
  published, so a strict build fails).
- CONTENT_IMAGES_WORKERS (None = all cores; 0 = encode in the Pelican process).
- CONTENT_IMAGES_CACHE_PATH (None = CACHE_PATH/content_images): where encoded copies are kept.
  Names are content hashes, so builds of different sites may share one folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from kernel import cache
from kernel.problems import Problem, Severity, report
from kernel.runs import RunSlot, watch
from kernel.settings import SettingsError
from kernel.signals import GeneratedOutput, generated_outputs, output_folder
from pelican import signals

from content_images.derivatives import ImageSourceError, Plan, plan_image, render_plan
from content_images.markdown_ext import ContentImagesExtension
from content_images.markup import picture

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "CONTENT_IMAGES_ENABLED": True,
    "CONTENT_IMAGES_OUTPUT_DIR": "images/sized",
    "CONTENT_IMAGES_WIDTHS": [480, 800, 1200, 1600],
    "CONTENT_IMAGES_FORMATS": ["webp"],
    "CONTENT_IMAGES_QUALITY": {"avif": 55, "webp": 80, "jpeg": 82},
    "CONTENT_IMAGES_SIZES": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
    "CONTENT_IMAGES_MAX_BYTES": 200_000,
    "CONTENT_IMAGES_SOURCE_LIMIT": 8_000_000,
    "CONTENT_IMAGES_WORKERS": None,
    "CONTENT_IMAGES_CACHE_PATH": None,
}
FORMATS = ("avif", "webp")
RASTER = {".png", ".jpg", ".jpeg", ".webp", ".avif"}
PREFIXES = ("{static}", "{attach}", "{filename}", "|static|", "|attach|", "|filename|")


class ContentImagesSettingsError(SettingsError):
    """A bad CONTENT_IMAGES_* setting."""


def _fail(key: str, value: Any, why: str) -> None:
    raise ContentImagesSettingsError(key, value, why)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def get_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated content_images settings with defaults filled in."""
    opts = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if not isinstance(opts["CONTENT_IMAGES_ENABLED"], bool):
        _fail("CONTENT_IMAGES_ENABLED", opts["CONTENT_IMAGES_ENABLED"], "must be True or False")
    out = opts["CONTENT_IMAGES_OUTPUT_DIR"]
    if not (isinstance(out, str) and out.strip("/") and ".." not in PurePosixPath(out).parts):
        _fail("CONTENT_IMAGES_OUTPUT_DIR", out, "must be a folder inside the output")
    opts["CONTENT_IMAGES_OUTPUT_DIR"] = out.strip("/")
    widths = opts["CONTENT_IMAGES_WIDTHS"]
    if not (
        isinstance(widths, list | tuple)
        and widths
        and all(_is_int(w) and 16 <= w <= 8192 for w in widths)
    ):
        _fail("CONTENT_IMAGES_WIDTHS", widths, "must be a list of widths from 16 to 8192")
    formats = opts["CONTENT_IMAGES_FORMATS"]
    if not (isinstance(formats, list | tuple) and all(f in FORMATS for f in formats)):
        _fail("CONTENT_IMAGES_FORMATS", formats, f"must list formats from {FORMATS}")
    quality = opts["CONTENT_IMAGES_QUALITY"]
    if not (
        isinstance(quality, dict) and all(_is_int(q) and 1 <= q <= 100 for q in quality.values())
    ):
        _fail("CONTENT_IMAGES_QUALITY", quality, "must map formats to qualities from 1 to 100")
    opts["CONTENT_IMAGES_QUALITY"] = {**DEFAULTS["CONTENT_IMAGES_QUALITY"], **quality}
    if not isinstance(opts["CONTENT_IMAGES_SIZES"], str) or not opts["CONTENT_IMAGES_SIZES"]:
        _fail("CONTENT_IMAGES_SIZES", opts["CONTENT_IMAGES_SIZES"], "must be a sizes attribute")
    for key in ("CONTENT_IMAGES_MAX_BYTES", "CONTENT_IMAGES_SOURCE_LIMIT"):
        if not (_is_int(opts[key]) and opts[key] >= 1000):
            _fail(key, opts[key], "must be a number of bytes (at least 1000)")
    workers = opts["CONTENT_IMAGES_WORKERS"]
    if workers is not None and not (_is_int(workers) and workers >= 0):
        _fail("CONTENT_IMAGES_WORKERS", workers, "must be None or an integer >= 0")
    cache = opts["CONTENT_IMAGES_CACHE_PATH"]
    if cache is not None and not isinstance(cache, str | Path):
        _fail("CONTENT_IMAGES_CACHE_PATH", cache, "must be None or a folder")
    return opts


class ImageRun:
    """One build's images: where they come from, their plans, and what to publish."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.opts = get_settings(settings)
        self.content = Path(settings["PATH"]).resolve()
        self.output = Path(settings["OUTPUT_PATH"]) / self.opts["CONTENT_IMAGES_OUTPUT_DIR"]
        cache = self.opts["CONTENT_IMAGES_CACHE_PATH"]
        self.cache = Path(cache) if cache else Path(settings["CACHE_PATH"]) / "content_images"
        self.siteurl = str(settings.get("SITEURL", "")).rstrip("/")
        self.base_url = f"{self.siteurl}/{self.opts['CONTENT_IMAGES_OUTPUT_DIR']}"
        self.plans: dict[Path, Plan | None] = {}

    def display(self, path: Path) -> str:
        """Name a source file as writers see it: content/images/x.png."""
        try:
            return path.relative_to(self.content.parent).as_posix()
        except ValueError:
            return str(path)

    def resolve(self, src: str) -> Path | None:
        """Return the content file an image URL or metadata value names, or None."""
        value = unquote(str(src or "").strip())
        for prefix in PREFIXES:
            value = value.removeprefix(prefix)
        if self.siteurl and value.startswith(self.siteurl + "/"):
            value = value[len(self.siteurl) :]
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        rel = PurePosixPath(parts.path.lstrip("/"))
        if ".." in rel.parts or rel.suffix.lower() not in RASTER:
            return None
        path = (self.content / rel).resolve()
        if not path.is_file() or not path.is_relative_to(self.content):
            return None
        return path

    def plan(self, path: Path) -> Plan | None:
        """Plan one source image once per build; report unreadable or oversized files."""
        if path in self.plans:
            return self.plans[path]
        plan = None
        size = path.stat().st_size
        limit = self.opts["CONTENT_IMAGES_SOURCE_LIMIT"]
        if size > limit:
            report(
                Problem(
                    self.display(path),
                    "file",
                    f"the image is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit "
                    "for one image",
                    "resize it to at most 2400 px wide and save photos as JPEG (readers get "
                    "small copies, but the original is still published)",
                    Severity.ERROR,
                    source="content_images",
                )
            )
        try:
            plan = plan_image(path, self.opts)
        except ImageSourceError as error:
            report(
                Problem(
                    self.display(path),
                    "file",
                    f"not an image we can read ({error})",
                    "export it again as PNG or JPEG",
                    Severity.ERROR,
                    source="content_images",
                )
            )
        self.plans[path] = plan
        return plan

    def picture_for(self, src: str) -> dict[str, Any] | None:
        path = self.resolve(src)
        plan = self.plan(path) if path else None
        return picture(plan, self.base_url, self.opts["CONTENT_IMAGES_SIZES"]) if plan else None

    def publish(self) -> dict[str, Any]:
        """Encode the copies missing from the cache, copy every copy to the output."""
        started = time.perf_counter()
        plans = [p for p in self.plans.values() if p is not None]
        self.cache.mkdir(parents=True, exist_ok=True)
        max_bytes = self.opts["CONTENT_IMAGES_MAX_BYTES"]
        jobs = [(p.source, [c for cs in p.copies.values() for c in cs]) for p in plans]
        todo = [j for j in jobs if any(not (self.cache / c.name).is_file() for c in j[1])]
        workers = self.opts["CONTENT_IMAGES_WORKERS"]
        workers = (
            min(os.cpu_count() or 1, len(todo)) if workers is None else min(workers, len(todo))
        )
        results: dict[str, list[dict]] = {}
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {
                    src: pool.submit(render_plan, src, copies, str(self.cache), max_bytes)
                    for src, copies in jobs
                }
                results = {src: future.result() for src, future in futures.items()}
        else:
            results = {
                src: render_plan(src, copies, str(self.cache), max_bytes) for src, copies in jobs
            }
        published = 0
        for src, reports in results.items():
            for done in reports:
                target = self.output / done["name"]
                if not target.is_file() or target.stat().st_size != done["bytes"]:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(self.cache / done["name"], target)
                published += 1
                if not done["fits"]:
                    report(
                        Problem(
                            self.display(Path(src)),
                            "file",
                            f"the copy {done['name']} is {done['bytes'] // 1000} KB, over the "
                            f"{max_bytes // 1000} KB budget for one image",
                            "crop or simplify the image, or save a photo as JPEG",
                            Severity.WARNING,
                            source="content_images",
                        )
                    )
        return {
            "images": len(plans),
            "copies": published,
            "encoded": sum(r["new"] for rs in results.values() for r in rs),
            "bytes": sum(r["bytes"] for rs in results.values() for r in rs),
            "seconds": time.perf_counter() - started,
            "workers": workers,
        }


RUN: RunSlot[ImageRun] = RunSlot(ImageRun)
CACHE_INPUTS = "content_images"  # how the kernel's content cache files this plugin's inputs
_enabled_for: dict[str, Any] = {}  # the settings the Markdown extension was added for


def picture_for(src: str) -> dict[str, Any] | None:
    """Return the picture data of a content image for this build (None: leave the <img>).

    Called by the Markdown extension while Pelican reads a file: the content cache keeps the
    HTML, so the kernel is told which image the file uses (a changed image re-reads it).
    """
    settings = _enabled_for.get("settings")
    if settings is None:
        return None
    run = RUN.get(settings)
    path = run.resolve(src)
    if path is not None:
        cache.reading_uses(path, by=CACHE_INPUTS)
    return run.picture_for(src)


def initialized(pelican: Any) -> None:
    """Validate settings and add the Markdown extension (once per Pelican object)."""
    _enabled_for.clear()
    RUN.drop()
    opts = get_settings(pelican.settings)
    if not opts["CONTENT_IMAGES_ENABLED"]:
        return
    _enabled_for["settings"] = pelican.settings
    markdown = dict(pelican.settings.get("MARKDOWN") or {})
    extensions = [
        e for e in markdown.get("extensions") or [] if not isinstance(e, ContentImagesExtension)
    ]
    extensions.append(ContentImagesExtension(picture_for=picture_for))
    markdown["extensions"] = extensions
    pelican.settings["MARKDOWN"] = markdown


def all_generators_finalized(generators: list[Any]) -> None:
    """Give each page with an ``image:`` header its picture, then publish every copy.

    Every image is planned by now (Markdown has rendered); publishing here, before any page is
    written, means checks that look for linked files (health_review's links) find them.
    """
    settings = _enabled_for.get("settings")
    if settings is None:
        return
    run = RUN.get(settings)
    for generator in generators:
        for name in (
            "articles",
            "translations",
            "drafts",
            "drafts_translations",
            "hidden_articles",
            "pages",
            "hidden_pages",
            "draft_pages",
        ):
            for content in getattr(generator, name, []) or []:
                # Content from Pelican's cache was not rendered by Markdown in this build:
                # plan the body images its cached HTML shows, so their copies are published.
                for used in cache.reading_inputs(content.source_path, by=CACHE_INPUTS):
                    if Path(used).is_file():
                        run.plan(Path(used))
                header = content.metadata.get("image")
                data = run.picture_for(header) if header else None
                content.images = {"header": data}
    stats = run.publish()
    logger.info(
        "content_images: %d image(s), %d copies (%d encoded, %d cached), %d KB, %.2f s",
        stats["images"],
        stats["copies"],
        stats["encoded"],
        stats["copies"] - stats["encoded"],
        stats["bytes"] // 1000,
        stats["seconds"],
    )


def finalized(pelican: Any) -> None:
    """Drop the run's image table (the next run, autoreload's too, starts a fresh one)."""
    RUN.drop()


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare what content_images writes into the output (kernel ``generated_outputs``)."""
    return output_folder(
        settings,
        "CONTENT_IMAGES_OUTPUT_DIR",
        DEFAULTS["CONTENT_IMAGES_OUTPUT_DIR"],
        "content_images",
        "the resized images",
    )


def register() -> None:
    """Connect content_images to Pelican's signals."""
    generated_outputs.connect(declare_outputs)
    watch()
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
