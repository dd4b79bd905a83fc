"""What the real content/ promises: each source file and the URL it must have."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kernel.header import read_header
from pelican.utils import get_date

CONTENT = Path(__file__).resolve().parent.parent / "content"


@dataclass
class Source:
    path: Path
    kind: str  # "article" or "page"
    title: str
    url: str  # path below SITEURL, e.g. "first-aid/how-to-do-cpr/"
    status: str
    date: dt.datetime | None
    lang: str = ""  # "" for the default language, else the file's `Lang:` ("cy")


def sources(kind: str) -> list[Source]:
    """Every Markdown file of one kind with the URL our settings give it."""
    folder = CONTENT / ("articles" if kind == "article" else "pages")
    found = []
    for path in sorted(folder.rglob("*.md")):
        header = read_header(path.read_text(encoding="utf-8")).values
        slug = header.get("slug") or header.get("translation_of") or path.stem
        url = f"{path.parent.name}/{slug}/" if kind == "article" else f"{slug}/"
        lang = (header.get("lang") or "").strip()
        if lang and lang != "en-gb":
            # Language versions live under their language (ARTICLE_LANG_URL, PAGE_LANG_URL)
            # when there is an English version at the plain URL; lone languages keep it.
            english = [s for s in found if s.lang == "" and s.url == url] or [
                p for p in folder.rglob("*.md")
                if p != path and (read_header(p.read_text(encoding="utf-8")).values.get("slug")
                                  or p.stem) == slug
                and not read_header(p.read_text(encoding="utf-8")).values.get("lang")
            ]  # fmt: skip
            url = f"{lang}/{url}" if english else url
        date = get_date(header["date"]) if "date" in header else None
        found.append(
            Source(
                path,
                kind,
                header.get("title", ""),
                url,
                header.get("status", "published"),
                date,
                lang,
            )
        )
    return found


def published_articles() -> list[Source]:
    """Articles that a build made today publishes (not drafts, not scheduled)."""
    now = dt.datetime.now(dt.UTC)
    result = []
    for source in sources("article"):
        if source.status in {"draft", "hidden"}:
            continue
        if source.date is not None:
            date = source.date if source.date.tzinfo else source.date.replace(tzinfo=dt.UTC)
            if date > now:
                continue
        result.append(source)
    return result
