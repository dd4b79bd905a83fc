"""health_review: clinical review dates, sign-off, sources, care cards, JSON-LD and checks.

Settings (all optional; see README.md):
    HEALTH_REVIEW_INTERVAL_YEARS (3), HEALTH_REVIEW_INTERVAL_DAYS (None: use years),
    HEALTH_REVIEW_WARN_DAYS (90), HEALTH_REVIEW_REVIEWERS ({}), HEALTH_REVIEW_NATION
    ("england"), HEALTH_REVIEW_DEFAULT_CONTENT_TYPE ("advice"), HEALTH_REVIEW_DEFAULT_AUDIENCE
    ("public"), HEALTH_REVIEW_MIN_SOURCES (1), HEALTH_REVIEW_READABILITY (True),
    HEALTH_REVIEW_FLESCH_MIN (60), HEALTH_REVIEW_SENTENCE_MAX (20),
    HEALTH_REVIEW_ADVISORY_FIELDS (["readability"]), HEALTH_REVIEW_ADVISORY_LOG_LEVEL ("INFO"),
    HEALTH_REVIEW_CHECK_LINKS (True), HEALTH_REVIEW_POLICY_URL ("editorial-policy/"),
    HEALTH_REVIEW_PUBLISHER_NAME (ORGANISATION["name"] or SITENAME),
    HEALTH_REVIEW_PUBLISHER_LOGO (ORGANISATION["logo"]), HEALTH_REVIEW_LANGUAGE
    (DEFAULT_LANG, "en" -> "en-GB"), HEALTH_REVIEW_CARD_HEADING_LEVEL ("auto"),
    HEALTH_REVIEW_MARKDOWN (True: add the care-card extension to MARKDOWN).
"Today" is the kernel's (``SHAREWELL_TODAY``).

Signals: the kernel's ``check_source`` checks each file's review metadata, dates and care
cards (the build and the pre-commit hook ask the same question); ``initialized`` validates
settings and adds the Markdown extension; ``*_generator_context`` parse metadata into
``metadata["review"]`` (so ``article.review`` exists early); ``all_generators_finalized``
computes status, days left and JSON-LD for every published page and checks readability;
``finalized`` checks internal links against the written site.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kernel import clock, contents, lang, preview, problems, runs
from kernel.i18n import N_
from kernel.problems import Problem, Severity
from kernel.signals import MetadataKey, SourceFile, check_source, metadata_keys
from pelican import signals

from . import readability
from .care_cards import TRANSLATE, CareCardExtension
from .care_summary import first_card
from .checks import (
    check_care_cards,
    check_links,
    check_review_dates,
    not_measured,
    output_exists,
    plain_text,
    readability_problems,
)
from .config import get_settings
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
from .metadata import HEALTH_KEYS, Review, parse_review

logger = logging.getLogger(__name__)

KEYS = (
    MetadataKey("content_type", "health_review", "advice (default), news or campaign"),
    MetadataKey("audience", "health_review", "public (default) or clinician"),
    MetadataKey("last_reviewed", "health_review", "date of the clinical review", "date"),
    MetadataKey("next_review", "health_review", "when the next review is due", "date"),
    MetadataKey("reviewed_by", "health_review", "reviewer key or `Name, Role`"),
    MetadataKey("sources", "health_review", "one `Title | URL` per line", "lines"),
    MetadataKey("about", "health_review", "the condition, for structured data"),
    MetadataKey("aspect", "health_review", "the aspect of the condition (schema.org)"),
)


@dataclass
class ReviewRun:
    """One build's review state: settings, "today" and the pages to link-check."""

    config: dict[str, Any]
    today: dt.date
    # Per page to link-check: its display name, URL, rendered body and source file.
    pages: list[tuple[str, str, str, str]] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> ReviewRun:
        return cls(get_settings(settings), clock.today(settings))


RUN = runs.RunSlot(ReviewRun.start)


def _is_health_source(metadata: Mapping[str, Any], is_article: bool) -> bool:
    return is_article or any(key.replace("-", "_") in HEALTH_KEYS for key in metadata)


def _lang(metadata: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    return str(metadata.get("lang") or settings.get("DEFAULT_LANG") or "en-GB")


def check_file(source: SourceFile) -> list[Problem]:
    """Return the review, sign-off, source and care-card problems of one file (pure)."""
    metadata = source.header.as_metadata()
    found: list[Problem] = []
    config = get_settings(source.settings)
    if _is_health_source(metadata, source.is_article):
        review = parse_review(
            metadata,
            config,
            display_path=source.display,
            lines=source.header.line_map(),
            timezone=source.settings.get("TIMEZONE"),
            lang=_lang(metadata, source.settings),
        )
        found += review.problems
        found += check_review_dates(
            review, source.today, config["HEALTH_REVIEW_WARN_DAYS"], source.display,
            source.header.line_map(),
        )  # fmt: skip
    found += check_care_cards(source.text, source.display)
    # A missing field belongs in the header, which starts on line 1 (content_guard's rule).
    return [_advisory(p if p.line else replace(p, line=1), config) for p in found]


# ---- receivers ---------------------------------------------------------------------------
def declare_keys(settings: Mapping[str, Any]) -> tuple[MetadataKey, ...]:
    """Declare the metadata keys health_review reads (kernel ``metadata_keys``)."""
    return KEYS


def initialized(pelican: Any) -> None:
    """Validate settings and add the care-card extension."""
    config = get_settings(pelican.settings)
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
                settings={k: pelican.settings.get(k) for k in ("DEFAULT_LANG", "PATH")},
            )
        )
    markdown["extensions"] = extensions
    pelican.settings["MARKDOWN"] = markdown


def _parse_early(generator: Any, metadata: dict, *, is_article: bool) -> None:
    if not _is_health_source(metadata, is_article):
        return
    state = RUN.get(generator.settings)
    try:
        metadata["review"] = parse_review(
            metadata,
            state.config,
            display_path="(metadata)",  # its problems are check_file's to report, with the file
            timezone=generator.settings.get("TIMEZONE"),
            lang=_lang(metadata, generator.settings),
        )
    except Exception:  # check_source has already named what is wrong with this file
        logger.debug("health_review: early parse failed", exc_info=True)
        metadata["review"] = Review()


def content_read(content: Any) -> None:
    """Start scoring a health page's readability on another core as soon as it is read."""
    review = getattr(content, "review", None)
    if not isinstance(review, Review) or not review.is_health_advice:
        return
    settings = content.settings
    if not RUN.get(settings).config["HEALTH_REVIEW_READABILITY"]:
        return
    raw = getattr(content, "_content", None)
    if raw:
        readability.prefetch(settings, raw)


def article_context(generator: Any, metadata: dict) -> None:
    """Parse an article's health metadata into ``metadata['review']``."""
    _parse_early(generator, metadata, is_article=True)


def page_context(generator: Any, metadata: dict) -> None:
    """Parse a page's health metadata (only pages that declare some)."""
    _parse_early(generator, metadata, is_article=False)


def _publisher(settings: Mapping[str, Any], config: dict) -> dict:
    return organization(
        config["HEALTH_REVIEW_PUBLISHER_NAME"],
        settings.get("SITEURL", ""),
        config["HEALTH_REVIEW_PUBLISHER_LOGO"],
    )


def _language(content: Any, settings: Mapping[str, Any], config: dict) -> str:
    """Return a page's JSON-LD ``inLanguage``: its own language, the setting for the default."""
    if getattr(content, "in_default_lang", True):
        return config["HEALTH_REVIEW_LANGUAGE"]
    return lang.content_language(content, settings)


def _versions(content: Any, settings: Mapping[str, Any], config: dict) -> tuple[list, Any]:
    """Return (workTranslation, translationOfWork) of a page: its live language versions."""
    siteurl = settings.get("SITEURL", "")
    live = [
        other for other in lang.translations_of(content)
        if getattr(other, "schedule", None) is None
        and str(getattr(other, "status", "published")).lower() != "draft"
    ]  # fmt: skip
    original = lang.original_of(content, settings.get("DEFAULT_LANG"))
    if original is not None and original in live:
        return [], (absolute_url(siteurl, original.url), _language(original, settings, config))
    return [(absolute_url(siteurl, o.url), _language(o, settings, config)) for o in live], None


def _machine_assisted(content: Any) -> bool:
    """Return whether the page's text waits for its clinical check (content.language)."""
    return bool(getattr(getattr(content, "language", None), "machine_assisted", False))


def _article_jsonld(
    content: Any, review: Review, settings: Mapping[str, Any], config: dict
) -> dict[str, Any]:
    """Return an article's JSON-LD graph (called on first render, when content.og is set)."""
    siteurl = settings.get("SITEURL", "")
    url = absolute_url(siteurl, content.url)
    tag = _language(content, settings, config)
    sites = {lang.normalise(t) for t in settings.get("LANGUAGES_SITES") or []}
    home = f"{tag}/" if lang.normalise(tag) in sites else ""
    # The structured data's breadcrumb names, like the page's own, are in the page's language.
    crumbs = [(TRANSLATE(settings, tag, N_("Home")), absolute_url(siteurl, home))]
    category = getattr(content, "category", None) if contents.is_article(content) else None
    if category is not None:
        name = lang.section_name(settings, category.slug, str(category), tag) or str(category)
        crumbs.append((name, absolute_url(siteurl, home + category.url)))
    crumbs.append((plain_text(content.title), url))
    authors = [
        (str(a), absolute_url(siteurl, a.url) if getattr(a, "url", None) else None)
        for a in getattr(content, "authors", []) or []
    ]
    return article_graph(
        review=review,
        title=plain_text(content.title),
        description=plain_text(content.metadata.get("summary") or ""),
        url=url,
        siteurl=siteurl,
        language=tag,
        published=getattr(content, "date", None),
        modified=getattr(content, "modified", None),
        authors=authors,
        publisher=_publisher(settings, config),
        crumbs=crumbs,
        image=content_image(content, siteurl, config["HEALTH_REVIEW_PUBLISHER_LOGO"]),
        translations=_versions(content, settings, config)[0],
        translation_of=_versions(content, settings, config)[1],
        reviewed_as_original=_machine_assisted(content),
    )


def _jsonld(content: Any, review: Review, settings: Mapping[str, Any], config: dict) -> LazyJsonLd:
    # Built on first render: og_cards sets content.og (the card) later in the same signal.
    # A partial of a module function, not a lambda: content objects may be pickled (the
    # content cache), and everything on them must pickle.
    return LazyJsonLd(functools.partial(_article_jsonld, content, review, settings, config))


def _finish(content: Any, settings: Mapping[str, Any], state: ReviewRun) -> list[Problem]:
    """Attach the final review to one content object and return its rendered-page problems."""
    config = state.config
    metadata = content.metadata
    display = contents.source_display(content, settings)
    body = content.content or ""
    found: list[Problem] = []
    review = metadata.get("review")
    if isinstance(review, Review):
        review.status, review.days_left = (
            review_status(review.next_review, state.today, config["HEALTH_REVIEW_WARN_DAYS"])
            if review.is_health_advice
            else (review.status, None)
        )
        review.jsonld = _jsonld(content, review, settings, config)
        review.first_card = first_card(body)
        content.review = review
        if review.is_health_advice and config["HEALTH_REVIEW_READABILITY"]:
            # Scored from the HTML as read (links not resolved; the same text), so the score
            # a worker started while Pelican read (content_read) or a kept one is found.
            raw = getattr(content, "_content", None) or body
            try:
                scored = readability.page_scores(settings, raw)
            except Exception as error:  # textstat missing or broken: say so, score nothing
                scored = None
                found.append(not_measured(display, error))
            review.readability = scored[0] if scored else None
            found += readability_problems(
                scored,
                display,
                flesch_min=config["HEALTH_REVIEW_FLESCH_MIN"],
                sentence_max=config["HEALTH_REVIEW_SENTENCE_MAX"],
            )
    if config["HEALTH_REVIEW_CHECK_LINKS"] and preview.wants(settings, content.source_path):
        # The source is read when its links are checked (finalized), not kept for every page
        # until then: the body is Pelican's own memoised string, the source would be a copy.
        state.pages.append((display, content.url, body, content.source_path))
    return found


def _advisory(problem: Problem, config: dict) -> Problem:
    """Return advisory fields' warnings as advice (shown on the desk, never blocking).

    Also names health_review as the problem's source.
    """
    if not problem.source:
        problem = replace(problem, source="health_review")
    if (
        problem.severity is Severity.WARNING
        and problem.field in config["HEALTH_REVIEW_ADVISORY_FIELDS"]
    ):
        return replace(problem, severity=Severity.INFO)
    return problem


def all_generators_finalized(generators: list[Any]) -> None:
    """Finish every published page's review, expose JSON-LD and check readability."""
    if not generators:
        return
    settings = generators[0].settings
    state = RUN.get(settings)
    config = state.config
    found: list[Problem] = []
    reviewed = 0
    for content in contents.published(generators) + contents.scheduled(generators):
        try:
            found += _finish(content, settings, state)
        except Exception as error:  # one page's bug never hides the others' results
            logger.debug("health_review: %s", content.source_path, exc_info=True)
            found.append(
                Problem(
                    contents.source_display(content, settings), "file",
                    "health_review could not check this file "
                    f"({error.__class__.__name__}: {error})",
                    "report this to the developers with the file attached", source="health_review",
                )
            )  # fmt: skip
        review = getattr(content, "review", None)
        reviewed += bool(review is not None and review.is_health_advice)
    generators[0].context["HEALTH_REVIEW_SITE_JSONLD"] = script_json(
        site_graph(
            name=settings.get("SITENAME", ""),
            siteurl=settings.get("SITEURL", ""),
            language=config["HEALTH_REVIEW_LANGUAGE"],
            publisher=_publisher(settings, config),
            description=settings.get("SITE_TAGLINE", ""),
        )
    )
    problems.report_all(_advisory(p, config) for p in found)
    logger.info("health_review: %d health article(s) reviewed, %d problem(s)", reviewed, len(found))


def finalized(pelican: Any) -> None:
    """Check internal links against the files Pelican wrote; keep readability scores."""
    readability.save()
    state = RUN.peek()
    RUN.drop()
    if state is None or not state.config["HEALTH_REVIEW_CHECK_LINKS"]:
        return
    for display, url, body, source_path in state.pages:
        try:
            text = Path(source_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""  # the problem names the page without a line
        found = check_links(
            body,
            display,
            page_url=url,
            siteurl=pelican.settings.get("SITEURL", "") or "/",
            exists=lambda path: output_exists(pelican.output_path, path),
            source_text=text,
        )
        problems.report_all(_advisory(p, state.config) for p in found)


def register() -> None:
    """Connect health_review to Pelican's and the kernel's signals."""
    runs.watch()
    metadata_keys.connect(declare_keys)
    check_source.connect(check_file)
    signals.initialized.connect(initialized)
    signals.article_generator_context.connect(article_context)
    signals.page_generator_context.connect(page_context)
    signals.content_object_init.connect(content_read)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
