"""One file's mistake costs only that file: what content_guard takes out before building.

Pelican reads every file, files articles under sections, tags and authors, then writes.
Before the sections are made (``article_generator_pretaxonomy``; pages at
``page_generator_finalized``) content_guard takes out, naming file, line and field:

- every file a problem keeps out of the build (``excludes``), whichever plugin found it;
- a page whose ``template:`` the theme cannot load;
- a page that would be written where another page is, or where the build writes one of its
  own files (the home page, a section, a feed, the sitemap, cards, search, share exports…:
  ``kernel.outputs``), or that shares its slug with another page in the same language
  (Pelican would make them one page in two versions). The page that keeps the place is the
  one that did not ask for it (no ``save_as``/``url``/``Slug``), else the older one.

Static files (images) that are links to something outside the content folder are not
published either.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kernel import contents, outputs, problems, sources
from kernel.header import read_header
from kernel.problems import Problem

from .state import RUN, GuardRun

SOURCE = "content_guard"
ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations")  # fmt: skip
PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
              "draft_translations")  # fmt: skip
_EXPLICIT = ("save_as", "url", "slug")


def line_of(content: Any, key: str) -> int | None:
    """Return the line of ``key`` in a content file's header (None if absent or unreadable)."""
    try:
        text = Path(content.source_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, TypeError):
        return None
    return read_header(text).line_of(key)


def line_in_file(content: Any, snippet: str) -> int | None:
    """Return the first line of a content file holding the start of ``snippet``."""
    try:
        lines = Path(content.source_path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, TypeError):
        return None
    for size in (40, 20, 10):
        needle = snippet.strip()[:size]
        for number, line in enumerate(lines, start=1):
            if needle and needle in line:
                return number
    return None


def _items(generator: Any, names: tuple[str, ...]) -> list[Any]:
    seen: dict[int, Any] = {}
    for name in names:
        for item in getattr(generator, name, None) or []:
            seen.setdefault(id(item), item)
    return list(seen.values())


def _report(content: Any, field: str, problem: str, fix: str) -> None:
    problems.report(
        Problem(
            contents.source_display(content), field, problem, fix,
            line=line_of(content, field) or None, source=SOURCE, excludes=True,
        )
    )  # fmt: skip


def _excluded(items: list[Any]) -> list[Any]:
    left_out = set(problems.current_store().excluded_files())
    return [c for c in items if contents.source_display(c) in left_out]


def _bad_templates(generator: Any, items: list[Any]) -> list[Any]:
    bad = []
    for content in items:
        if "template" not in content.metadata:
            continue  # the theme's own default: a developer's matter, not this file's
        name = content.template
        try:
            generator.get_template(name)
        except Exception as error:  # not found, or a template that does not compile
            kind = "has no template" if "NotFound" in type(error).__name__ else "cannot use"
            _report(
                content, "template", f"the theme {kind} `{name}` ({type(error).__name__})",
                "remove the `template:` line to use the normal layout",
            )  # fmt: skip
            bad.append(content)
    return bad


def _field_of(content: Any) -> str:
    for key in _EXPLICIT:
        if key in content.metadata:
            return key
    return "slug"


def _fix_for(field: str) -> str:
    if field in ("save_as", "url"):
        return f"remove the `{field}:` line (and its partner) to use the normal address"
    return "give this file its own `Slug:` (or rename the file)"


def _priority(content: Any) -> tuple:
    """Sort key: who keeps a contested place.

    First the page that did not ask for it (no ``save_as``/``url``; a slug that is its
    file's name), then the older one, then by file name.
    """
    placed = "save_as" in content.metadata or "url" in content.metadata
    renamed = str(getattr(content, "slug", "")) != Path(content.source_path).stem
    date = getattr(content, "date", None)
    stamp = date.timestamp() if isinstance(date, dt.datetime) else float("inf")
    return (placed, renamed, stamp, contents.source_display(content))


def _generated(settings: Any, state: GuardRun, items: list[Any]) -> outputs.GeneratedPaths:
    for content in items:
        if getattr(content, "category", None) is not None:
            state.categories.add(content.category)
        state.tags.update(getattr(content, "tags", None) or [])
        state.authors.update(getattr(content, "authors", None) or [])
    langs = {str(getattr(c, "lang", "")) for c in items}
    return outputs.generated_paths(
        settings, categories=state.categories, tags=state.tags, authors=state.authors,
        langs=langs,
    )  # fmt: skip


def _contested(
    items: list[Any], state: GuardRun, generated: outputs.GeneratedPaths, generator: Any
) -> list:
    """Return the items that lose their place; withdraw earlier winners that lose now."""
    losers = []
    for content in sorted(items, key=_priority):
        save_as = outputs.normalise(content.save_as or "")
        url = outputs.normalise(content.url or "")
        if not save_as:
            continue
        claim = generated.claimed_by(save_as)
        if claim:
            problem = f"this page would be written to `{save_as}`, where the build writes {claim}"
            _report(content, _field_of(content), problem, _fix_for(_field_of(content)))
            losers.append(content)
            continue
        held = state.claims.get(save_as) or (state.url_claims.get(url) if url else None)
        if held is not None and _priority(held[0]) <= _priority(content):
            _lose(content, held[0], save_as)
            losers.append(content)
            continue
        if held is not None:  # an article that asked for a page's place (pages come later)
            _lose(held[0], content, save_as)
            contents.withdraw([held[1]], [held[0]])
        state.claims[save_as] = (content, generator)
        if url:
            state.url_claims[url] = (content, generator)
    return losers


def _lose(loser: Any, keeper: Any, save_as: str) -> None:
    field = _field_of(loser)
    _report(
        loser, field,
        f"this page would be written to `{save_as}`, where "
        f"{contents.source_display(keeper)} is published",
        _fix_for(field),
    )  # fmt: skip


def _same_slugs(items: list[Any], settings: Any, key: str) -> list[Any]:
    ids = settings.get(key) or "slug"
    ids = (ids,) if isinstance(ids, str) else tuple(ids)
    groups: dict[tuple, list[Any]] = {}
    for content in items:
        group = (*(str(getattr(content, i, "")) for i in ids), str(getattr(content, "lang", "")))
        groups.setdefault(group, []).append(content)
    losers = []
    for group in groups.values():
        keeper, *others = sorted(group, key=_priority)
        for content in others:
            field = "slug"
            _report(
                content, field,
                f"{contents.source_display(keeper)} has the same slug `{content.slug}` in the same "
                "language, so the site would treat them as one page",
                _fix_for(field),
            )  # fmt: skip
            losers.append(content)
    return losers


def _statuses(items: list[Any]) -> dict[str, list[Any]]:
    by_status: dict[str, list[Any]] = {}
    for content in items:
        by_status.setdefault(str(getattr(content, "status", "")), []).append(content)
    return by_status


def screen(generator: Any, names: tuple[str, ...], translation_key: str) -> None:
    """Take out of a generator every file that would break others or publish wrongly."""
    state = RUN.get(generator.settings)
    items = _items(generator, names)
    doomed = _excluded(items)
    doomed += _bad_templates(generator, [c for c in items if c not in doomed])
    alive = [c for c in items if c not in doomed]
    for group in _statuses(alive).values():  # Pelican groups translations per status
        doomed += _same_slugs(group, generator.settings, translation_key)
    alive = [c for c in alive if c not in doomed]
    doomed += _contested(alive, state, _generated(generator.settings, state, alive), generator)
    # Before taxonomies (articles) or any writing (pages): this generator's lists suffice.
    contents.withdraw([generator], doomed)


def screen_articles(generator: Any) -> None:
    """Screen articles before Pelican files them under sections, tags and authors."""
    screen(generator, ARTICLE_LISTS, "ARTICLE_TRANSLATION_ID")


def screen_pages(generator: Any) -> None:
    """Screen pages (after articles: a page may not replace an article either)."""
    screen(generator, PAGE_LISTS, "PAGE_TRANSLATION_ID")


def screen_static(generator: Any) -> None:
    """Refuse static files that are links to something outside the content folder."""
    root = generator.settings.get("PATH") or "."
    staticfiles = getattr(generator, "staticfiles", None) or []
    doomed = [s for s in staticfiles if sources.leaves_content(s.source_path, root)]
    if not doomed:
        return
    for static in doomed:
        problems.report(
            Problem(
                contents.source_display(static, generator.settings), "file",
                "this file is a link to something outside the content folder, so it is not "
                "published", "copy the file into content/ instead of linking to it",
                source=SOURCE, excludes=True,
            )
        )  # fmt: skip
    ids = {id(s) for s in doomed}
    staticfiles[:] = [s for s in staticfiles if id(s) not in ids]
    static_content = generator.context.get("static_content")
    if isinstance(static_content, dict):
        for key in [k for k, v in static_content.items() if id(v) in ids]:
            del static_content[key]
