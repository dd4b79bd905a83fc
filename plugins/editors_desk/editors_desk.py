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

Reads, when present: article.og (og_cards), article.share (share_snippets), article.review
and the problems health_review found, problems every plugin logs with
``extra={"problem": ...}`` (content_guard), and ``scheduled_for`` (scheduling).
Signals: ``initialized`` validates and starts collecting problems; ``all_generators_finalized``
keeps the content lists; ``finalized`` reads the written pages and writes the desk.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican import signals

from .previews import rules_from_settings
from .problems import Collector, DeskProblem, from_record, group_by_file
from .rows import build_row, error_row, sort_key

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
DEFAULTS: dict[str, Any] = {
    "EDITORS_DESK_ENABLED": False,
    "EDITORS_DESK_PATH": "_desk",
    "EDITORS_DESK_TITLE_MAX": 70,
    "EDITORS_DESK_READABILITY": True,
    "EDITORS_DESK_DOMAIN": None,
    "EDITORS_DESK_PREVIEW_RULES": {},
}
ARTICLE_GROUPS = (
    "articles", "translations", "drafts", "drafts_translations",
    "hidden_articles", "hidden_translations", "scheduled_articles",
)  # fmt: skip
PAGE_GROUPS = (
    "pages", "translations", "hidden_pages", "hidden_translations",
    "draft_pages", "draft_translations",
)  # fmt: skip

# Per-run state, reset in `initialized` (autoreload runs Pelican again in-process).
_STATE: dict[str, Any] = {"config": None, "collector": None, "contents": [], "env": None}


def get_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated editors_desk settings; ValueError names key and value."""
    opts = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("EDITORS_DESK_ENABLED", "EDITORS_DESK_READABILITY"):
        if not isinstance(opts[key], bool):
            raise ValueError(f"editors_desk: {key} must be True or False, not {opts[key]!r}")
    path = opts["EDITORS_DESK_PATH"]
    if not (isinstance(path, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", path)):
        raise ValueError(
            f"editors_desk: EDITORS_DESK_PATH must be one folder name like '_desk', not {path!r}"
        )
    limit = opts["EDITORS_DESK_TITLE_MAX"]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 10 <= limit <= 500:
        raise ValueError(
            f"editors_desk: EDITORS_DESK_TITLE_MAX must be a whole number 10-500, not {limit!r}"
        )
    domain = opts["EDITORS_DESK_DOMAIN"]
    if domain is not None and not (
        isinstance(domain, str) and re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", domain)
    ):
        raise ValueError(
            f"editors_desk: EDITORS_DESK_DOMAIN must be None or a host like "
            f"'sharewell.org.uk', not {domain!r}"
        )
    rules = opts["EDITORS_DESK_PREVIEW_RULES"]
    if not isinstance(rules, dict):
        raise ValueError(f"editors_desk: EDITORS_DESK_PREVIEW_RULES must be a dict, not {rules!r}")
    opts["rules"] = rules_from_settings(rules)
    return opts


def plugin_enabled(settings: dict[str, Any], name: str) -> bool:
    """Return whether a plugin (module or dotted name) is listed in PLUGINS."""
    return any(
        str(getattr(p, "__name__", p)).split(".")[-1] == name for p in settings.get("PLUGINS") or []
    )


def _detach() -> None:
    collector = _STATE.get("collector")
    if collector is not None:
        logging.getLogger().removeHandler(collector)
    _STATE["collector"] = None


def initialized(pelican: Any) -> None:
    """Validate settings, reset state and start collecting logged problems."""
    _detach()
    _STATE.update(config=None, contents=[], env=None)
    config = get_settings(pelican.settings)
    _STATE["config"] = config
    if config["EDITORS_DESK_ENABLED"]:
        collector = Collector()
        logging.getLogger().addHandler(collector)
        _STATE["collector"] = collector


def all_generators_finalized(generators: list[Any]) -> None:
    """Keep every article and page (drafts, hidden and scheduled too) and the theme's Jinja env."""
    config = _STATE.get("config")
    if not config or not config["EDITORS_DESK_ENABLED"]:
        return
    seen: set[int] = set()
    for generator in generators:
        is_articles = hasattr(generator, "articles")
        if not is_articles and not hasattr(generator, "pages"):
            continue
        if _STATE["env"] is None and getattr(generator, "env", None) is not None:
            _STATE["env"] = generator.env
        for group in ARTICLE_GROUPS if is_articles else PAGE_GROUPS:
            for content in getattr(generator, group, None) or []:
                if id(content) not in seen:
                    seen.add(id(content))
                    _STATE["contents"].append(("article" if is_articles else "page", content))


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


def _content_guard_problems(settings: dict[str, Any]) -> list[tuple[str, DeskProblem]]:
    """Re-run content_guard's pure header check on each file.

    Pelican drops a warning it has already logged once in this process (LimitFilter), so
    on an in-process rebuild (``pelican -r``) the log alone would miss them.
    """
    if not plugin_enabled(settings, "content_guard"):
        return []
    try:
        from content_guard.content_guard import get_settings as guard_settings
        from content_guard.metadata import PELICAN_KEYS, PLUGIN_KEYS, check_header, read_header

        config = guard_settings(settings)
    except (ImportError, ValueError):
        return []
    if not config.get("CONTENT_GUARD_ENABLED", True):
        return []
    known = PELICAN_KEYS | PLUGIN_KEYS | config.get("CONTENT_GUARD_KNOWN_KEYS", frozenset())
    root = Path(settings.get("PATH", ".")).resolve()
    found = []
    for kind, content in _STATE["contents"]:
        path = Path(content.source_path).resolve()
        if path.suffix.lower() not in {".md", ".markdown", ".mkd", ".mdown"}:
            continue
        try:
            header = read_header(path.read_text(encoding="utf-8"))
            display = path.relative_to(root.parent).as_posix()
            problems = check_header(
                path, header, display_path=display, is_article=kind == "article", known_keys=known
            )
        except Exception:  # content_guard itself reports unreadable files
            logger.debug("editors_desk: header not checked: %s", path, exc_info=True)
            continue
        found += [item for p in problems if (item := from_record(p, "content_guard"))]
    return found


def _all_problems(settings: dict[str, Any]) -> list[tuple[str, DeskProblem]]:
    collector = _STATE.get("collector")
    found = list(collector.found) if collector else []
    found += _content_guard_problems(settings)
    module = sys.modules.get("health_review.health_review")
    if module is not None and plugin_enabled(settings, "health_review"):
        # health_review keeps advisory findings that the console level may have dropped.
        for problem in getattr(module, "STATE", {}).get("problems", []):
            item = from_record(problem, "health_review")
            if item is not None:
                found.append(item)
    return found


def _now(settings: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return dt.datetime.now(dt.UTC)


def _template(name: str):
    env = _STATE.get("env")
    if env is None:
        return None
    try:
        return env.get_template(name)
    except Exception:  # jinja2.TemplateNotFound: the theme has no desk templates
        logger.warning("editors_desk: the theme has no %s; the desk was not written", name)
        return None


def build_rows(settings: dict[str, Any], config: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one row per collected article and page, worst problems first."""
    contents = _STATE["contents"]
    content_path = Path(settings.get("PATH", ".")).resolve()
    bases = [Path.cwd(), content_path.parent, content_path]
    grouped = group_by_file(_all_problems(settings), bases)
    now = _now(settings)
    rows = []
    for (kind, content), slug in zip(contents, _desk_slugs(contents), strict=True):
        source = str(Path(content.source_path).resolve())
        try:
            row = build_row(
                content, kind=kind, desk_slug=slug, settings=settings, config=config,
                rules=config["rules"], problems=grouped.get(source, []), now=now,
                health_review_on=plugin_enabled(settings, "health_review"),
                share_on=plugin_enabled(settings, "share_snippets"),
            )  # fmt: skip
        except Exception as error:  # a desk bug must never hide the other articles
            logger.debug("editors_desk: %s", content.source_path, exc_info=True)
            row = error_row(content, kind=kind, desk_slug=slug, error=error)
        rows.append(row)
    return sorted(rows, key=sort_key)


def _place_private_cards(
    rows: list[dict[str, Any]], settings: dict[str, Any], desk: Path, desk_path: str
) -> None:
    """Copy cards that are not in the site yet (scheduled articles) into the desk folder."""
    output = Path(settings["OUTPUT_PATH"])
    private = settings.get("SCHEDULING_PREVIEW_PATH")
    if private is None:
        private = Path(settings.get("CACHE_PATH") or "cache") / "scheduled"
    for row in rows:
        path = row["image"]["path"]
        if not path or (output / path).is_file():
            continue
        name = Path(path).name
        source = Path(private) / "og" / name if private else None
        if source is not None and source.is_file():
            (desk / "_cards").mkdir(exist_ok=True)
            shutil.copyfile(source, desk / "_cards" / name)
            row["image"]["path"] = f"{desk_path}/_cards/{name}"
        else:
            row["image"]["path"] = None  # do not show a broken image


def finalized(pelican: Any) -> None:
    """Write /_desk/ (dashboard, one page per article, CSS and JS) and stop collecting."""
    config = _STATE.get("config")
    try:
        if not config or not config["EDITORS_DESK_ENABLED"]:
            return
        settings = pelican.settings
        index, detail = _template("desk/index.html"), _template("desk/article.html")
        if index is None or detail is None:
            return
        rows = build_rows(settings, config)
        desk = Path(settings["OUTPUT_PATH"]) / config["EDITORS_DESK_PATH"]
        if desk.is_dir():
            shutil.rmtree(desk)  # the folder is ours alone: drop pages of deleted articles
        desk.mkdir(parents=True)
        for asset in ("desk.css", "desk.js"):
            shutil.copyfile(STATIC / asset, desk / asset)
        _place_private_cards(rows, settings, desk, config["EDITORS_DESK_PATH"])
        common = {
            "SITENAME": settings.get("SITENAME", ""),
            "DEFAULT_LANG": settings.get("DEFAULT_LANG", "en"),
            "EMERGENCY_NOTICE": settings.get("EMERGENCY_NOTICE", ""),
            "generated": _now(settings).strftime("%Y-%m-%d %H:%M"),
            "plugins": {
                name: plugin_enabled(settings, name)
                for name in ("og_cards", "share_snippets", "health_review", "content_guard")
            },
        }
        (desk / "index.html").write_text(
            index.render(rows=rows, root="../", desk_root="", **common), encoding="utf-8"
        )
        for row in rows:
            folder = desk / row["slug"]
            folder.mkdir()
            (folder / "index.html").write_text(
                detail.render(row=row, root="../../", desk_root="../", **common), encoding="utf-8"
            )
        logger.info(
            "editors_desk: %d article(s) and page(s) at %s/",
            len(rows),
            config["EDITORS_DESK_PATH"],
        )
    finally:
        _detach()
        _STATE["contents"] = []


def register() -> None:
    """Connect editors_desk to Pelican's signals."""
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
