"""Build the site and report every warning as a table: ``python -m content_guard.build``.

``pelican --fatal warnings`` stops at the first warning with a traceback; writers
need all the problems at once, in words. This runner builds with Pelican in
process, collects every warning and error, prints them as one table and exits
non-zero when the build is not clean (strict) or has errors.

With ``--atomic`` (the default for configs that delete their output, like
publishconf.py) the site is built into a sibling directory and swapped in only
when the build succeeded, so a failed publish build never destroys the last good
output.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .problems import Problem, problem_from_record, render_table


class ProblemCollector(logging.Handler):
    """Keep every warning and error logged during a build."""

    def __init__(self, root: Path) -> None:
        super().__init__(level=logging.WARNING)
        self.root = root
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(problem_from_record(record, self.root))


def _parse_override(pairs: list[str]) -> dict:
    override = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            override[key] = json.loads(raw)
        except json.JSONDecodeError:
            override[key] = raw
    return override


def run_build(
    settings_file: Path,
    *,
    output: Path | None = None,
    strict: bool = False,
    atomic: bool | None = None,
    override: dict | None = None,
    quiet: bool = False,
) -> tuple[int, list[Problem]]:
    """Build once; return (exit code, problems). Never raises for content errors."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(level=logging.WARNING if quiet else logging.INFO, fatal="")
    root = settings_file.resolve().parent
    collector = ProblemCollector(root)
    logging.getLogger().addHandler(collector)
    started = time.perf_counter()
    try:
        settings = read_settings(str(settings_file), override=override or {})
        final_output = Path(output or settings["OUTPUT_PATH"]).resolve()
        if atomic is None:
            atomic = bool(settings.get("DELETE_OUTPUT_DIRECTORY"))
        build_dir = final_output
        if atomic:
            final_output.parent.mkdir(parents=True, exist_ok=True)
            build_dir = Path(
                tempfile.mkdtemp(prefix=f".{final_output.name}.new-", dir=final_output.parent)
            )
        settings["OUTPUT_PATH"] = str(build_dir)
        try:
            Pelican(settings).run()
        except Exception as error:  # report any crash as a row, not a traceback
            collector.problems.append(
                Problem(
                    "-",
                    "-",
                    f"the build stopped: {error.__class__.__name__}: {error}",
                    "fix the problem named above, then build again; "
                    "`pelican --debug` shows the full traceback for developers",
                    "error",
                )
            )
    finally:
        logging.getLogger().removeHandler(collector)

    problems = collector.problems
    failed = any(p.is_error for p in problems) or (strict and problems)
    if atomic:
        if failed:
            shutil.rmtree(build_dir, ignore_errors=True)
        else:
            _swap_in(build_dir, final_output)
    if problems:
        render_table(problems, title="Build problems")
    elapsed = time.perf_counter() - started
    verdict = "FAILED" if failed else "ok"
    summary = f"build {verdict}: {settings_file.name} -> {final_output} in {elapsed:.1f} s"
    print(summary, file=sys.stderr)
    if failed and atomic:
        print(f"The previous output in {final_output} was left untouched.", file=sys.stderr)
    return (1 if failed else 0), problems


def _swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` with two renames; the old tree goes last."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{time.time_ns()}")
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m content_guard.build", description=__doc__)
    parser.add_argument("-s", "--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("--atomic", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument(
        "-e",
        "--extra-settings",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="override settings (values parsed as JSON when possible)",
    )
    args = parser.parse_args(argv)
    if not args.settings.exists():
        print(f"No settings file {args.settings}", file=sys.stderr)
        return 2
    code, _ = run_build(
        args.settings,
        output=args.output,
        strict=args.strict,
        atomic=args.atomic,
        override=_parse_override(args.extra_settings),
        quiet=args.quiet,
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
