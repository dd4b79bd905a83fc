"""Build the site and report every problem as one table: ``python -m tools.build``.

``pelican --fatal warnings`` stops at the first warning with a traceback; writers need every
problem at once, in words. This runner builds with Pelican in process, reads the kernel's
problem store (every plugin reports there), turns anything else Pelican logs into a problem
naming a file, prints one table and exits non-zero when the build is not clean (``--strict``:
any warning; otherwise: any error).

It is quiet: one line per phase (reading, writing, cards, search), the table, and a summary
with the counts and where the site is (``tools.build_progress``). ``-v`` adds Pelican's own
log (a line per file written); ``-q`` leaves out the phase lines.

With ``--atomic`` (the default for configs that delete their output, like publishconf.py)
the site is built into a sibling folder and swapped in only when the build succeeded, so a
failed publish build never destroys the last good output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import console, contents, problems
from kernel.clock import DateError
from kernel.problems import Problem, ProblemStore, Severity
from kernel.settings import SettingsError

from tools.build_progress import BuildStats, Progress, summary_lines


class StrayRecords(logging.Handler):
    """Turn warnings Pelican (or a library) logs into problems; skip reported problems."""

    def __init__(self, store: ProblemStore, settings_file: Path) -> None:
        super().__init__(level=logging.WARNING)
        self.store = store
        self.settings_file = settings_file
        self.settings: dict[str, Any] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, problems.LOG_MARK, False):
            return
        problem = self.problem(record)
        if problem is not None:
            self.store.add(problem, log=False)

    def _content_file(self, name: object) -> str:
        path = Path(str(name))
        if not path.is_absolute():
            path = Path(self.settings.get("PATH") or ".") / path
        return contents.display_path(path, self.settings) if self.settings else str(name)

    def problem(self, record: logging.LogRecord) -> Problem | None:
        """Return the problem a stray log record stands for (None: already reported)."""
        severity = Severity.ERROR if record.levelno >= logging.ERROR else Severity.WARNING
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg == "Could not process %s" and args:
            file = self._content_file(args[0])
            if any(p.file == file and p.excludes for p in self.store):
                return None  # content_guard already said why, and left the file out
            reason = record.exc_info[1] if record.exc_info else None
            why = f" ({reason})" if reason else ""  # never "see the log": there is none
            return Problem(
                file, "file", f"Pelican could not read this file{why}",
                "check the metadata lines at the top of the file", severity=Severity.ERROR,
                source="pelican", excludes=True,
            )  # fmt: skip
        message = " ".join(record.getMessage().split())[:500]
        return Problem(
            self.settings_file.name, "build", message or record.name,
            "a developer message from Pelican or a library: if it names a content file, check "
            "that file; otherwise report it to the developers",
            severity=severity, source=record.name.split(".")[0],
        )  # fmt: skip


@dataclass
class BuildResult:
    """What one build did: its exit code, every problem and where the site is."""

    code: int
    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None
    seconds: float = 0.0
    stats: BuildStats | None = None  # counts per phase (None: the build did not start)

    @property
    def excluded(self) -> list[str]:
        return sorted({p.file for p in self.problems if p.excludes})


def _settings_problem(settings_file: Path, error: Exception) -> Problem:
    if isinstance(error, SettingsError):
        return Problem(
            settings_file.name, error.key,
            f"the setting has a value that cannot be used: {error.why}",
            f"change {error.key} in {settings_file.name} (see the plugin's README for its values)",
            source="settings",
        )  # fmt: skip
    if isinstance(error, DateError):
        return Problem(
            settings_file.name, "SHAREWELL_TODAY", f"{error.value!r} {error.reason}", error.fix,
            source="settings",
        )  # fmt: skip
    return Problem(
        settings_file.name, "build",
        f"the build stopped: {error.__class__.__name__}: {' '.join(str(error).split())[:400]}",
        "this is a bug or a broken setting, not a problem in one article: report it to the "
        "developers (`pelican --debug` shows the details)",
        source="build",
    )  # fmt: skip


def run_build(
    settings_file: Path,
    *,
    output: Path | None = None,
    strict: bool = False,
    atomic: bool | None = None,
    override: dict | None = None,
    quiet: bool = False,
    verbose: bool = False,
    show_table: bool = True,
) -> BuildResult:
    """Build once and return the result; never raises for content or settings problems.

    Prints a line per phase (not with ``quiet``), the problem table and a summary to stderr;
    ``verbose`` adds Pelican's log.
    """
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(level=logging.INFO if verbose else logging.WARNING, fatal="")
    progress = Progress(None if quiet else _say)
    stats: BuildStats | None = None
    store = problems.new_run()
    handler = StrayRecords(store, settings_file)
    logging.getLogger().addHandler(handler)
    started = time.perf_counter()
    final_output: Path | None = output.resolve() if output else None
    build_dir = final_output
    explicit_private = False
    pelican_settings: dict[str, Any] = {}
    try:
        try:
            pelican_settings = read_settings(str(settings_file), override=override or {})
            handler.settings = pelican_settings
            explicit_private = bool(pelican_settings.get(contents.PRIVATE_KEY))
            final_output = Path(output or pelican_settings["OUTPUT_PATH"]).resolve()
            if atomic is None:
                atomic = bool(pelican_settings.get("DELETE_OUTPUT_DIRECTORY"))
            build_dir = final_output
            if atomic:
                final_output.parent.mkdir(parents=True, exist_ok=True)
                build_dir = Path(
                    tempfile.mkdtemp(prefix=f".{final_output.name}.new-", dir=final_output.parent)
                )
            pelican_settings["OUTPUT_PATH"] = str(build_dir)
            with _quiet_pelican(not verbose), progress.watching() as stats:
                Pelican(pelican_settings).run()
            progress.after_run(pelican_settings)
        except Exception as error:  # every crash becomes a row, never a traceback
            store.add(_settings_problem(settings_file, error), log=False)
    finally:
        logging.getLogger().removeHandler(handler)
    found = store.sorted()
    failed = bool(store.failing(strict=strict))
    if atomic and build_dir is not None and final_output is not None:
        _settle(build_dir, final_output, keep=not failed, with_private=not explicit_private)
    if pelican_settings and final_output and not (atomic and failed) and final_output.is_dir():
        _record(pelican_settings, final_output)
    result = BuildResult(
        1 if failed else 0, found, final_output, time.perf_counter() - started, stats
    )
    _print_end(result, settings_file, atomic=bool(atomic), show_table=show_table)
    return result


def _settle(build_dir: Path, final: Path, *, keep: bool, with_private: bool) -> None:
    """Swap an atomic build in (``keep``) or throw it away, with its private folder."""
    pairs = [(build_dir, final)]
    if with_private:
        # The private folder follows the output (a sibling), so it is swapped in with it.
        pairs.append(
            (
                contents.private_folder({"OUTPUT_PATH": build_dir}),
                contents.private_folder({"OUTPUT_PATH": final}),
            )
        )
    for new, old in pairs:
        if not keep:
            shutil.rmtree(new, ignore_errors=True)
        elif new.exists():
            _swap_in(new, old)


def _print_end(result: BuildResult, settings_file: Path, *, atomic: bool, show_table: bool) -> None:
    """Print the problem table and the summary (the result's data is printed, never parsed)."""
    if result.problems and show_table:
        console.print_problems(result.problems, title="Build problems")
    lines = summary_lines(
        ok=not result.code, settings_name=settings_file.name, output=result.output,
        seconds=result.seconds, problems=result.problems, excluded=result.excluded,
        stats=result.stats, kept_previous=bool(result.code and atomic),
    )  # fmt: skip
    for line in lines:
        _say(line)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _quiet_pelican(quiet: bool) -> Iterator[None]:
    """Without -v: no log lines (every warning is in the table) and no "Done: Processed"."""
    from pelican.log import DEFAULT_LOG_HANDLER
    from pelican.log import console as pelican_console

    if not quiet:
        yield
        return
    level, was_quiet = DEFAULT_LOG_HANDLER.level, pelican_console.quiet
    DEFAULT_LOG_HANDLER.setLevel(logging.CRITICAL + 1)
    pelican_console.quiet = True
    try:
        yield
    finally:
        DEFAULT_LOG_HANDLER.setLevel(level)
        pelican_console.quiet = was_quiet


def _record(settings: dict[str, Any], output: Path) -> None:
    """Write which origins this build baked in, for the local server (tools.devserver)."""
    from tools.devserver import BUILD_INFO

    origins = [
        str(settings.get(key) or "").rstrip("/")
        for key in ("SITEURL", "FEED_DOMAIN")
        if str(settings.get(key) or "").startswith(("http://", "https://"))
    ]
    private = contents.private_folder({**settings, "OUTPUT_PATH": str(output)})
    record = {"output": str(output), "origins": sorted(set(origins))}
    # Unwritable: the local server then reads the home page's canonical link instead.
    with contextlib.suppress(OSError):
        private.mkdir(parents=True, exist_ok=True)
        (private / BUILD_INFO).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` with two renames; the old tree goes last."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{time.time_ns()}")
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def parse_override(pairs: list[str]) -> dict:
    """Return ``KEY=VALUE`` pairs as settings (values read as JSON when they are JSON)."""
    override = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            override[key] = json.loads(raw)
        except json.JSONDecodeError:
            override[key] = raw
    return override


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__)
    parser.add_argument("-s", "--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("--atomic", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per phase")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="Pelican's log too (a line per file)"
    )
    parser.add_argument(
        "--problems-json", type=Path, metavar="FILE",
        help="also write every problem as JSON (for CI summaries and tests)",
    )  # fmt: skip
    parser.add_argument(
        "-e", "--extra-settings", nargs="*", default=[], metavar="KEY=VALUE",
        help="override settings (values parsed as JSON when possible)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not args.settings.exists():
        print(f"No settings file {args.settings}", file=sys.stderr)
        return 2
    result = run_build(
        args.settings, output=args.output, strict=args.strict, atomic=args.atomic,
        override=parse_override(args.extra_settings), quiet=args.quiet, verbose=args.verbose,
    )  # fmt: skip
    if args.problems_json:
        args.problems_json.write_text(
            json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return result.code


if __name__ == "__main__":
    sys.exit(main())
