"""Pre-commit content hook: ``python -m tools.precommit FILE...``.

Checks staged Markdown files with the same rules as the build — every configured plugin's
``check_source``, asked through the kernel — and prints one table. Exits 1 on any error
(``--strict``: on any problem). A draft's problems are warnings, so work in progress can be
committed; a draft is checked again, as errors, once ``Status: draft`` is removed.

Settings (reviewers, limits, SITEURL) come from ``--settings``, else publishconf.py, else
pelicanconf.py, in the current folder; "today" is the kernel's (SHAREWELL_TODAY).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kernel import console
from kernel.problems import Problem
from kernel.sources import check_file

from tools.site import load_settings, register_plugins

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}


def check_files(paths: Iterable[Path], settings: Mapping[str, Any]) -> list[Problem]:
    """Check each Markdown file given (others are ignored) and return every problem."""
    register_plugins(settings)
    found: list[Problem] = []
    for path in paths:
        if path.suffix.lower() in MARKDOWN_SUFFIXES and (path.is_file() or path.is_symlink()):
            found += check_file(path, settings)
    return found


def main(argv: list[str] | None = None) -> int:
    """Check the files named on the command line; exit 1 on errors."""
    parser = argparse.ArgumentParser(prog="python -m tools.precommit", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-s", "--settings", type=Path, help="Pelican settings file")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    args = parser.parse_args(argv)
    files = [f for f in args.files if f.suffix.lower() in MARKDOWN_SUFFIXES]
    if not files:
        return 0
    settings = load_settings(settings_file=args.settings)
    found = check_files(files, settings)
    if found:
        console.print_problems(found, title="Content problems in staged files")
    failed = any(p.is_error for p in found) or (args.strict and bool(found))
    if failed:
        print("Fix the problems above, `git add` the files again, then commit.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
