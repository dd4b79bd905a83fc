"""Write a new article file for ``invoke new``: every field a publishable article needs.

The article is a draft in its section's folder. Fields only the writer can fill in hold a
``FILL IN: …`` placeholder saying what to write; ``invoke check`` (and the pre-commit hook)
names each one left, as a warning while the article is a draft and as an error once
``Status: draft`` is removed. The section must be one of the site's sections (a typo never
creates a new menu section), the title must fit the title limit, and ``--date`` is ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from content_guard.sections import nearest_section, section_slug
from kernel import clock, lang
from kernel.header import read_header
from kernel.text import PLACEHOLDER_MARK, char_name, collapse, control_characters

FILL = f"{PLACEHOLDER_MARK}:"
SUMMARY_PLACEHOLDER = f"{FILL} one plain sentence of at most 160 characters that stands alone"
TAGS_PLACEHOLDER = f"{FILL} 1 to 4 more topics, separated by commas"
REVIEWED_PLACEHOLDER = f"{FILL} the day a clinician checked the page, as YYYY-MM-DD"
REVIEWER_PLACEHOLDER = f"{FILL} a reviewer key such as dr-amira-khan, or Name, Role"
SOURCES_PLACEHOLDER = f"{FILL} Title of the source | https://address-of-the-source"
DEFAULT_TIME = dt.time(9, 0)
BODY = """Start with the most important advice in one or two short sentences.

## What to do

1. Write each step as a short instruction.
2. Keep sentences under 20 words.

## When to get help

Say when to call 999, when to call 111 and when to see a GP or pharmacist.
"""


class NewArticleError(ValueError):
    """A writer's input that cannot become an article; the message says how to fix it."""


def url_slug(text: str) -> str:
    """Return the lower-case, hyphenated slug of ``text`` (as in a URL)."""
    return section_slug(text)


def choose_section(category: str, sections: Mapping[str, str]) -> tuple[str, str]:
    """Return (folder, section name) for ``--category``; refuse a section that does not exist."""
    wanted = collapse(category)
    for folder, name in sections.items():
        if wanted.lower() in (name.lower(), folder.lower()) or url_slug(wanted) == folder:
            return folder, name
    listed = ", ".join(f'"{name}"' for name in sections.values())
    meant = nearest_section(wanted, sections)
    hint = f'Did you mean --category "{meant}"? ' if meant else ""
    raise NewArticleError(
        f'--category "{wanted}" is not one of the site\'s sections. {hint}'
        f"The sections are: {listed}. (A developer adds new sections in pelicanconf.py.)"
    )


def publication_time(date: str | None, now: dt.datetime | None = None) -> dt.datetime:
    """Return when the article is to be published: ``--date`` (ISO 8601) or now."""
    if not date:
        return (now or dt.datetime.now()).replace(second=0, microsecond=0)
    try:
        parsed = clock.parse_date(date, field="--date")
    except clock.DateError as error:
        raise NewArticleError(f"--date {date!r} {error.reason}. Fix: {error.fix}") from None
    if isinstance(parsed, dt.datetime):
        return parsed.replace(tzinfo=None, second=0, microsecond=0)
    return dt.datetime.combine(parsed, DEFAULT_TIME)


def check_title(title: str, maximum: int) -> str:
    """Return the title with spaces collapsed, or raise NewArticleError saying what is wrong."""
    if control_characters(title):
        names = ", ".join(char_name(c) for c in control_characters(title))
        raise NewArticleError(f"the title contains the invisible character(s) {names}: retype it")
    title = collapse(title)
    if not title:
        raise NewArticleError(
            'give the article a title: invoke new "How to treat a sprain" --category "First aid"'
        )
    if len(title) > maximum:
        raise NewArticleError(
            f"the title is {len(title)} characters long; at most {maximum}: shorten it"
        )
    if not url_slug(title):
        raise NewArticleError("the title needs at least one letter or number")
    return title


def article_text(title: str, section: str, author: str, when: dt.datetime, slug: str) -> str:
    """Return the Markdown of a new draft article with every field a publishable one needs."""
    stamp = when.strftime("%Y-%m-%d %H:%M")
    return "\n".join((
        f"Title: {title}",
        f"Date: {stamp}",
        f"Modified: {stamp}",
        f"Category: {section}",
        f"Tags: {section.lower()}, {TAGS_PLACEHOLDER}",
        f"Slug: {slug}",
        f"Author: {author}",
        "Status: draft",
        f"Summary: {SUMMARY_PLACEHOLDER}",
        "content_type: advice",
        "audience: public",
        f"last_reviewed: {REVIEWED_PLACEHOLDER}",
        f"reviewed_by: {REVIEWER_PLACEHOLDER}",
        f"sources: {SOURCES_PLACEHOLDER}",
        "",
        BODY,
    ))  # fmt: skip


def create_article(
    content: Path,
    title: str,
    category: str,
    author: str,
    date: str | None = None,
    *,
    sections: Mapping[str, str],
    title_max: int = 90,
    now: dt.datetime | None = None,
) -> Path:
    """Write ``content/articles/<section>/<slug>.md`` and return its path."""
    title = check_title(title, title_max)
    folder, section = choose_section(category, sections)
    author = collapse(author)
    if not author or control_characters(author):
        raise NewArticleError('give the author\'s name: --author "Megan Price"')
    when = publication_time(date, now)
    slug = url_slug(title)
    path = content / "articles" / folder / f"{slug}.md"
    if path.exists():
        raise NewArticleError(f"{path} already exists: choose another title or edit that file")
    same = sorted((content / "articles").glob(f"**/{slug}.md"))
    if same:
        raise NewArticleError(
            f"{same[0]} already uses the address name `{slug}`: choose another title"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(title, section, author, when, slug), encoding="utf-8")
    return path


# Keys a translation takes from the version it translates; review keys are left out on
# purpose: the translation gets its own reviewer and review date before it is published.
TRANSLATION_KEEPS = ("date", "category", "author", "authors", "content_type", "audience", "sources")


def find_source(content: Path, slug: str) -> Path:
    """Return the default-language article or page whose slug is ``slug``."""
    found = []
    for path in sorted((content / "articles").rglob("*.md")) + sorted(
        (content / "pages").rglob("*.md")
    ):
        header = read_header(path.read_text(encoding="utf-8"))
        if header.first("lang"):
            continue  # a translation itself
        if (header.first("slug") or path.stem).strip() == slug:
            found.append(path)
    if not found:
        raise NewArticleError(
            f"no article or page has the slug `{slug}`: use the `Slug:` of the English "
            "version (or its file name without .md)"
        )
    return found[0]


def create_translation(
    content: Path, slug: str, lang_tag: str, author: str, title: str | None = None
) -> Path:
    """Write ``<slug>.<lang>.md`` next to the version it translates and return its path.

    The new file is a draft with ``Lang``, ``translation_of`` and the original's structure
    (headings, care cards, lists) below the header, ready to translate.
    """
    if not lang.is_tag(lang_tag):
        raise NewArticleError(f"--lang {lang_tag!r} is not a language code: e.g. cy, ur or ar")
    lang_tag = lang.normalise(lang_tag)
    source = find_source(content, slug)
    path = source.with_name(f"{source.stem}.{lang_tag}.md")
    if path.exists():
        raise NewArticleError(f"{path} already exists: edit that file")
    text = source.read_text(encoding="utf-8")
    header = read_header(text)
    when = dt.datetime.now().replace(second=0, microsecond=0).strftime("%Y-%m-%d %H:%M")
    lines = [f"Title: {' '.join((title or header.first('title') or '').split())}",
             f"Lang: {lang_tag}", f"translation_of: {slug}"]  # fmt: skip
    for key in TRANSLATION_KEEPS:
        if key in header:
            name = key.title() if key in ("date", "category", "author", "authors") else key
            lines.append(f"{name}: " + "\n    ".join(header.fields[key].values))
    if "author" not in header and "authors" not in header:
        lines.append(f"Author: {author}")
    lines += [f"Modified: {when}", "Status: draft", f"Summary: {SUMMARY_PLACEHOLDER}"]
    body = "\n".join(text.splitlines()[header.body_start - 1 :]).strip("\n") or BODY
    path.write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")
    return path
