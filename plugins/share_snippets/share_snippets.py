"""share_snippets: privacy-safe share links and ready-to-post share text for every network.

Settings: ``config.py`` (every setting, its default and its check) and README.md.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import cache, contents, memos, preview, problems, runs, sources, urls
from kernel.problems import Problem
from kernel.signals import (
    GeneratedOutput,
    MetadataKey,
    SourceFile,
    check_source,
    generated_outputs,
    metadata_keys,
)
from pelican import signals
from pelican.utils import sanitised_join

from . import export, fitting
from .compose import fit, strip_markup
from .config import DEFAULTS, get_settings, schedule_start
from .data import ShareData
from .export import write_all
from .networks import NETWORKS, add_params

logger = logging.getLogger(__name__)
TRANSLATIONS = Path(__file__).parent / "translations"
EXPORT_FILES = ("snippets.json", "snippets.csv")  # one missing: write the exports again

KEYS = (
    MetadataKey("share_text", "share_snippets", "ready-to-post text for every network"),
    *(
        MetadataKey(f"share_text_{key}", "share_snippets", f"ready-to-post text for {net.label}")
        for key, net in NETWORKS.items()
        if net.rule.limit is not None or net.kind in ("link", "mastodon", "email")
    ),
    MetadataKey("hashtags", "share_snippets", "hashtags instead of the tags", "list"),
    MetadataKey("share", "share_snippets", "`no` switches share links off for this page", "flag"),
)


def _sharable(article: Any) -> bool:
    value = (getattr(article, "metadata", {}) or {}).get("share", True)
    return str(value).strip().lower() not in ("false", "no", "off", "0")


@dataclass
class ShareRun:
    """One build's share data: settings and the articles that get share links."""

    config: dict[str, Any]
    items: list[Any] = field(default_factory=list)
    # Each article's snippets by their inputs: a rebuild assembles changed articles' only.
    snippets: memos.ResultMemo | None = None

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> ShareRun:
        # Settings, code and the labels' catalogs shape every snippet: their hash is the
        # memo's version, so a change to any of them makes every snippet again.
        version = memos.digest_of(
            [cache.fingerprint(settings), cache.folder_digest([TRANSLATIONS])]
        )
        snippets = memos.ResultMemo(settings.get("CACHE_PATH"), "share_snippets", "snippets",
                                    version=version)  # fmt: skip
        return cls(get_settings(dict(settings)), snippets=snippets)


RUN = runs.RunSlot(ShareRun.start)


def check_file(source: SourceFile) -> list[Problem]:
    """Return an error for each share text that would be cut on its network (pure).

    The link is counted as each network counts it, with the campaign parameters the build
    adds, so what passes here fits when posted.
    """
    overrides = {
        k: v for k, v in source.header.values.items() if k.startswith("share_text") and v.strip()
    }
    if not overrides:
        return []
    config = get_settings(dict(source.settings))
    found = []
    for key in config["SHARE_SNIPPETS_NETWORKS"]:
        field_name = f"share_text_{key}" if f"share_text_{key}" in overrides else "share_text"
        if field_name not in overrides:
            continue
        net = NETWORKS[key]
        if net.rule.limit is None:
            continue
        url = preview_url(source, config, key)
        text = strip_markup(overrides[field_name])
        post = fit(text, "", (), url, net.rule)
        if post.trimmed and post.title != text:
            length = net.rule.counter(f"{text}\n\n{url}")
            found.append(
                source.problem(
                    field_name,
                    f"share text is {length} characters on {net.label} with the link "
                    f"(limit {net.rule.limit}), so it would be cut",
                    f"shorten it by {length - net.rule.limit} characters, or add a shorter "
                    f"`share_text_{key}:` for {net.label}",
                    source="share_snippets",
                )
            )
    return found


def preview_url(source: SourceFile, config: dict[str, Any], key: str) -> str:
    """Return the link a network's post will carry, from the file alone (for check_file)."""
    slug = (source.header.first("slug") or source.path.stem).strip()
    category = source.path.parent.name
    lang = (source.header.first("lang") or "").strip()
    canonical = urls.absolute(source.settings.get("SITEURL", ""), f"{category}/{slug}/")
    url = canonical
    if config["SHARE_SNIPPETS_UTM"]:
        campaign = config["SHARE_SNIPPETS_UTM_CAMPAIGN"].format(
            slug=slug, category=category, lang=lang
        )
        params = [("utm_source", key), ("utm_medium", config["SHARE_SNIPPETS_UTM_MEDIUM"]),
                  ("utm_campaign", campaign)]  # fmt: skip
        url = add_params(canonical, params)
    via = config["SHARE_SNIPPETS_X_VIA"] if key == "x" else ""
    return f"{url} via @{via}" if via else url


# ---- receivers -------------------------------------------------------------------------
def declare_keys(settings: Mapping[str, Any]) -> tuple[MetadataKey, ...]:
    """Declare the metadata keys share_snippets reads (kernel ``metadata_keys``)."""
    return KEYS


def validate_settings(pelican: Any) -> None:
    """Validate settings at start-up (a bad one stops the build, naming it)."""
    get_settings(pelican.settings)


def attach_share_data(generators: list) -> None:
    """Attach `.share` to every published, scheduled and draft article (hidden ones too).

    Only published articles get share kits and exports; the others' share text is for the
    editor's desk and the scheduled preview.
    """
    if not generators:
        return
    settings = generators[0].settings
    state = RUN.get(settings)
    # The build's fitted texts (kept from the last build): started here too, since no early
    # start runs when every article comes unchanged from the content cache.
    fitting.RUN.get(settings)
    siteurl = settings.get("SITEURL", "")
    articles = [c for c in contents.published(generators) if contents.is_article(c)]
    drafts = [c for c in contents.drafts(generators) if contents.is_article(c)]
    for article in articles + contents.scheduled(generators) + drafts:
        if not _sharable(article):
            article.share = None
            continue
        article.share = None
        # One article that breaks the share text costs only its share text.
        with problems.isolated(
            contents.source_display(article), "share_snippets", "make the share text"
        ):
            article.share = ShareData(article, state.config, siteurl, memo=state.snippets)
        if article in articles and article.share is not None:
            state.items.append(article)
    logger.debug("share_snippets: attached share data to %d articles", len(state.items))


def prefetch_share_texts(content: Any) -> None:
    """Start fitting an article's share texts on another core while Pelican reads on.

    The inputs are guessed from the article as read (``article.og`` is not there yet); the
    template's request later finds the result only if its inputs are the same.
    """
    if not contents.is_article(content) or not _sharable(content):
        return
    if not cache.read_anew(content.source_path):
        return  # unchanged since the last build: its fitted texts are kept (fitting's memo)
    settings = content.settings
    config = RUN.get(settings).config
    early = ShareData(content, config, settings.get("SITEURL", ""), early=True)
    try:
        jobs = [early.fit_job(key) for key in config["SHARE_SNIPPETS_NETWORKS"]]
    except Exception:  # a guess that fails costs nothing: the real request reports problems
        logger.debug("share_snippets: no early fitting for %s", content.source_path, exc_info=True)
        return
    fitting.RUN.get(settings).prefetch(jobs)


def write_share_kits(generator: Any, writer: Any) -> None:
    """Write one share kit page per shared article into the private folder (noindex)."""
    state = RUN.get(generator.settings)
    config = state.config
    if not config["SHARE_SNIPPETS_KIT"]:
        return
    try:
        template = generator.get_template("share_kit")
    except Exception:  # Pelican raises PelicanTemplateNotFound; theme may lack the page
        logger.warning("share_snippets: theme has no share_kit.html; no share kit pages")
        return
    # Kits are for the social media manager, never readers: they go to the private folder.
    # Rendered without Pelican's writer, whose content_written signal would put them in the
    # sitemap and every other per-page hook of the public site.
    folder = contents.private_folder(generator.settings)
    # A rebuild renders only the kits whose posts (or the site around them) changed.
    memo = memos.PageMemo(
        generator.settings.get("CACHE_PATH"), "share_snippets",
        memos.site_digest(generator.settings, generator.context, [TRANSLATIONS]),
    )  # fmt: skip
    for article in sources.kept(state.items):
        share = article.share
        path = Path(sanitised_join(str(folder), share.kit_save_as))
        if memo.unchanged(path, kit_inputs(article)):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        context = {
            **generator.context, "output_file": share.kit_save_as, "url": share.kit_url,
            "share_article": article, "share": share, "page_name": share.kit_url.rstrip("/"),
        }  # fmt: skip
        try:
            path.write_text(template.render(context), encoding="utf-8")
        except BaseException:
            memo.forget(path)
            raise
    memo.save()
    logger.debug("share_snippets: %d share kits unchanged", memo.skipped)


def kit_inputs(article: Any) -> list[Any]:
    """Return everything an article's share kit shows besides the site around it."""
    share = article.share
    # The posts are made from share.inputs() alone, with the settings, code and labels that
    # the site digest covers: their inputs stand for them (a fraction of their size to hash).
    return [
        share.title, share.canonical, share.image_url, share.image_alt, share.kit_url,
        getattr(article, "lang", ""), share.inputs(),
    ]  # fmt: skip


def write_exports(pelican: Any) -> None:
    """Write share/snippets.json, snippets.csv and scheduler CSVs; log one summary."""
    state = RUN.peek()
    RUN.drop()
    if state is None:
        return
    config = state.config
    # Articles left out of the build after their share data was made have no export rows.
    items = sorted(sources.kept(state.items), key=lambda a: (a.date, a.url), reverse=True)
    # A preview writes the saved pages only; the full build after it writes the exports.
    if config["SHARE_SNIPPETS_EXPORT"] and not preview.is_preview(pelican.settings):
        site_url = pelican.settings.get("SITEURL", "")
        networks = config["SHARE_SNIPPETS_NETWORKS"]
        start = schedule_start(config, pelican.settings)
        folder = contents.private_folder(pelican.settings)
        directory = folder / config["SHARE_SNIPPETS_EXPORT_DIR"]
        options = {
            "start": start, "spacing_minutes": config["SHARE_SNIPPETS_SCHEDULE_SPACING"],
            "scheduler_networks": config["SHARE_SNIPPETS_SCHEDULE_NETWORKS"],
            "max_rows": config["SHARE_SNIPPETS_SCHEDULE_MAX_ROWS"],
        }  # fmt: skip
        # The files are left as they are when no record or option changed (most rebuilds).
        # The records are hashed one by one and not kept: all of them are ~90 KB an
        # article, the largest peak of a rebuild; only a change makes them again, to write.
        memo = memos.PageMemo(pelican.settings.get("CACHE_PATH"), "share_snippets/exports",
                              memos.code_version(export))  # fmt: skip
        digest = memos.RunningDigest()
        digest.add([site_url, networks, options])
        exported = []
        for article in items:
            with problems.isolated(contents.source_display(article), "share_snippets",
                                   "export the share text"):  # fmt: skip
                digest.add(article.share.record())
                exported.append(article)
        inputs = digest.hexdigest()
        kept = [memo.unchanged(directory / name, inputs) for name in EXPORT_FILES]
        if all(kept):
            logger.info("share_snippets: %d articles; export files in %s unchanged",
                        len(items), directory)  # fmt: skip
        else:
            # Each record was made once above without error; it is plain data, made the same,
            # and made again one at a time as it is written (all at once: ~12 KB an article).
            records = (article.share.record() for article in exported)
            data = {"version": 1, "site_url": site_url, "networks": networks,
                    "articles": records}  # fmt: skip
            paths = write_all(directory, data, count=len(exported), **options)
            memo.save()
            logger.info(
                "share_snippets: %d articles x %d networks; wrote %d export files to %s",
                len(items), len(networks), len(paths), directory,
            )  # fmt: skip
    if state.snippets is not None:
        # A preview assembled the saved pages' snippets only: keep everyone else's too.
        state.snippets.save(keep_previous=preview.is_preview(pelican.settings))


def save_fitted_texts(pelican: Any) -> None:
    """Keep this build's fitted share texts for the next build (after the exports used them)."""
    fits = fitting.RUN.peek()
    fitting.RUN.drop()
    if fits is not None:
        counts = fits.save()
        logger.debug("share_snippets: %d share texts fitted, %d kept", counts["fitted"],
                     counts["reused"])  # fmt: skip


def _setting(settings: Mapping[str, Any], key: str) -> str:
    return str(settings.get(key, DEFAULTS[key]) or "").strip("/")


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare the paths share_snippets owns (kernel ``generated_outputs``).

    Kits and exports are written to the private folder, but the deploy publishes that folder
    unlisted at the same paths, so a writer's ``save_as`` there would still collide.
    """
    return tuple(
        output
        for output in (
            GeneratedOutput(
                f"{_setting(settings, 'SHARE_SNIPPETS_EXPORT_DIR')}/",
                "share_snippets",
                "the share exports",
            ),
            GeneratedOutput("share-kit/", "share_snippets", "the share kits"),
        )
        if output.path.strip("/")
    )


def register() -> None:
    """Connect the share_snippets receivers to Pelican's and the kernel's signals."""
    generated_outputs.connect(declare_outputs)
    runs.watch()
    metadata_keys.connect(declare_keys)
    check_source.connect(check_file)
    signals.initialized.connect(validate_settings)
    signals.content_object_init.connect(prefetch_share_texts)
    signals.all_generators_finalized.connect(attach_share_data)
    signals.article_writer_finalized.connect(write_share_kits)
    signals.finalized.connect(write_exports)
    signals.finalized.connect(save_fitted_texts)  # after write_exports: connection order
