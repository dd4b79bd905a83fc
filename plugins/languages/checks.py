"""What can be checked from one file alone: ``lang``, ``translation_of``, ``machine_assisted``."""

from __future__ import annotations

import re

from kernel import lang
from kernel.problems import Problem, Severity
from kernel.signals import SourceFile

SOURCE = "languages"
FLAG_WORDS = {"yes": True, "true": True, "no": False, "false": False}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def flag(value: str | None) -> bool | None:
    """Return a yes/no metadata flag as a bool (None when it is neither)."""
    return FLAG_WORDS.get(str(value or "").strip().lower())


def check_file(source: SourceFile) -> list[Problem]:
    """Return the language problems of one writer's file (the build and pre-commit)."""
    header, found = source.header, []
    default = str(source.settings.get("DEFAULT_LANG") or "en-GB")
    tag = header.first("lang")
    if tag is not None:
        tag = tag.strip()
        if not lang.is_tag(tag):
            found.append(source.problem(
                "lang", f"`{tag}` is not a language code",
                "write a BCP 47 language code such as `cy` (Welsh), `ur` (Urdu) or `ar` "
                "(Arabic)", source=SOURCE, excludes=True,
            ))  # fmt: skip
            return found
        if lang.same_language(tag, default) and tag != default.lower():
            found.append(source.problem(
                "lang", f"`{tag}` is the site's own language written another way, so "
                "Pelican treats this page as a translation of itself",
                f"remove the `Lang:` line (pages are {default} unless they say otherwise)",
                source=SOURCE,
            ))  # fmt: skip
    original = header.first("translation_of")
    if original is not None:
        original = original.strip()
        if not tag or lang.same_language(tag, default):
            found.append(source.problem(
                "translation_of", "`translation_of` is set but the page has no other `Lang:`",
                "add `Lang: cy` (or the language it is written in)", source=SOURCE,
            ))  # fmt: skip
        if not _SLUG.match(original):
            found.append(source.problem(
                "translation_of", f"`{original}` is not the slug of a page",
                "write the slug of the English version, e.g. `burns-and-scalds` (its `Slug:`, "
                "or its file name without .md)", source=SOURCE,
            ))  # fmt: skip
        slug = header.first("slug")
        if slug is not None and slug.strip() != original:
            found.append(source.problem(
                "slug", f"`Slug: {slug.strip()}` differs from `translation_of: {original}`; "
                "language versions share one slug",
                "remove the `Slug:` line (translation_of gives the slug)", source=SOURCE,
            ))  # fmt: skip
    assisted = header.first("machine_assisted")
    if assisted is not None and flag(assisted) is None:
        found.append(source.problem(
            "machine_assisted", f"`{assisted}` is not yes or no",
            "write `machine_assisted: yes` while the text waits for its language and "
            "clinical review, and remove the line (or write `no`) once it has had it",
            severity=Severity.WARNING, source=SOURCE,
        ))  # fmt: skip
    return found
