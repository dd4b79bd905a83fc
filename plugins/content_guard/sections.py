"""What the README promises writers, enforced: sections, tags, title length, placeholders.

- An article lives in its section's folder and says so: ``content/articles/first-aid/x.md``
  has ``Category: First aid``. A category that does not match (``Bites and stings`` in
  ``first-aid/``) would silently add a section to the main menu, so the file is left out
  and the nearest existing section is suggested. A folder that is not one of the site's
  sections (``CONTENT_GUARD_SECTIONS``) is refused the same way.
- 2 to 5 tags (``CONTENT_GUARD_TAGS``), each a few words.
- A title (and ``og_title``) of at most ``CONTENT_GUARD_TITLE_MAX`` characters; a title three
  times longer is not a title (a paragraph pasted into the line) and keeps the file out, so
  no card is drawn for it.
- ``invoke new`` writes ``FILL IN: …`` placeholders into every field a publishable article
  needs; each one left is an error (a warning while the article is a draft).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.problems import Problem
from kernel.signals import SourceFile
from kernel.text import PLACEHOLDER_MARK, PLACEHOLDER_PROBLEM, is_placeholder
from pelican.utils import slugify

SOURCE = "content_guard"
PASTED_TITLE_FACTOR = 3  # a title this many times the limit is a pasted paragraph


def section_slug(name: str) -> str:
    """Return the folder name of a section name: ``First aid`` -> ``first-aid``."""
    return slugify(
        str(name),
        regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")],
    )


def humanise(folder: str) -> str:
    """Return a folder's section name when none is configured: ``first-aid`` -> ``First aid``."""
    words = folder.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def article_roots(settings: Mapping[str, Any]) -> list[Path]:
    """Return the folders articles live in (PATH / each of ARTICLE_PATHS)."""
    root = Path(settings.get("PATH") or ".")
    return [root / folder for folder in settings.get("ARTICLE_PATHS") or ["articles"]]


def sections(settings: Mapping[str, Any], configured: Mapping[str, str] | None = None) -> dict:
    """Return the site's sections as {folder: name}.

    ``configured`` (CONTENT_GUARD_SECTIONS) lists them; when it is empty, every folder
    under the article paths is a section, named from its folder.
    """
    if configured:
        return dict(configured)
    found: dict[str, str] = {}
    for root in article_roots(settings):
        if root.is_dir():
            for child in sorted(root.iterdir()):
                if child.is_dir() and not child.name.startswith("."):
                    found.setdefault(child.name, humanise(child.name))
    return found


def nearest_section(value: str, known: Mapping[str, str]) -> str | None:
    """Return the name of the existing section closest to ``value`` (None: nothing close)."""
    if not known:
        return None
    by_key = {name.lower(): name for name in known.values()}
    by_key.update({folder.lower(): name for folder, name in known.items()})
    close = difflib.get_close_matches(value.strip().lower(), list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def folder_of(source: SourceFile) -> tuple[str | None, bool]:
    """Return (the article's section folder, whether it is inside an article path)."""
    path = Path(source.path)
    for root in article_roots(source.settings):
        try:
            relative = path.relative_to(root)
        except ValueError:
            try:
                relative = path.resolve().relative_to(root.resolve())
            except (ValueError, OSError):
                continue
        parts = relative.parts
        return (parts[0] if len(parts) > 1 else None), True
    return None, False


def _sections_list(known: Mapping[str, str]) -> str:
    return ", ".join(f"{name} ({folder}/)" for folder, name in sorted(known.items()))


def check_category(source: SourceFile, configured: Mapping[str, str]) -> list[Problem]:
    """Return a category that does not match the article's folder, or an unknown section."""
    if not source.is_article:
        return []
    folder, inside = folder_of(source)
    if not inside:
        return []  # a file a tool was given from elsewhere: nothing to compare with
    known = sections(source.settings, configured)
    category = (source.header.first("category") or "").strip()
    if folder is None or folder not in known:
        return _not_in_a_section(source, folder, category, known)
    return _category_matches(source, folder, category, known)


def _not_in_a_section(
    source: SourceFile, folder: str | None, category: str, known: Mapping[str, str]
) -> list[Problem]:
    line = source.header.line_of("category")
    if folder is None:
        return [
            source.problem(
                "category", "the article is not in a section folder",
                f"move it into the folder of its section: {_sections_list(known)}",
                line=line or 1, source=SOURCE, excludes=True,
            )
        ]  # fmt: skip
    meant = nearest_section(folder, known) or nearest_section(category, known)
    hint = f"did you mean {meant} ({section_slug(meant)}/)? " if meant else ""
    return [
        source.problem(
            "category",
            f"the folder `{folder}/` is not one of the site's sections, so it would add a "
            "new section to the main menu",
            f"{hint}move the file into one of: {_sections_list(known)} (a developer adds new "
            "sections in CONTENT_GUARD_SECTIONS)",
            line=line or 1, source=SOURCE, excludes=True,
        )
    ]  # fmt: skip


def _category_matches(
    source: SourceFile, folder: str, category: str, known: Mapping[str, str]
) -> list[Problem]:
    name = known[folder]
    if not category:
        return [
            source.problem(
                "category", "the article has no category",
                f"add `Category: {name}` (the section of the folder `{folder}/` it is in)",
                line=1, source=SOURCE,
            )
        ]  # fmt: skip
    if section_slug(category) != section_slug(folder) and category.lower() != name.lower():
        meant = nearest_section(category, known)
        other = (
            f" If you meant the section {meant}, move the file to `{section_slug(meant)}/`."
            if meant and meant != name
            else ""
        )
        return [
            source.problem(
                "category",
                f"`Category: {category}` does not match the folder `{folder}/` (section "
                f"{name}), so it would add a new section to the main menu",
                f"write `Category: {name}`.{other}",
                source=SOURCE, excludes=True,
            )
        ]  # fmt: skip
    return []


def check_tags(source: SourceFile, lowest: int, highest: int) -> list[Problem]:
    """Return an article with fewer than ``lowest`` or more than ``highest`` tags."""
    if not source.is_article:
        return []
    raw = source.header.get("tags") or ""
    tags = [t.strip() for t in raw.replace("\n", ",").split(",") if t.strip()]
    if lowest <= len(tags) <= highest:
        return []
    line = source.header.line_of("tags") or 1
    if len(tags) < lowest:
        problem = "the article has no tags" if not tags else f"the article has {len(tags)} tag(s)"
        return [
            source.problem(
                "tags", f"{problem}; it needs {lowest} to {highest}",
                "add topics people look for, separated by commas: "
                "`Tags: first aid, burns, children`",
                line=line, source=SOURCE,
            )
        ]  # fmt: skip
    return [
        source.problem(
            "tags", f"the article has {len(tags)} tags; at most {highest}",
            f"keep the {highest} that describe it best (they become hashtags too)",
            line=line, source=SOURCE,
        )
    ]  # fmt: skip


def check_title_length(source: SourceFile, maximum: int) -> list[Problem]:
    """Return a title or og_title longer than ``maximum``; a pasted paragraph keeps the file out."""
    problems = []
    for key in ("title", "og_title"):
        value = " ".join((source.header.first(key) or "").split())
        if len(value) <= maximum:
            continue
        pasted = key == "title" and len(value) > maximum * PASTED_TITLE_FACTOR
        problem = f"`{key}` is {len(value)} characters long (at most {maximum})" + (
            ": it looks like a paragraph pasted into the line" if pasted else ""
        )
        problems.append(
            source.problem(
                key, problem,
                f"shorten it to {maximum} characters or fewer: search results, browser tabs and "
                "the link-preview card cut longer titles off",
                source=SOURCE, excludes=pasted,
            )
        )  # fmt: skip
    return problems


def check_placeholders(source: SourceFile) -> list[Problem]:
    """Return every field still holding a ``FILL IN:`` placeholder from ``invoke new``."""
    problems = []
    for key, found in source.header.fields.items():
        for index, value in enumerate(found.values):
            if is_placeholder(value):
                wanted = value.split(PLACEHOLDER_MARK, 1)[1].lstrip(": ").strip()
                problems.append(
                    Problem(
                        source.display, key, PLACEHOLDER_PROBLEM,
                        f"replace `{PLACEHOLDER_MARK}: …` with {wanted}" if wanted
                        else f"write the `{key}`",
                        line=found.lines[index], source=SOURCE,
                    )
                )  # fmt: skip
                break
    return problems
