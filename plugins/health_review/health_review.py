"""health_review: clinical review dates, sign-off, sources, care cards, JSON-LD and checks.

Settings (all optional; see README.md):
    HEALTH_REVIEW_INTERVAL_YEARS (3), HEALTH_REVIEW_INTERVAL_DAYS (None: use years),
    HEALTH_REVIEW_WARN_DAYS (90), HEALTH_REVIEW_TODAY (None: today in TIMEZONE),
    HEALTH_REVIEW_REVIEWERS ({}), HEALTH_REVIEW_NATION ("england"),
    HEALTH_REVIEW_DEFAULT_CONTENT_TYPE ("advice"), HEALTH_REVIEW_DEFAULT_AUDIENCE ("public"),
    HEALTH_REVIEW_MIN_SOURCES (1), HEALTH_REVIEW_SUMMARY_MAX (160),
    HEALTH_REVIEW_READABILITY (True), HEALTH_REVIEW_FLESCH_MIN (60),
    HEALTH_REVIEW_SENTENCE_MAX (20), HEALTH_REVIEW_ADVISORY_FIELDS (["readability"]),
    HEALTH_REVIEW_ADVISORY_LOG_LEVEL ("INFO"), HEALTH_REVIEW_CHECK_LINKS (True),
    HEALTH_REVIEW_POLICY_URL ("editorial-policy/"), HEALTH_REVIEW_PUBLISHER_NAME
    (ORGANISATION["name"] or SITENAME), HEALTH_REVIEW_PUBLISHER_LOGO (ORGANISATION["logo"]),
    HEALTH_REVIEW_LANGUAGE (DEFAULT_LANG, "en" -> "en-GB"), HEALTH_REVIEW_CARD_HEADING_LEVEL
    ("auto"), HEALTH_REVIEW_MARKDOWN (True: add the care-card extension to MARKDOWN).

Signals: ``initialized`` validates settings and adds the Markdown extension;
``article_generator_context`` / ``page_generator_context`` parse metadata into
``metadata["review"]`` (so ``article.review`` exists early); ``all_generators_finalized``
re-parses with file and line numbers, computes status, days left and JSON-LD, and
logs content problems; ``finalized`` checks internal links against the written site.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from . import readability
from .care_cards import CareCardExtension
from .care_summary import first_card
from .checks import (
    check_care_cards,
    check_images,
    check_links,
    check_readability,
    check_review_dates,
    check_summary,
    plain_text,
)
from .config import DEFAULTS, get_settings, today_from
from .dates import review_status
from .jsonld import (
    LazyJsonLd,
    absolute_url,
    article_graph,
    content_image,
    organization,
    script_json,
    site_graph,
)
from .metadata import HEALTH_KEYS, Review, header_lines, parse_review
from .problems import Problem

logger = logging.getLogger(__name__)

# Per-run state: reset in `initialized` and at the start of each run (autoreload).
STATE: dict[str, Any] = {"config": None, "problems": [], "reviews": [], "pages": []}


def _config(settings: dict) -> dict:
    config = STATE["config"]
    if config is None:
        config = STATE["config"] = _safe_settings(settings)
    return config


def _safe_settings(settings: dict) -> dict:
    try:
        return get_settings(settings)
    except ValueError as error:
        logger.error("health_review: %s; using the default instead", error)
        clean = {k: v for k, v in settings.items() if k not in DEFAULTS}
        reviewers = settings.get("HEALTH_REVIEW_REVIEWERS")
        try:
            return get_settings({**clean, "HEALTH_REVIEW_REVIEWERS": reviewers or {}})
        except ValueError:
            return get_settings(clean)


def _content_guard_active(settings: dict) -> bool:
    return any(
        str(getattr(p, "__name__", p)).split(".")[-1] == "content_guard"
        for p in settings.get("PLUGINS") or []
    )


def initialized(pelican) -> None:
    """Reset per-run state, validate settings and add the care-card extension."""
    STATE.update(config=None, problems=[], reviews=[], pages=[])
    readability.load(pelican.settings.get("CACHE_PATH"))
    config = _config(pelican.settings)
    if not config["HEALTH_REVIEW_MARKDOWN"]:
        return
    markdown = dict(pelican.settings.get("MARKDOWN") or {})
    extensions = list(markdown.get("extensions") or [])
    names = (
        {type(e).__name__ for e in extensions}
        | {e for e in extensions if isinstance(e, str)}
        | set(markdown.get("extension_configs") or {})
    )
    if not names & {"CareCardExtension", "health_review.care_cards"}:
        extensions.append(
            CareCardExtension(
                nation=config["HEALTH_REVIEW_NATION"],
                heading_level=config["HEALTH_REVIEW_CARD_HEADING_LEVEL"],
            )
        )
    markdown["extensions"] = extensions
    pelican.settings["MARKDOWN"] = markdown


def _parse_early(generator, metadata: dict, *, is_article: bool) -> None:
    if not is_article and not any(key.replace("-", "_") in HEALTH_KEYS for key in metadata):
        return
    try:
        metadata["review"] = parse_review(
            metadata,
            _config(generator.settings),
            display_path="",
            timezone=generator.settings.get("TIMEZONE"),
        )
    except Exception:
        metadata["review"] = Review()


def article_context(generator, metadata: dict) -> None:
    """Parse an article's health metadata into ``metadata['review']``."""
    _parse_early(generator, metadata, is_article=True)


def page_context(generator, metadata: dict) -> None:
    """Parse a page's health metadata (only pages that declare some)."""
    _parse_early(generator, metadata, is_article=False)


def display_path(source_path: str, content_root: str | None = None) -> str:
    """Return the path as content_guard shows it: relative to the content folder's parent."""
    path = Path(source_path)
    for base in (Path(content_root).parent if content_root else None, Path.cwd()):
        if base is not None and path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def _finish(
    content, settings: dict, config: dict, *, is_article: bool, guard: bool
) -> list[Problem]:
    """Attach the final review to one content object and return its problems."""
    source = Path(content.source_path)
    display = display_path(content.source_path, settings.get("PATH"))
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    lines = header_lines(text)
    metadata = content.metadata
    problems: list[Problem] = []
    body = content.content or ""
    review = None
    if "review" in metadata:
        review = parse_review(
            metadata,
            config,
            display_path=display,
            lines=lines,
            timezone=settings.get("TIMEZONE"),
            generic_checks=not guard,
        )
        today = today_from(config, settings.get("TIMEZONE"))
        review.status, review.days_left = (
            review_status(review.next_review, today, config["HEALTH_REVIEW_WARN_DAYS"])
            if review.is_health_advice
            else (review.status, None)
        )
        review.jsonld = _jsonld(content, review, settings, config, is_article=is_article)
        review.first_card = first_card(body)
        problems += review.problems
        problems += check_review_dates(
            review, today, config["HEALTH_REVIEW_WARN_DAYS"], display, lines
        )
        content.review = metadata["review"] = review
        STATE["reviews"].append((display, content, review))
    if is_article:
        raw_summary = " ".join(t for _, t in lines.get("summary", [])) if lines else None
        summary = raw_summary if lines else metadata.get("summary")
        problems += check_summary(
            summary,
            config["HEALTH_REVIEW_SUMMARY_MAX"],
            display,
            (lines.get("summary") or [(None, "")])[0][0],
        )
    problems += check_images(
        body,
        display,
        image=metadata.get("image"),
        image_alt=metadata.get("image_alt"),
        source_text=text,
        lines=lines,
    )
    if text:
        problems += check_care_cards(text, display)
    if review is not None and review.is_health_advice and config["HEALTH_REVIEW_READABILITY"]:
        problems += check_readability(
            body,
            display,
            flesch_min=config["HEALTH_REVIEW_FLESCH_MIN"],
            sentence_max=config["HEALTH_REVIEW_SENTENCE_MAX"],
        )
    if config["HEALTH_REVIEW_CHECK_LINKS"]:
        STATE["pages"].append((display, content.url, body, text))
    return problems


def _publisher(settings: dict, config: dict) -> dict:
    return organization(
        config["HEALTH_REVIEW_PUBLISHER_NAME"],
        settings.get("SITEURL", ""),
        config["HEALTH_REVIEW_PUBLISHER_LOGO"],
    )


def _jsonld(content, review: Review, settings: dict, config: dict, *, is_article: bool):
    siteurl = settings.get("SITEURL", "")
    url = absolute_url(siteurl, content.url)
    crumbs = [("Home", absolute_url(siteurl, ""))]
    category = getattr(content, "category", None) if is_article else None
    if category is not None:
        crumbs.append((str(category), absolute_url(siteurl, category.url)))
    crumbs.append((plain_text(content.title), url))
    authors = [
        (str(a), absolute_url(siteurl, a.url) if getattr(a, "url", None) else None)
        for a in getattr(content, "authors", []) or []
    ]
    logo = config["HEALTH_REVIEW_PUBLISHER_LOGO"]
    # Built on first render: og_cards sets content.og (the card) later in the same signal.
    return LazyJsonLd(
        lambda: article_graph(
            review=review,
            title=plain_text(content.title),
            description=plain_text(content.metadata.get("summary") or ""),
            url=url,
            siteurl=siteurl,
            language=config["HEALTH_REVIEW_LANGUAGE"],
            published=getattr(content, "date", None),
            modified=getattr(content, "modified", None),
            authors=authors,
            publisher=_publisher(settings, config),
            crumbs=crumbs,
            image=content_image(content, siteurl, logo),
        )
    )


def log_problem(problem: Problem, config: dict) -> None:
    """Log one problem: errors as ERROR, warnings as WARNING, advisory fields at their level."""
    level = logging.ERROR if problem.severity == "error" else logging.WARNING
    if problem.severity != "error" and problem.field in config["HEALTH_REVIEW_ADVISORY_FIELDS"]:
        level = config["HEALTH_REVIEW_ADVISORY_LOG_LEVEL"]
    logger.log(level, "health_review: %s", problem.message(), extra={"problem": problem})


def all_generators_finalized(generators) -> None:
    """Finish every review, expose JSON-LD and log content problems."""
    if not generators:
        return
    settings = generators[0].settings
    config = _config(settings)
    # Autoreload calls Pelican.run() again without a new `initialized`: start afresh.
    STATE.update(problems=[], reviews=[], pages=[])
    guard = _content_guard_active(settings)
    found: list[Problem] = []
    for generator in generators:
        groups = [
            (getattr(generator, name, []), name not in {"pages", "hidden_pages"})
            for name in ("articles", "translations", "hidden_articles", "pages", "hidden_pages")
        ]
        if not hasattr(generator, "articles") and not hasattr(generator, "pages"):
            continue
        for items, is_article in groups:
            for content in items:
                try:
                    found += _finish(content, settings, config, is_article=is_article, guard=guard)
                except Exception as error:
                    found.append(
                        Problem(
                            display_path(content.source_path, settings.get("PATH")),
                            "-",
                            f"health_review could not check this file ({error})",
                            "report this to the developers with the file attached",
                            "error",
                        )
                    )
    context = generators[0].context
    context["HEALTH_REVIEW_SITE_JSONLD"] = script_json(
        site_graph(
            name=settings.get("SITENAME", ""),
            siteurl=settings.get("SITEURL", ""),
            language=config["HEALTH_REVIEW_LANGUAGE"],
            publisher=_publisher(settings, config),
            description=settings.get("SITE_TAGLINE", ""),
        )
    )
    STATE["problems"] += found
    for problem in found:
        log_problem(problem, config)
    advice = [r for _, _, r in STATE["reviews"] if r.is_health_advice]
    logger.info(
        "health_review: %d health article(s) reviewed, %d problem(s)", len(advice), len(found)
    )


def output_exists(output_path: str, path: str) -> bool:
    """Return whether a site-relative URL path was written to ``output_path``."""
    root = Path(output_path)
    target = root / path.lstrip("/")
    if path in ("", "/") or path.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def finalized(pelican) -> None:
    """Check internal links against the files Pelican wrote; keep readability scores."""
    readability.save(pelican.settings.get("CACHE_PATH"))
    config = _config(pelican.settings)
    if not config["HEALTH_REVIEW_CHECK_LINKS"]:
        return
    found: list[Problem] = []
    for display, url, body, text in STATE["pages"]:
        found += check_links(
            body,
            display,
            page_url=url,
            siteurl=pelican.settings.get("SITEURL", "") or "/",
            exists=lambda path: output_exists(pelican.output_path, path),
            source_text=text,
        )
    STATE["problems"] += found
    STATE["pages"] = []
    for problem in found:
        log_problem(problem, config)


def register() -> None:
    """Connect health_review to Pelican's signals."""
    signals.initialized.connect(initialized)
    signals.article_generator_context.connect(article_context)
    signals.page_generator_context.connect(page_context)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
