"""The Problem record shared with content_guard, so every command prints one table.

content_guard (the lead's plugin) defines ``Problem`` and ``render_table``; when it is
importable we use its class so ``invoke check`` and the strict build can merge our
rows with theirs. Otherwise a dataclass with the same fields stands in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

try:  # pragma: no cover - which branch runs depends on the checkout
    from content_guard.problems import Problem
except ImportError:  # pragma: no cover

    @dataclass(frozen=True, order=True)
    class Problem:  # type: ignore[no-redef]
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


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return errors first, then warnings, each by file and line."""
    return sorted(
        problems,
        key=lambda p: (SEVERITY_ORDER.get(p.severity, 3), p.file, p.line or 0, p.field),
    )


__all__ = ["SEVERITY_ORDER", "Problem", "sort_problems"]
