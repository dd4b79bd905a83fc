"""List scheduled articles: ``python -m scheduling [content/] [--today YYYY-MM-DD] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .clock import TodayError, get_today, parse_day
from .listing import find_scheduled, render_scheduled


def _settings(args: argparse.Namespace) -> dict:
    """Return the Pelican settings (for TIMEZONE and SHAREWELL_TODAY), or none."""
    if not args.settings.is_file():
        return {}
    from pelican.settings import read_settings

    return read_settings(str(args.settings))


def main(argv: list[str] | None = None) -> int:
    """Print the scheduled articles (table or JSON); exit 2 on a bad date."""
    parser = argparse.ArgumentParser(prog="python -m scheduling", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("content/articles")])
    parser.add_argument("--today", help="pretend today is YYYY-MM-DD (default: SHAREWELL_TODAY)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "-s", "--settings", type=Path, default=Path("pelicanconf.py"), help="for TIMEZONE"
    )
    args = parser.parse_args(argv)
    try:
        today = parse_day(args.today, "--today") if args.today else get_today(_settings(args))
    except TodayError as error:
        print(error, file=sys.stderr)
        return 2
    items = find_scheduled(args.paths, today)
    if args.json:
        rows = [item.as_dict() for item in items]
        print(json.dumps({"today": today.isoformat(), "scheduled": rows}, indent=2))
    else:
        render_scheduled(items, today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
