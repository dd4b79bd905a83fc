"""Writers' files as checks see them, and the one place every plugin's check is asked.

Before each Pelican generator reads its files, the kernel reads every Markdown file once,
sends ``check_source`` (every registered plugin answers with its problems) and reports the
answers. The pre-commit hook calls ``check_file`` for each staged file: the same rules, the
same words. A draft's errors are warnings (work in progress may be committed and previewed)
until the writer removes ``Status: draft``; problems that keep a file out of the build stay
what they are.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import cache, clock, contents, preview, problems
from .header import read_header
from .problems import Problem
from .signals import SourceFile, check_source, collect, declared_keys
from .text import PLACEHOLDER_PROBLEM, is_placeholder

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
DRAFT_NOTE = " (a draft: fix it before publishing)"
SOURCE = "kernel"


def absolute(path: str | os.PathLike) -> str:
    """Return a path made absolute the way Pelican names content (no symlinks resolved)."""
    return os.path.abspath(path)  # noqa: PTH100 - Pelican's source_path is abspath'd, not resolved


def kind_of(path: Path, settings: Mapping[str, Any]) -> str:
    """Return "page" for a file under PAGE_PATHS, else "article"."""
    root = Path(settings.get("PATH") or ".").resolve()
    resolved = Path(absolute(path))
    for folder in settings.get("PAGE_PATHS") or ["pages"]:
        if resolved.is_relative_to(root / folder):
            return "page"
    return "article"


def known_keys(settings: Mapping[str, Any]) -> frozenset[str]:
    """Return every metadata key the registered plugins declare, plus CONTENT_GUARD_KNOWN_KEYS."""
    extra = settings.get("CONTENT_GUARD_KNOWN_KEYS") or []
    extra = [extra] if isinstance(extra, str) else extra
    return frozenset(declared_keys(settings)) | {str(k).lower() for k in extra}


def leaves_content(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """Return whether a file inside the content folder is a link to something outside it."""
    return _leaves(Path(path), Path(root))


def _leaves(path: Path, root: Path) -> bool:
    root = Path(absolute(root))
    if not Path(absolute(path)).is_relative_to(root):
        return False  # a file a tool was given from elsewhere: checked, not a link
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except OSError:
        return True


def load_source(
    path: Path,
    settings: Mapping[str, Any],
    *,
    kind: str | None = None,
    keys: frozenset[str] = frozenset(),
    today: Any = None,
) -> SourceFile | Problem:
    """Read one writer's file as checks see it, or return the Problem that stops reading it."""
    display = contents.display_path(path, settings)
    if _leaves(path, Path(settings.get("PATH") or ".")):
        return Problem(
            display, "file",
            "this file is a link to something outside the content folder, so it is not published",
            "copy the file into content/ instead of linking to it",
            source=SOURCE, excludes=True,
        )  # fmt: skip
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Problem(
            display, "file", "the file is not UTF-8 text",
            "save it as UTF-8 (in most editors: Save As, encoding UTF-8)",
            source=SOURCE, excludes=True,
        )  # fmt: skip
    except OSError as error:
        return Problem(
            display, "file", f"the file cannot be read ({error.strerror or error})",
            "check that the file exists and is readable", source=SOURCE, excludes=True,
        )  # fmt: skip
    if not text.lstrip("\ufeff").strip():
        return Problem(
            display, "file", "the file is empty",
            "write the article (starting with `Title:`), or delete the file",
            source=SOURCE, excludes=True,
        )  # fmt: skip
    return SourceFile(
        path=path,
        display=display,
        text=text,
        header=read_header(text, keys),
        kind=kind or kind_of(path, settings),
        settings=settings,
        today=today or clock.today(settings),
        known_keys=keys,
    )


def ask_plugins(source: SourceFile) -> list[Problem]:
    """Ask every registered plugin about one file; a draft's errors become warnings.

    A field still holding an ``invoke new`` placeholder gets one problem (that it is a
    placeholder), not every plugin's opinion of the placeholder text.
    """
    found = [p for p in collect(check_source, source) if isinstance(p, Problem)]
    waiting = {k for k, f in source.header.fields.items() if is_placeholder(f.value)}
    if waiting:
        found = [
            p
            for p in found
            if p.field not in waiting or p.problem == PLACEHOLDER_PROBLEM or p.excludes
        ]
    if source.is_draft:
        found = [p if p.excludes else p.as_warning(DRAFT_NOTE) for p in found]
    return found


def check_file(
    path: Path,
    settings: Mapping[str, Any],
    *,
    kind: str | None = None,
    keys: frozenset[str] | None = None,
    today: Any = None,
) -> list[Problem]:
    """Return every problem of one file: what the build reports and the pre-commit hook checks."""
    loaded = load_source(
        path, settings, kind=kind,
        keys=known_keys(settings) if keys is None else keys,
        today=today or clock.today(settings),
    )  # fmt: skip
    return [loaded] if isinstance(loaded, Problem) else ask_plugins(loaded)


def _check_generator(generator: Any, kind: str) -> None:
    settings = generator.settings
    prefix = "ARTICLE" if kind == "article" else "PAGE"
    files = generator.get_files(
        settings[f"{prefix}_PATHS"], exclude=settings[f"{prefix}_EXCLUDES"],
        extensions=MARKDOWN_EXTENSIONS,
    )  # fmt: skip
    keys, today = known_keys(settings), clock.today(settings)
    memo = cache.check_memo(settings)  # the answers of the last build, per file and "today"
    for relative in sorted(files):
        path = Path(generator.path) / relative
        if not preview.wants(settings, path):
            continue  # a preview checks only the saved files; the full build after it, all
        key = memo.key(path, kind, today) if memo is not None else None
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = check_file(path, settings, kind=kind, keys=keys, today=today)
            if memo is not None:
                memo.put(key, found)
        problems.report_all(found)


def check_articles(generator: Any) -> None:
    """Check every article file before Pelican reads it (``article_generator_init``)."""
    _check_generator(generator, "article")


def check_pages(generator: Any) -> None:
    """Check every page file before Pelican reads it (``page_generator_init``)."""
    _check_generator(generator, "page")


def is_left_out(content: Any, store: problems.ProblemStore | None = None) -> bool:
    """Return whether a problem keeps this content's file out of the build."""
    store = store or problems.current_store()
    return contents.source_display(content) in store.excluded_files()


def kept(items: Any, store: problems.ProblemStore | None = None) -> list[Any]:
    """Return the content objects whose files no problem keeps out of the build."""
    left_out = set((store or problems.current_store()).excluded_files())
    return [item for item in items if contents.source_display(item) not in left_out]
