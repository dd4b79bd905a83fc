"""content_guard: tell writers exactly what is wrong with a file's metadata.

Pelican skips a file with a missing title or a bad date with a terse message and
silently keeps unknown keys. Before each generator reads its files, this plugin
reads every Markdown header itself and logs one problem per mistake, naming the
file, line and field and saying how to fix it.

Settings:
    CONTENT_GUARD_KNOWN_KEYS (list[str], default []): extra metadata keys to
        accept besides Pelican's own and those of our plugins.
    CONTENT_GUARD_ENABLED (bool, default True): switch the header checks off.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from .metadata import PELICAN_KEYS, PLUGIN_KEYS, check_header, read_header
from .problems import Problem, log_problem

logger = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = ["md", "markdown", "mkd", "mdown"]


def get_settings(settings: dict) -> dict:
    """Return content_guard settings with defaults, validated."""
    extra = settings.get("CONTENT_GUARD_KNOWN_KEYS") or []
    if not isinstance(extra, list | tuple | set) or not all(isinstance(k, str) for k in extra):
        raise ValueError(f"CONTENT_GUARD_KNOWN_KEYS must be a list of strings, not {extra!r}")
    return {
        "CONTENT_GUARD_ENABLED": bool(settings.get("CONTENT_GUARD_ENABLED", True)),
        "CONTENT_GUARD_KNOWN_KEYS": frozenset(k.lower() for k in extra),
    }


def check_generator_files(generator, *, is_article: bool) -> None:
    """Log a problem for each metadata mistake in the generator's Markdown files."""
    config = get_settings(generator.settings)
    if not config["CONTENT_GUARD_ENABLED"]:
        return
    root = Path(generator.path)
    kind = "ARTICLE" if is_article else "PAGE"
    paths, excludes = generator.settings[f"{kind}_PATHS"], generator.settings[f"{kind}_EXCLUDES"]
    known = PELICAN_KEYS | PLUGIN_KEYS | config["CONTENT_GUARD_KNOWN_KEYS"]
    files = generator.get_files(paths, exclude=excludes, extensions=MARKDOWN_EXTENSIONS)
    for relative in sorted(files):
        path = root / relative
        display = path.relative_to(root.parent).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            log_problem(
                logger,
                Problem(display, "-", "the file is not UTF-8 text", "save it as UTF-8", "error"),
            )
            continue
        for problem in check_header(
            path, read_header(text), display_path=display, is_article=is_article, known_keys=known
        ):
            log_problem(logger, problem)


def check_articles(generator) -> None:
    """Check article headers before Pelican reads them."""
    check_generator_files(generator, is_article=True)


def check_pages(generator) -> None:
    """Check page headers before Pelican reads them."""
    check_generator_files(generator, is_article=False)


def register() -> None:
    """Connect content_guard to Pelican."""
    signals.article_generator_init.connect(check_articles)
    signals.page_generator_init.connect(check_pages)
