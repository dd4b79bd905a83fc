"""Run the checks and the review report over a whole site, for ``invoke``.

Both build the site once with Pelican into a temporary directory (so links,
URLs and rendered Markdown are exactly what readers get), with health_review
enabled, then return what the plugin collected. Nothing is written to OUTPUT_PATH.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .problems import Problem, sort_problems
from .report import ReviewRow, render_review_table, review_rows, write_csv

SettingsArg = str | Path | Mapping[str, Any] | None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Collect every problem without logging each one (the table says it all).

    Also lifts `--fatal warnings` if the calling process set it: we want all
    problems, not the first.
    """
    from pelican.log import FatalLogger, console

    saved, saved_quiet = FatalLogger.fatal_lvl, console.quiet
    console.quiet = True  # Pelican's own "Done: Processed ..." line
    plugin_logger = logging.getLogger("health_review")
    saved_propagate = plugin_logger.propagate
    null = logging.NullHandler()
    FatalLogger.fatal_lvl = logging.CRITICAL + 1
    plugin_logger.propagate = False
    plugin_logger.addHandler(null)
    try:
        yield
    finally:
        FatalLogger.fatal_lvl = saved
        console.quiet = saved_quiet
        plugin_logger.propagate = saved_propagate
        plugin_logger.removeHandler(null)


def collect(settings: SettingsArg, today: dt.date | str | None = None) -> dict[str, Any]:
    """Build the site into a temporary folder and return the plugin's findings.

    Returns {"problems": [...], "reviews": [(file, title, Review)], "today": date}.
    """
    from pelican import Pelican
    from pelican.settings import read_settings

    from . import health_review
    from .config import today_from

    with tempfile.TemporaryDirectory(prefix="health-review-") as output:
        override: dict[str, Any] = {"OUTPUT_PATH": output, "DELETE_OUTPUT_DIRECTORY": False}
        if today is not None:
            override["HEALTH_REVIEW_TODAY"] = str(today)
        if settings is None or isinstance(settings, str | Path):
            config = read_settings(str(settings) if settings else None, override=override)
        else:
            config = read_settings(None, override={**dict(settings), **override})
        plugins = list(config.get("PLUGINS") or [])
        if not any(str(getattr(p, "__name__", p)).endswith("health_review") for p in plugins):
            config["PLUGINS"] = [*plugins, health_review]
        config["HEALTH_REVIEW_ADVISORY_LOG_LEVEL"] = "DEBUG"
        with _quiet():
            Pelican(config).run()
        state = health_review.STATE
        reviews = [(file, _title(content), review) for file, content, review in state["reviews"]]
        return {
            "problems": sort_problems(list(state["problems"])),
            "reviews": reviews,
            "today": today_from(state["config"], config.get("TIMEZONE")),
        }


def _title(content) -> str:
    from .checks import plain_text

    return plain_text(getattr(content, "title", "")) or content.source_path


def run_checks(settings: SettingsArg, today: dt.date | str | None = None) -> list[Problem]:
    """Return every health_review problem in the site, errors first."""
    return collect(settings, today)["problems"]


def has_errors(problems: list[Problem]) -> bool:
    """Return whether any problem is an error (``invoke check`` exits 1)."""
    return any(p.severity == "error" for p in problems)


def render_problems_table(problems: list[Problem], title: str = "Health content problems") -> None:
    """Print problems as one rich table (file:line, field, problem, fix) to stderr."""
    try:
        from content_guard.problems import render_table
    except ImportError:  # pragma: no cover - content_guard ships with the site
        render_table = None
    if render_table is not None:
        render_table(list(problems), title=title)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    table = Table(title=title, show_lines=True)
    for name in ("Severity", "File", "Field", "Problem", "How to fix"):
        table.add_column(name, overflow="fold")
    for p in sort_problems(list(problems)):
        table.add_row(p.severity, p.location, p.field, p.problem, p.fix)
    console.print(table if problems else f"{title}: none found.")


def check(settings: SettingsArg, today: dt.date | str | None = None) -> int:
    """Print the problems table and return the exit code: 1 on any error, else 0."""
    problems = run_checks(settings, today)
    render_problems_table(problems)
    return 1 if has_errors(problems) else 0


def review_report(
    settings: SettingsArg,
    today: dt.date | str | None = None,
    csv_path: str | Path | None = "review-report.csv",
    console=None,
) -> list[ReviewRow]:
    """Print the review report table, write the CSV (unless csv_path is None) and return rows."""
    found = collect(settings, today)
    rows = review_rows(found["reviews"])
    render_review_table(rows, found["today"], console=console)
    if csv_path is not None:
        write_csv(rows, csv_path)
    return rows
