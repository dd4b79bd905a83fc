"""Content problems as data, and the table every command prints them in.

A plugin that finds a problem in a writer's file logs it through its own logger
with ``extra={"problem": Problem(...)}``. The strict build, ``invoke check`` and
the pre-commit hook collect those records and print one table, so a writer sees
the same file / field / problem / fix wording everywhere.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing a writer or publisher should fix."""

    file: str
    field: str
    problem: str
    fix: str
    severity: str = "warning"
    line: int | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def message(self) -> str:
        """Return the one-line log message for this problem."""
        return f"{self.location}: {self.field}: {self.problem}. Fix: {self.fix}"


def log_problem(logger: logging.Logger, problem: Problem) -> None:
    """Log a problem at its severity, carrying the structured record along."""
    level = logging.ERROR if problem.is_error else logging.WARNING
    if problem.severity == "info":
        level = logging.INFO
    logger.log(level, "%s", problem.message(), extra={"problem": problem})


_PATH_IN_MESSAGE = re.compile(r"([\w./\\-]+\.(?:md|markdown|rst|html))")


def problem_from_record(record: logging.LogRecord, root: Path | None = None) -> Problem:
    """Turn any warning or error log record into a Problem row."""
    existing = getattr(record, "problem", None)
    if isinstance(existing, Problem):
        return existing
    if all(hasattr(existing, name) for name in ("file", "field", "problem", "fix")):
        # Another plugin's problem object (plugins do not import each other): same columns.
        return Problem(
            file=str(existing.file), field=str(existing.field), problem=str(existing.problem),
            fix=str(existing.fix), severity=str(getattr(existing, "severity", "warning")),
            line=getattr(existing, "line", None),
        )  # fmt: skip
    message = record.getMessage().strip()
    match = _PATH_IN_MESSAGE.search(message)
    file = match.group(1) if match else "-"
    if root is not None and file != "-":
        with contextlib.suppress(ValueError):
            file = str(Path(file).resolve().relative_to(root))
    severity = "error" if record.levelno >= logging.ERROR else "warning"
    return Problem(
        file=file,
        field="-",
        problem=message.splitlines()[0][:300] if message else record.name,
        fix=" ".join(message.splitlines()[1:])[:300] or "see the message above",
        severity=severity,
    )


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and line, so the worst is read first."""
    return sorted(
        problems,
        key=lambda p: (SEVERITY_ORDER.get(p.severity, 3), p.file, p.line or 0, p.field),
    )


def render_table(problems: list[Problem], title: str = "Content problems") -> None:
    """Print problems as a readable table (no traceback, no log noise)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, width=max(100, Console(stderr=True).width))
    if not problems:
        console.print(f"[green]{title}: none found.[/green]")
        return
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("File", overflow="fold")
    table.add_column("Field", no_wrap=True)
    table.add_column("Problem", overflow="fold")
    table.add_column("How to fix", overflow="fold")
    for problem in sort_problems(problems):
        style = "bold red" if problem.is_error else "yellow"
        table.add_row(
            f"[{style}]{problem.severity}[/{style}]",
            problem.location,
            problem.field,
            problem.problem,
            problem.fix,
        )
    console.print(table)
    errors = sum(p.is_error for p in problems)
    console.print(f"{errors} error(s), {len(problems) - errors} warning(s).")
