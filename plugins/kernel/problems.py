"""Problems: one type for everything a writer or publisher must fix, and one store per run.

A plugin that finds a problem calls ``report(Problem(...))``. The problem goes into the
current run's ``ProblemStore`` (which the strict build runner, ``invoke check``, the
pre-commit hook and the editor's desk read) and is logged once for humans. Nothing ever
reads a problem back out of log text.

Every problem names a file (a content file, a settings file or a theme template; never
"-"), the line when there is one, the field (a metadata key, ``body``, ``file`` or a setting
name), what is wrong and how to fix it.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

logger = logging.getLogger("sharewell.problems")

# Set on the log records of reported problems, so a log handler that turns stray log
# records into problems (the build runner's) can skip the ones already in the store.
LOG_MARK = "sharewell_problem"


class Severity(enum.StrEnum):
    """How bad a problem is. Errors fail strict builds and publishing; warnings fail strict
    builds; advice (info) is shown on the desk and in reports but never fails anything."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Return 0 for errors, 1 for warnings, 2 for advice (sort worst first)."""
        return _RANK[self]

    @property
    def log_level(self) -> int:
        """Return the logging level a human sees this problem at."""
        return _LEVEL[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_LEVEL = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING}
_LEVEL[Severity.INFO] = logging.INFO


@dataclass(frozen=True)
class Problem:
    """One thing a writer or publisher should fix.

    ``excludes`` marks a problem that kept the file out of the build (the normal build
    leaves the file out rather than publish it wrongly or stop the whole site).
    """

    file: str
    field: str
    problem: str
    fix: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    source: str = ""
    excludes: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if not self.file or not self.field:
            raise ValueError(f"a Problem needs a file and a field: {self!r}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """Return ``file:line`` (or the file alone), the form editors and terminals link."""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def identity(self) -> tuple:
        """Return what makes two reports the same problem (the store keeps one)."""
        return (self.file, self.line, self.field, self.problem, self.severity)

    def sort_key(self) -> tuple:
        """Sort errors first, then by file, line and field, so the worst is read first."""
        return (self.severity.rank, self.file, self.line or 0, self.field, self.problem)

    def message(self) -> str:
        """Return the one-line human message for this problem."""
        left = " (left out of the build)" if self.excludes else ""
        who = f"{self.source}: " if self.source else ""
        return f"{who}{self.location}: {self.field}: {self.problem}{left}. Fix: {self.fix}"

    def as_warning(self, note: str = "") -> Problem:
        """Return this problem downgraded to a warning (drafts: say it, do not block)."""
        if not self.is_error:
            return self
        return replace(self, severity=Severity.WARNING, problem=self.problem + note)

    def as_dict(self) -> dict:
        """Return the problem as JSON-ready data (desk, CI summaries, reports)."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "problem": self.problem,
            "fix": self.fix,
            "severity": str(self.severity),
            "source": self.source,
            "excludes": self.excludes,
        }


@dataclass
class ProblemStore:
    """Every problem of one build (or one pre-commit check), each once, in report order."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, problem: Problem, *, log: bool = True) -> bool:
        """Store a problem (and log it for humans); return False if it was already there."""
        with self._lock:
            if problem.identity in self._seen:
                return False
            self._seen.add(problem.identity)
            self.problems.append(problem)
        if log:
            logger.log(problem.severity.log_level, "%s", problem.message(), extra={LOG_MARK: True})
        return True

    def extend(self, problems: Iterable[Problem], *, log: bool = True) -> None:
        """Store several problems."""
        for problem in problems:
            self.add(problem, log=log)

    def __iter__(self) -> Iterator[Problem]:
        return iter(list(self.problems))

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def failing(self, *, strict: bool) -> list[Problem]:
        """Return the problems that fail a build: errors, and warnings too when strict."""
        ranks = {0, 1} if strict else {0}
        return [p for p in self.problems if p.severity.rank in ranks]

    def for_file(self, file: str) -> list[Problem]:
        """Return the problems of one file (as displayed), worst first."""
        return sorted((p for p in self.problems if p.file == file), key=Problem.sort_key)

    def excluded_files(self) -> list[str]:
        """Return the files the build left out, sorted."""
        return sorted({p.file for p in self.problems if p.excludes})

    def sorted(self) -> list[Problem]:
        """Return every problem, worst first."""
        return sorted(self.problems, key=Problem.sort_key)


class _Current:
    """The store problems are reported into: one per build run.

    A tool that builds (the strict runner, the desk task) starts a store with
    ``new_run()`` before it runs Pelican and reads it afterwards. ``begin_run()``, called by
    the kernel at the start of every Pelican run, starts a fresh store unless a tool already
    started one for this run, so ``pelican -r`` (autoreload) gets one store per rebuild.
    """

    def __init__(self) -> None:
        self.store = ProblemStore()
        self.claimed = False

    def new_run(self) -> ProblemStore:
        self.store, self.claimed = ProblemStore(), False
        return self.store

    def begin_run(self) -> ProblemStore:
        if self.claimed:
            self.store = ProblemStore()
        self.claimed = True
        return self.store


_current = _Current()


def current_store() -> ProblemStore:
    """Return the store of the build that is running (or about to run)."""
    return _current.store


def new_run() -> ProblemStore:
    """Start a fresh store for the next build and return it (tools call this)."""
    return _current.new_run()


def begin_run() -> ProblemStore:
    """Mark the start of a Pelican run (kernel.runs calls this)."""
    return _current.begin_run()


def report(problem: Problem) -> None:
    """Report a problem: store it in the current run's store and log it for humans."""
    _current.store.add(problem)


def report_all(problems: Iterable[Problem]) -> None:
    """Report several problems."""
    for problem in problems:
        report(problem)


@contextlib.contextmanager
def isolated(file: str, source: str, doing: str, *, excludes: bool = False) -> Iterator[None]:
    """Turn an exception inside the block into a problem of ``file`` instead of a crash.

    For a plugin's per-file work (enriching, drawing, exporting, indexing): one file that
    breaks it costs that file's part only. ``doing`` says what failed ("make the share
    text"); the traceback goes to the debug log for developers, never to writers.
    """
    try:
        yield
    except Exception as error:
        logger.debug("%s: %s failed for %s", source, doing, file, exc_info=True)
        report(
            Problem(
                file, "file",
                f"{source} could not {doing} ({error.__class__.__name__}: "
                f"{' '.join(str(error).split())[:300]})",
                "send this file to a developer (everything else was built)",
                source=source, excludes=excludes,
            )
        )  # fmt: skip
