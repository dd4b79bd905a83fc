"""One desk row per article or page: plain data read defensively from every plugin's attribute.

Nothing here requires og_cards, share_snippets, health_review or scheduling: each value
falls back (to the built page's tags, the metadata, or "not available") when a plugin is off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kernel import contents, lang
from kernel.problems import Problem
from kernel.text import html_to_text

from . import crawl
from .previews import Rule, previews
from .problems import counts, head_problems, sort_problems, summary_problem, title_problems

logger = logging.getLogger(__name__)
NOT_SHARED_KINDS = {"copy", "native"}


def plain(value: Any) -> str:
    """Return text without markup, entities decoded, whitespace collapsed (the kernel's rule)."""
    return html_to_text(value)


def content_status(content: Any, now: dt.datetime) -> str:
    """Return draft, scheduled, hidden or published."""
    if getattr(content, "schedule", None):
        return "scheduled"
    status = str(getattr(content, "status", "published") or "published").lower()
    if status in {"draft", "hidden"}:
        return status
    if hasattr(content, "schedule"):
        return "published"  # the scheduling plugin decided (its "today" may be overridden)
    date = getattr(content, "date", None)
    if isinstance(date, dt.datetime):
        when = date if date.tzinfo else date.replace(tzinfo=now.tzinfo)
        if when > now:
            return "scheduled"
    return "published"


def review_info(content: Any) -> dict[str, Any]:
    """Return review status, days to the next review and its date (health_review's data)."""
    review = getattr(content, "review", None)
    if review is None:
        return {"status": "", "days_left": None, "next_review": ""}
    next_review = getattr(review, "next_review", None)
    return {
        "status": str(getattr(review, "status", "") or ""),
        "days_left": getattr(review, "days_left", None),
        "next_review": next_review.isoformat() if isinstance(next_review, dt.date) else "",
    }


def flesch(content: Any) -> float | None:
    """Return the page's Flesch reading ease as health_review scored it (``content.review``)."""
    value = getattr(getattr(content, "review", None), "readability", None)
    return round(float(value), 1) if isinstance(value, int | float) else None


def site_path(url: str, siteurl: str) -> str | None:
    """Return a site-relative path for a URL on this site, or None for another host."""
    if not url:
        return None
    base = (siteurl or "").rstrip("/")
    if base and url.startswith(base + "/"):
        return url[len(base) + 1 :]
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url.lstrip("/")
    return None


def share_items(content: Any, settings: dict, enabled: bool) -> list[dict[str, Any]] | None:
    """Return each network's share text and count (None when share_snippets is off)."""
    share = getattr(content, "share", None)
    if share is None or not enabled:
        return None
    try:
        snippets = list(getattr(share, "networks", {}).values())
    except Exception:
        logger.debug("editors_desk: no share data for %s", content.source_path, exc_info=True)
        return None
    items = []
    for snippet in snippets:
        if getattr(snippet, "kind", "link") in NOT_SHARED_KINDS or not getattr(snippet, "text", ""):
            continue
        length, limit = getattr(snippet, "length", None), getattr(snippet, "limit", None)
        items.append(
            {
                "label": getattr(snippet, "label", getattr(snippet, "key", "?")),
                "text": snippet.text,
                "length": length,
                "limit": limit,
                "over": bool(limit and length is not None and length > limit),
                "trimmed": bool(getattr(snippet, "trimmed", False)),
            }
        )
    return items


# Where `invoke serve`/`invoke desk` serve the build's private folder (tasks.py).
PRIVATE_URL = "_private/"


def share_kit(content: Any, settings: dict) -> str | None:
    """Return the local URL path of the article's share kit (in the private folder), if any."""
    share = getattr(content, "share", None)
    try:
        url, save_as = getattr(share, "kit_url", ""), getattr(share, "kit_save_as", "")
    except Exception:  # a lazily computed attribute failing must not break the desk
        return None
    if url and save_as and (contents.private_folder(settings) / save_as).is_file():
        return PRIVATE_URL + str(url)
    return None


def og_fallback(content: Any) -> dict[str, Any]:
    """Return article.og (og_cards) as a dict, or {}."""
    og = getattr(content, "og", None)
    if isinstance(og, dict):
        return og
    if og is None:
        return {}
    if dataclasses.is_dataclass(og):
        return dataclasses.asdict(og)
    return {k: getattr(og, k) for k in dir(og) if not k.startswith("_")}


def _read_head(page: Path) -> list[crawl.Tag]:
    try:
        return crawl.read_head(page.read_text(encoding="utf-8")) if page.is_file() else []
    except (OSError, UnicodeDecodeError):
        return []


def _day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else ""


def language_versions(
    content: Any, settings: dict, slugs: dict[int, str] | None = None
) -> dict[str, Any]:
    """Return the page's language and its versions side by side (the languages plugin's data).

    Each version: language, title, summary, card, dates and whether it waits for review
    (``machine_assisted``) or is older than the version it translates (``outdated``).
    """
    info = getattr(content, "language", None)
    tag = lang.content_language(content, settings)
    found: dict[str, Any] = {
        "lang": tag, "name": lang.display_name(tag, "en"), "direction": lang.direction(tag),
        "machine_assisted": bool(getattr(info, "machine_assisted", False)),
        "outdated": bool(getattr(info, "outdated", False)), "versions": [],
    }  # fmt: skip
    versions = lang.versions(content)
    if len(versions) < 2:
        return found
    output = Path(settings["OUTPUT_PATH"])
    for version in versions:
        other = getattr(version, "language", None)
        other_tag = lang.content_language(version, settings)
        card = (og_fallback(version).get("card") or {}) if og_fallback(version) else {}
        card_file = card.get("file") if isinstance(card, dict) else None
        review = getattr(version, "review", None)
        found["versions"].append({
            "lang": other_tag, "name": lang.display_name(other_tag, "en"),
            "direction": lang.direction(other_tag), "current": version is content,
            "title": plain(getattr(version, "title", "")),
            "summary": plain((version.metadata or {}).get("summary") or ""),
            "url": version.url, "slug": (slugs or {}).get(id(version)),
            "status": str(getattr(version, "status", "published")),
            "scheduled": getattr(version, "schedule", None) is not None,
            "modified": _day(getattr(version, "modified", None) or getattr(version, "date", None)),
            "last_reviewed": _day(getattr(review, "last_reviewed", None)),
            "card": card_file if card_file and (output / card_file).is_file() else None,
            "machine_assisted": bool(getattr(other, "machine_assisted", False)),
            "outdated": bool(getattr(other, "outdated", False)),
        })  # fmt: skip
    return found


def build_row(
    content: Any,
    *,
    kind: str,
    desk_slug: str,
    settings: dict,
    config: dict,
    rules: dict[str, Rule],
    problems: list[Problem],
    now: dt.datetime,
    guard_on: bool,
    share_on: bool,
    read_head: Callable[[Path], list[crawl.Tag]] | None = None,
    slugs: dict[int, str] | None = None,
) -> dict[str, Any]:
    """Return everything the desk shows about one article or page.

    ``read_head(page)`` returns a written page's head tags (the desk's memo passes its own).
    """
    siteurl = settings.get("SITEURL", "")
    output = Path(settings["OUTPUT_PATH"]) / (getattr(content, "save_as", "") or "")
    head = (read_head or _read_head)(output)
    og = og_fallback(content)
    head_source = "page"
    if not head and og:
        head, head_source = crawl.tags_from_og(og), "og"  # not written yet (e.g. scheduled)
    view = crawl.crawler_view(head)
    title = plain(view.get("og:title") or og.get("title") or getattr(content, "title", ""))
    summary = (content.metadata or {}).get("summary")
    description = plain(view.get("og:description") or og.get("description") or summary or "")
    url = view.get("og:url") or og.get("url") or f"{siteurl.rstrip('/')}/{content.url}"
    image_url = view.get("og:image") or og.get("image") or ""
    card = og.get("card") if isinstance(og.get("card"), dict) else {}
    image_path = site_path(image_url, siteurl) or (card or {}).get("file")
    cards = previews(
        rules, title=title, description=description, url=url,
        site_name=view.get("og:site_name") or og.get("site_name") or settings.get("SITENAME", ""),
        domain=config["EDITORS_DESK_DOMAIN"],
    )  # fmt: skip
    file = contents.source_display(content, settings)
    found = list(problems)
    found += title_problems(cards, title, config["EDITORS_DESK_TITLE_MAX"], file)
    if not guard_on and not any(p.field == "summary" for p in found):
        found += summary_problem(summary, kind == "article", file)
    if output.is_file():
        found += head_problems(crawl.check_head(head), file)
    found = sort_problems(found)
    category = getattr(content, "category", None) if kind == "article" else None
    return {
        "slug": desk_slug,
        "kind": kind,
        "title": plain(getattr(content, "title", "")),
        "url": content.url,
        "source": str(getattr(content, "relative_source_path", "") or content.source_path),
        "category": str(category) if category else ("Page" if kind == "page" else ""),
        "status": content_status(content, now),
        "scheduled_for": _goes_live(content),
        "date": getattr(content, "date", None),
        "review": review_info(content),
        "readability": flesch(content) if config["EDITORS_DESK_READABILITY"] else None,
        "summary_length": len(plain(summary)) if summary else None,
        "image": {
            "path": image_path,
            "external": bool(image_url) and image_path is None,
            "url": image_url,
            "alt": plain(view.get("og:image:alt") or og.get("image_alt") or ""),
            "width": view.get("og:image:width") or og.get("image_width") or "",
            "height": view.get("og:image:height") or og.get("image_height") or "",
        },
        "og": {"title": title, "description": description, "url": url},
        "previews": cards,
        "share": share_items(content, settings, share_on),
        "share_kit": share_kit(content, settings),
        "head": head,
        "head_source": head_source,
        "built": output.is_file(),
        "problems": found,
        "counts": counts(found),
        "languages": language_versions(content, settings, slugs),
    }


def _goes_live(content: Any) -> str:
    schedule = getattr(content, "schedule", None)
    return schedule.goes_live.isoformat() if schedule is not None else ""


def error_row(content: Any, *, kind: str, desk_slug: str, error: Exception) -> dict[str, Any]:
    """Return a row that says the desk could not read this file (and why)."""
    problem = Problem(
        contents.source_display(content),
        "file",
        f"the editor's desk could not read this file ({error.__class__.__name__}: {error})",
        "report this to the developers with the file attached",
        source="editors_desk",
    )
    return {
        "slug": desk_slug, "kind": kind, "title": plain(getattr(content, "title", "")) or "?",
        "url": getattr(content, "url", ""), "source": str(getattr(content, "source_path", "")),
        "category": "", "status": str(getattr(content, "status", "") or ""),
        "scheduled_for": "", "date": None,
        "review": {"status": "", "days_left": None, "next_review": ""},
        "readability": None, "summary_length": None,
        "image": {"path": None, "external": False, "url": "", "alt": "", "width": "",
                  "height": ""},
        "og": {"title": "", "description": "", "url": ""}, "previews": [], "share": None,
        "share_kit": None,
        "head": [], "head_source": "page", "built": False,
        "problems": [problem], "counts": counts([problem]),
    }  # fmt: skip


# What the dashboard (templates/desk/index.html) and sort_key read of a row.
INDEX_FIELDS = ("slug", "kind", "title", "source", "category", "status", "scheduled_for",
                "review", "readability", "summary_length", "image", "languages", "problems",
                "counts")  # fmt: skip


def index_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return the part of a row the dashboard shows (a fraction of the whole row)."""
    return {key: row[key] for key in INDEX_FIELDS if key in row}


def sort_key(row: dict[str, Any]) -> tuple:
    """Order rows worst first: errors, then warnings, then advice, then overdue reviews."""
    c = row["counts"]
    days = row["review"]["days_left"]
    return (
        -c["error"],
        -c["warning"],
        -c["info"],
        days if isinstance(days, int) else 10**6,
        row["title"].lower(),
    )
