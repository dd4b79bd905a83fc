"""Plan one card and its link-preview data for an article, page or listing."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from kernel import clock, contents, lang, text
from kernel.i18n import plugin_translator

from og_cards import glyphs, meta
from og_cards.jobs import CardJobs
from og_cards.layouts import PHOTO_VARIANTS, photo_variant
from og_cards.render import calmer_layout
from og_cards.spec import MIME_TYPES, build_spec, card_name, spec_hash

logger = logging.getLogger(__name__)
# The cards' own words ("Reviewed {date}") in the card's language: og_cards/translations.
TRANSLATE = plugin_translator(Path(__file__).parent / "og_cards.py", "og_cards")

CONTENT_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown", ".rst", ".html")
IMAGE_PREFIXES = ("{static}", "{attach}", "{filename}", "|static|", "|attach|", "|filename|")


def accent_for(opts: dict[str, Any], category_slug: str | None) -> str:
    """Return the card colour for a category slug (the default accent when it has none)."""
    return opts["OG_CARDS_CATEGORY_COLOURS"].get(category_slug or "", opts["OG_CARDS_ACCENT"])


def parse_focus(value: Any, source: str) -> tuple[float, float]:
    """Parse `og_image_focus` ("x,y" as fractions 0-1 or percentages) into a centring tuple."""
    if not value:
        return (0.5, 0.5)
    try:
        parts = [p.strip() for p in str(value).split(",")]
        x, y = (float(p.rstrip("%")) / (100 if p.endswith("%") else 1) for p in parts)
    except ValueError:
        x = y = -1.0
    if not (0 <= x <= 1 and 0 <= y <= 1):
        return (0.5, 0.5)  # og_cards.check_file names the mistake
    return (x, y)


def image_path(content_root: str, value: Any) -> Path | None:
    """Return the file a metadata image names, inside the content folder, or None.

    ``{static}``/``{attach}`` prefixes and a leading ``/`` mean the content folder; a path
    that leaves it (``../../x.png``, a link pointing outside) is never read.
    """
    if not value:
        return None
    rel = str(value).strip()
    for prefix in IMAGE_PREFIXES:
        rel = rel.removeprefix(prefix)
    root = Path(content_root).resolve()
    path = (root / rel.lstrip("/")).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def resolve_image(opts: dict[str, Any], value: Any, source: str, key: str) -> str | None:
    """Return the absolute path of a content image named in metadata (None: use a card)."""
    path = image_path(opts["PATH"], value)
    return str(path) if path else None


def reviewed_text(content: Any, opts: dict[str, Any]) -> str:
    """Return 'Reviewed 15 July 2025' from article.review (health_review) or last_reviewed."""
    review = getattr(content, "review", None)
    if review is not None:
        date = getattr(review, "last_reviewed", None)
    else:
        try:
            date = clock.parse_date(content.metadata.get("last_reviewed") or "")
        except clock.DateError:
            date = None  # content_guard names the date that is not ISO 8601
    if not isinstance(date, dt.date):
        return ""
    tag = getattr(content, "lang", None) or opts["default_lang"]
    words = TRANSLATE(opts["language_settings"], tag, opts["OG_CARDS_REVIEWED_TEXT"])
    if "{date}" not in words:  # a translation that lost the date: the English keeps it
        words = opts["OG_CARDS_REVIEWED_TEXT"]
    return words.format(date=clock.format_date(date, tag))


def section_text(opts: dict[str, Any], category: Any, tag: str | None) -> str:
    """Return the section label of a card in the card's language (the category's name)."""
    if not category:
        return ""
    name = str(category.name)
    return lang.section_name(opts["language_settings"], category.slug, name, tag) or name


def plan_card(
    opts: dict[str, Any],
    jobs: CardJobs,
    *,
    stem: str,
    source: str,
    texts: dict[str, str],
    accent: str,
    layout: str | None = None,
    image: dict[str, Any] | None = None,
    alt: str = "",
    private: bool = False,
) -> dict[str, Any]:
    """Queue the card described and return its public data (url, size, type, alt, file)."""
    layout = layout or "text"
    inputs = (layout, texts, accent, image)
    early = jobs.memo.get(source)
    if early and early[0] == inputs:  # unchanged since the prefetch: reuse its spec and hash
        spec, digest = early[1], early[2]
    else:
        spec = build_spec(opts, layout, texts, accent, image)
        digest = spec_hash(spec)
    if source.endswith(CONTENT_SUFFIXES):  # a writer's file (listings' titles come from them)
        display = contents.display_path(Path(opts["PATH"]) / source, {"PATH": opts["PATH"]})
        glyphs.report_missing_glyphs(display, spec["layout"], spec["texts"], spec["fonts"])
    name = card_name(stem, digest, spec["format"])
    jobs.add(digest, name, source, spec, private=private)
    file = f"{opts['OG_CARDS_OUTPUT_DIR']}/{name}"
    default_alt = ". ".join(t for t in (texts.get("title"), texts.get("site_name")) if t)
    return {
        "url": meta.absolute(opts["SITEURL"], file),
        "width": spec["size"][0],
        "height": spec["size"][1],
        "type": MIME_TYPES[spec["format"]],
        "alt": alt or default_alt,
        "card": {"file": file, "hash": digest, "layout": layout},
    }


TITLE_CAP = 200  # characters; content_guard limits titles to far fewer (CONTENT_GUARD_TITLE_MAX)


def content_card(opts: dict[str, Any], content: Any, og_type: str, *, quiet: bool = False) -> dict:
    """Return the card of an article or page as plan_card keyword arguments (warn unless quiet)."""
    md = content.metadata
    source = str(getattr(content, "relative_source_path", None) or content.source_path)
    category = getattr(content, "category", None) if og_type == "article" else None
    in_default_lang = getattr(content, "in_default_lang", True)
    stem = content.slug if in_default_lang else f"{content.slug}-{content.lang}"
    focus = parse_focus(md.get("og_image_focus"), "" if quiet else source)
    card: dict[str, Any] = {
        "stem": stem,
        "source": source,
        "texts": {
            # Capped before shaping: no title, however long, makes a card slow to draw.
            "title": text.shorten(meta.plain(md.get("og_title") or content.title), TITLE_CAP),
            "section": section_text(opts, category, getattr(content, "lang", None)),
            "site_name": opts["site_name"],
            "reviewed": reviewed_text(content, opts) if og_type == "article" else "",
        },
        "accent": accent_for(opts, category.slug if category else None),
    }
    own = resolve_image(opts, md.get("og_image"), "" if quiet else source, "og_image")
    if own:
        alt = meta.plain(md.get("og_image_alt") or md.get("image_alt"))
        return {**card, "layout": "image", "image": {"path": own, "focus": focus}, "alt": alt}
    # A section may choose its own layout (OG_CARDS_CATEGORY_LAYOUTS), else OG_CARDS_LAYOUT.
    section = category.slug if category else ""
    layout = opts["OG_CARDS_CATEGORY_LAYOUTS"].get(section, opts["OG_CARDS_LAYOUT"])
    photo = None
    if layout == "auto" or opts["layouts"][layout]["background"] == "image":
        photo = resolve_image(opts, md.get("image"), "" if quiet else source, "image")
        name = "photo" if layout == "auto" else layout
        choices = {v: opts["layouts"][v] for v in PHOTO_VARIANTS}
        calmer = (lambda: calmer_layout(photo, focus, choices)) if photo else None
        layout = photo_variant(name, focus, calmer) if photo else "text"
    return {**card, "layout": layout, "image": {"path": photo, "focus": focus} if photo else None}


def prefetch_content(opts: dict[str, Any], jobs: CardJobs, content: Any, og_type: str) -> None:
    """Start rendering a card while Pelican is still reading (see og_cards.content_read)."""
    card = content_card(opts, content, og_type, quiet=True)
    inputs = (card["layout"], card["texts"], card["accent"], card["image"])
    spec = build_spec(opts, *inputs)
    digest = spec_hash(spec)
    jobs.memo[card["source"]] = (inputs, spec, digest)
    jobs.prefetch(digest, spec)


def plan_content(
    opts: dict[str, Any], jobs: CardJobs, content: Any, og_type: str, *, private: bool = False
) -> meta.LinkPreview:
    """Return the `.og` data of an article (og_type 'article') or a page ('website')."""
    card = content_card(opts, content, og_type)
    title = card["texts"]["title"]
    description = (
        meta.plain(content.metadata.get("og_description"))
        or meta.strip_markup(getattr(content, "summary", ""))
        or opts["default_description"]
    )
    category = getattr(content, "category", None) if og_type == "article" else None
    image = plan_card(opts, jobs, **card, private=private)
    authors = getattr(content, "authors", None) or []
    return meta.og_data(
        opts,
        og_type=og_type,
        title=title,
        description=description,
        url=meta.absolute(opts["SITEURL"], content.url),
        image=image,
        published=getattr(content, "date", None) if og_type == "article" else None,
        modified=getattr(content, "modified", None) if og_type == "article" else None,
        section=section_text(opts, category, getattr(content, "lang", None)) or None,
        tags=[tag.name for tag in getattr(content, "tags", None) or []] if category else [],
        authors=[meta.absolute(opts["SITEURL"], a.url) for a in authors] if category else [],
        locale=meta.locale_for(opts, getattr(content, "lang", None)),
        locale_alternates=meta.locale_alternates(opts, content),
    )


def plan_listing(
    opts: dict[str, Any],
    jobs: CardJobs,
    *,
    stem: str,
    title: str,
    section: str,
    description: str,
    url: str | None,
    category_slug: str | None = None,
) -> meta.LinkPreview:
    """Return the `.og` data of a listing page (index, category, tag, author, archives...)."""
    texts = {"title": title, "section": section, "site_name": opts["site_name"], "reviewed": ""}
    accent = accent_for(opts, category_slug)
    image = plan_card(opts, jobs, stem=stem, source=url or stem, texts=texts, accent=accent)
    return meta.og_data(
        opts,
        og_type="website",
        title=title,
        description=description,
        url=meta.absolute(opts["SITEURL"], url) if url is not None else None,
        image=image,
    )
