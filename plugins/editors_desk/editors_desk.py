"""editors_desk: a private dashboard of every article and page, and how each network previews it.

Generated only when EDITORS_DESK_ENABLED is true (pelicanconf.py; publishconf.py turns it
off), under /_desk/ with ``noindex``: a table of every article and page worst-first, and
per article the card image, link-preview mock-ups, share texts and crawler-visible tags.

Settings:
    EDITORS_DESK_ENABLED (bool, default False): write the desk. Only the development
        config sets it; never enable it in publishconf.py.
    EDITORS_DESK_PATH (str, default "_desk"): output folder (a single relative folder name).
    EDITORS_DESK_TITLE_MAX (int, default 70): title length above which the desk warns
        (X's title limit in the link-previews guide).
    EDITORS_DESK_READABILITY (bool, default True): show the Flesch reading ease (textstat).
    EDITORS_DESK_DOMAIN (str or None, default None): the domain the mock-ups print (e.g.
        "sharewell.org.uk"); None prints the host of og:url, i.e. the dev server's.
    EDITORS_DESK_PREVIEW_RULES (dict, default {}): per-network overrides of the preview
        limits, e.g. {"facebook": {"title": {"lines": 2, "width": 40}}} (see previews.py).

Reads, when present, the kernel contracts ``content.og``, ``.share``, ``.review`` and
``.schedule``, every content set (published, drafts, scheduled) and the build's problem
store — what the strict build and the pre-commit hook report, never re-run.
Signals: ``initialized`` validates; ``all_generators_finalized`` keeps the content; the
kernel's ``site_written`` (after every plugin's ``finalized``, so the desk sees every problem,
card and export of the build) reads the written pages and renders the desk from the plugin's
own templates (``templates/desk/``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from kernel import clock, contents, files, preview, problems, runs, settings
from kernel.signals import GeneratedOutput, generated_outputs, output_folder, site_written
from pelican import signals

from .memo import DeskMemo, folder_digest
from .previews import rules_from_settings
from .problems import group_by_file
from .rows import build_row, error_row, index_row, sort_key

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
_DESK_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_DOMAIN = re.compile(r"[A-Za-z0-9.-]+(:\d+)?")
DEFAULTS: dict[str, Any] = {
    "EDITORS_DESK_ENABLED": False,
    "EDITORS_DESK_PATH": "_desk",
    "EDITORS_DESK_TITLE_MAX": 70,
    "EDITORS_DESK_READABILITY": True,
    "EDITORS_DESK_DOMAIN": None,
    "EDITORS_DESK_PREVIEW_RULES": {},
}


def _desk_path(value: Any) -> str:
    if not (isinstance(value, str) and _DESK_PATH.fullmatch(value)):
        raise ValueError("must be one folder name like '_desk'")
    return value


def _domain(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and _DOMAIN.fullmatch(value)):
        raise ValueError("must be None or a host like 'sharewell.org.uk'")
    return value


SETTINGS = (
    settings.Setting("EDITORS_DESK_ENABLED", False, "write the desk", settings.boolean),
    settings.Setting("EDITORS_DESK_PATH", "_desk", "the desk's output folder", _desk_path),
    settings.Setting(
        "EDITORS_DESK_TITLE_MAX", 70, "title length the desk warns above", settings.integer(10, 500)
    ),
    settings.Setting(
        "EDITORS_DESK_READABILITY", True, "show the Flesch reading ease", settings.boolean
    ),
    settings.Setting("EDITORS_DESK_DOMAIN", None, "the domain the mock-ups print", _domain),
    settings.Setting(
        "EDITORS_DESK_PREVIEW_RULES", {}, "per-network preview limit overrides", settings.mapping
    ),
)


def get_settings(pelican_settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return the desk's settings (SettingsError names a bad one) and its preview rules."""
    opts = settings.read(pelican_settings, SETTINGS)
    try:
        opts["rules"] = rules_from_settings(opts["EDITORS_DESK_PREVIEW_RULES"])
    except ValueError as error:
        raise settings.SettingsError(
            "EDITORS_DESK_PREVIEW_RULES", opts["EDITORS_DESK_PREVIEW_RULES"], str(error)
        ) from None
    return opts


def plugin_enabled(settings: Mapping[str, Any], name: str) -> bool:
    """Return whether a plugin (module or dotted name) is listed in PLUGINS."""
    return any(
        str(getattr(p, "__name__", p)).split(".")[-1] == name for p in settings.get("PLUGINS") or []
    )


@dataclass
class DeskRun:
    """One build's desk: settings, every article and page, and the theme's Jinja environment."""

    config: dict[str, Any]
    contents: list[tuple[str, Any]] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> DeskRun:
        return cls(get_settings(dict(settings)))


RUN = runs.RunSlot(DeskRun.start)


def initialized(pelican: Any) -> None:
    """Validate the settings at start-up."""
    get_settings(pelican.settings)


def all_generators_finalized(generators: list[Any]) -> None:
    """Keep every article and page (drafts, hidden and scheduled too) and the Jinja env."""
    if not generators:
        return
    state = RUN.get(generators[0].settings)
    if not state.config["EDITORS_DESK_ENABLED"]:
        return
    for content in contents.everything(generators):
        kind = "article" if contents.is_article(content) else "page"
        state.contents.append((kind, content))


def _desk_slugs(contents: list[tuple[str, Any]]) -> list[str]:
    """Return a unique, URL-safe desk folder name per content object."""
    used: set[str] = set()
    slugs = []
    for _, content in contents:
        base = re.sub(r"[^a-z0-9-]+", "-", str(getattr(content, "slug", "") or "item").lower())
        base = base.strip("-") or "item"
        if not getattr(content, "in_default_lang", True):
            base = f"{base}-{getattr(content, 'lang', 'x')}"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs.append(slug)
    return slugs


def _now(settings: Mapping[str, Any]) -> dt.datetime:
    """Return the build's time for the desk header: ``SOURCE_DATE_EPOCH`` if set, else now.

    The reproducible-builds variable lets two builds of the same pages give the same bytes;
    a value that is not a whole number of seconds in range is ignored.
    """
    zone = clock.zone(settings.get("TIMEZONE"))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), zone)
        except (OverflowError, OSError, ValueError):
            pass
    return dt.datetime.now(zone)


def _environment() -> Environment:
    """Return the desk's own Jinja environment (its templates ship with the plugin)."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def desk_rows(
    state: DeskRun, settings: Mapping[str, Any], memo: DeskMemo | None = None
) -> Iterator[dict[str, Any]]:
    """Yield one row per collected article and page, in collection order, one at a time.

    All rows at once were ~35 KB an article (previews, share texts, head tags), the largest
    peak of a development build; the dashboard keeps only ``index_row`` of each.
    """
    config = state.config
    items = state.contents
    grouped = group_by_file(problems.current_store())
    now = _now(settings)
    desk_slugs = _desk_slugs(items)
    slugs = {id(content): slug for (_, content), slug in zip(items, desk_slugs, strict=True)}
    for (kind, content), slug in zip(items, desk_slugs, strict=True):
        try:
            yield build_row(
                content, kind=kind, desk_slug=slug, settings=settings, config=config,
                rules=config["rules"], now=now,
                problems=grouped.get(contents.source_display(content, settings), []),
                guard_on=plugin_enabled(settings, "content_guard"),
                share_on=plugin_enabled(settings, "share_snippets"), slugs=slugs,
                read_head=memo.head if memo is not None else None,
            )  # fmt: skip
        except Exception as error:  # a desk bug must never hide the other articles
            logger.debug("editors_desk: %s", content.source_path, exc_info=True)
            yield error_row(content, kind=kind, desk_slug=slug, error=error)


def _place_private_card(
    row: dict[str, Any], settings: Mapping[str, Any], desk: Path, desk_path: str
) -> None:
    """Copy a card that is not in the site (scheduled article, draft) into the desk folder.

    Runs at the kernel's ``site_written``: og_cards has placed every card by then.
    """
    path = row["image"]["path"]
    if not path or (Path(settings["OUTPUT_PATH"]) / path).is_file():
        return
    name = Path(path).name
    source = contents.private_folder(settings) / "og" / name
    if source.is_file():
        (desk / "_cards").mkdir(exist_ok=True)
        shutil.copyfile(source, desk / "_cards" / name)
        row["image"]["path"] = f"{desk_path}/_cards/{name}"
    else:
        row["image"]["path"] = None  # do not show a broken image


def _remove_stale(desk: Path, slugs: set[str]) -> None:
    """Remove what an earlier build wrote and this one will not (deleted articles, old cards)."""
    for path in desk.iterdir():
        if path.is_dir() and path.name not in slugs:
            shutil.rmtree(path)  # the folder is ours alone
        elif path.is_file() and path.name not in ("index.html", "desk.css", "desk.js"):
            path.unlink()


def write_desk(pelican: Any) -> None:
    """Write /_desk/ (dashboard, one page per article, CSS and JS) from the plugin's templates."""
    state = RUN.peek()
    RUN.drop()
    if state is None or not state.config["EDITORS_DESK_ENABLED"]:
        return
    if preview.is_preview(pelican.settings):
        return  # a preview writes the saved pages only; the full build after it, the desk
    config = state.config
    pelican_settings = pelican.settings
    env = _environment()
    index, detail = env.get_template("desk/index.html"), env.get_template("desk/article.html")
    memo = DeskMemo(pelican_settings.get("CACHE_PATH"), folder_digest(TEMPLATES, STATIC))
    output = Path(pelican_settings["OUTPUT_PATH"])
    desk = output / config["EDITORS_DESK_PATH"]
    desk.mkdir(parents=True, exist_ok=True)
    _remove_stale(desk, set(_desk_slugs(state.contents)))
    for asset in ("desk.css", "desk.js"):
        shutil.copyfile(STATIC / asset, desk / asset)
    common = {
        "SITENAME": pelican_settings.get("SITENAME", ""),
        "DEFAULT_LANG": pelican_settings.get("DEFAULT_LANG", "en"),
        "EMERGENCY_NOTICE": pelican_settings.get("EMERGENCY_NOTICE", ""),
        "generated": _now(pelican_settings).strftime("%Y-%m-%d %H:%M"),
        "plugins": {
            name: plugin_enabled(pelican_settings, name)
            for name in ("og_cards", "share_snippets", "health_review", "content_guard")
        },
    }
    shown_common = {k: v for k, v in common.items() if k != "generated"}
    rendered = 0
    listed = []
    for row in desk_rows(state, pelican_settings, memo):
        _place_private_card(row, pelican_settings, desk, config["EDITORS_DESK_PATH"])
        listed.append(index_row(row))
        page = desk / row["slug"] / "index.html"
        # An unchanged page already shows this row (and keeps its build time).
        if not memo.unchanged(row["slug"], {"row": row, **shown_common}, page):
            page.parent.mkdir(exist_ok=True)
            # Not Pelican's Writer: the site is finished, and its content_written signal
            # would queue these pages into pelican-sitemap's next run.
            page.write_text(
                detail.render(row=row, root="../../", desk_root="../", **common),
                encoding="utf-8",
            )
            rendered += 1
        # Jinja's context outlives the render in a cycle (its macros refer back to it), so
        # the row would wait for the garbage collector: empty it now, its page is written.
        row.clear()
    listed.sort(key=sort_key)
    # Written as it is made (render() would hold every piece of a 1,000-row table at once),
    # into a temporary file that becomes index.html only when the table is whole.
    with files.replaced(desk / "index.html") as handle:
        handle.writelines(index.generate(rows=listed, root="../", desk_root="", **common))
    memo.save()
    logger.info(
        "editors_desk: %d article(s) and page(s) at %s/ (%d page(s) changed)",
        len(listed),
        config["EDITORS_DESK_PATH"],
        rendered,
    )


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare what editors_desk writes into the output (kernel ``generated_outputs``)."""
    return output_folder(
        settings,
        "EDITORS_DESK_PATH",
        DEFAULTS["EDITORS_DESK_PATH"],
        "editors_desk",
        "the editor's desk",
    )


def register() -> None:
    """Connect editors_desk to Pelican's signals."""
    generated_outputs.connect(declare_outputs)
    runs.watch()
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    site_written.connect(write_desk)
