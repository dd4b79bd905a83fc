"""How problems look on a console: one table, values shown literally, paths never broken.

Every cell is a ``rich.text.Text`` (so ``[/bold]`` or ``[x]`` in a writer's title is shown
as written, never read as console markup) with control characters made visible. Without a
terminal (CI logs) the table is as wide as its longest location needs, so a file path and
line stay on one line and can be searched and copied.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .problems import Problem, Severity
from .text import visible

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "advice"}


def _console(file: TextIO | None, width_needed: int) -> Console:
    file = file or sys.stderr
    probe = Console(file=file)
    if probe.is_terminal:
        return Console(file=file, width=max(100, probe.width))
    # Not a terminal: wide enough that no location wraps; colour only if forced.
    width = max(probe.width, 120, width_needed)  # probe.width honours $COLUMNS
    return Console(file=file, width=width, no_color=True, highlight=False)


def counts(problems: Iterable[Problem]) -> dict[Severity, int]:
    """Return how many problems of each severity there are."""
    result = dict.fromkeys(Severity, 0)
    for problem in problems:
        result[problem.severity] += 1
    return result


def count_line(problems: Iterable[Problem]) -> str:
    """Return ``2 errors, 1 warning, 0 advice`` for a list of problems."""
    numbers = counts(problems)
    parts = []
    for severity in Severity:
        n = numbers[severity]
        word = _WORDS[severity]
        parts.append(f"{n} {word}{'' if n == 1 or severity is Severity.INFO else 's'}")
    return ", ".join(parts)


def print_problems(
    problems: Iterable[Problem], *, title: str = "Problems", file: TextIO | None = None
) -> None:
    """Print problems as one table, worst first, then a count line."""
    rows = sorted(problems, key=Problem.sort_key)
    longest = max((len(p.location) for p in rows), default=20)
    console = _console(file, longest + 100)
    if not rows:
        console.print(Text(f"{title}: none found."), style="green")
        return
    table = Table(title=Text(title), show_lines=True, expand=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("File", no_wrap=True, overflow="ignore", min_width=min(longest, 200))
    table.add_column("Field", no_wrap=True)
    table.add_column("Problem", overflow="fold", ratio=3)
    table.add_column("How to fix", overflow="fold", ratio=3)
    for problem in rows:
        word = _WORDS[problem.severity]
        what = problem.problem + (
            " — the file was left out of the build" if problem.excludes else ""
        )
        table.add_row(
            Text(word, style=_STYLE[problem.severity]),
            Text(visible(problem.location)),
            Text(visible(problem.field)),
            Text(visible(what)),
            Text(visible(problem.fix)),
        )
    console.print(table)
    console.print(Text(count_line(rows)))
