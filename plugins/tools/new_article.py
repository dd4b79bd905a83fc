"""Write a new article file for `invoke new`: every required field filled, as a draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from content_guard import SUMMARY_PLACEHOLDER_MARK
from pelican.utils import slugify

# content_guard flags this placeholder until the writer replaces it.
SUMMARY_PLACEHOLDER = f"{SUMMARY_PLACEHOLDER_MARK} THAT STANDS ALONE (UNDER 160 CHARACTERS)"
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
    """Return the lower-case, hyphenated slug Pelican would make of ``text``."""
    return slugify(
        text,
        regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")],
    )


def article_text(title: str, category: str, author: str, when: dt.datetime, slug: str) -> str:
    """Return the Markdown of a new draft article."""
    stamp = when.strftime("%Y-%m-%d %H:%M")
    return (
        f"Title: {title}\nDate: {stamp}\nModified: {stamp}\nCategory: {category}\n"
        f"Tags: {category.lower()}\nSlug: {slug}\nAuthor: {author}\nStatus: draft\n"
        f"Summary: {SUMMARY_PLACEHOLDER}\n\n{BODY}"
    )


def create_article(
    content: Path, title: str, category: str, author: str, date: str | None = None
) -> Path:
    """Write ``content/articles/<category>/<slug>.md`` and return its path."""
    title = " ".join(title.split())
    if not title:
        raise NewArticleError(
            'give the article a title: invoke new "How to treat a sprain" --category "First aid"'
        )
    slug, category_slug = url_slug(title), url_slug(category)
    if not slug or not category_slug:
        raise NewArticleError("the title and category need at least one letter or number")
    when = dt.datetime.now().replace(second=0, microsecond=0)
    if date:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(9, 0))
        except ValueError:
            raise NewArticleError(
                f"--date {date!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-15"
            ) from None
    path = content / "articles" / category_slug / f"{slug}.md"
    if path.exists():
        raise NewArticleError(f"{path} already exists: choose another title or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(title, category, author, when, slug), encoding="utf-8")
    return path
