"""Nightly clinical-review alert: ``python -m tools.workflow.review_alert --days 30``.

Reads the CSV that ``invoke review-report`` writes (``review-report.csv``: file, title,
reviewer, last_reviewed, next_review, days_left, status) and lists every health article
whose review is overdue, was never done, or falls due within ``--days`` days. It prints
that list as Markdown, writes it to ``--body`` (the text of the GitHub issue the nightly
workflow opens or updates), sets ``due=<count>`` in ``$GITHUB_OUTPUT`` and exits 1 when
the list is not empty, so the nightly run fails loudly. Exit 2: the CSV is missing.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

URGENT = {"overdue", "unreviewed"}
ISSUE_TITLE = "Clinical reviews overdue or due within {days} days"


def due_rows(rows: list[dict[str, str]], days: int) -> list[dict[str, str]]:
    """Return rows that are overdue, unreviewed or due within ``days``, most urgent first."""
    found = []
    for row in rows:
        raw = (row.get("days_left") or "").strip()
        left = int(raw) if raw.lstrip("-").isdigit() else None
        if row.get("status") in URGENT or (left is not None and left <= days):
            found.append(row)
    return sorted(found, key=lambda r: (r.get("days_left") not in ("", None), _int(r), r["file"]))


def _int(row: dict[str, str]) -> int:
    raw = (row.get("days_left") or "").strip()
    return int(raw) if raw.lstrip("-").isdigit() else -(10**6)


def when(row: dict[str, str]) -> str:
    """Return "overdue by 12 days", "due in 3 days", "due today" or "never reviewed"."""
    raw = (row.get("days_left") or "").strip()
    if not raw.lstrip("-").isdigit():
        return "never reviewed"
    left = int(raw)
    if left < 0:
        return f"overdue by {-left} day{'s' if left != -1 else ''}"
    if left == 0:
        return "due today"
    return f"due in {left} day{'s' if left != 1 else ''}"


def issue_body(rows: list[dict[str, str]], days: int, run_url: str = "") -> str:
    """Return the Markdown body of the alert issue."""
    lines = [
        f"## {ISSUE_TITLE.format(days=days)}",
        "",
        (
            f"{len(rows)} health article(s) need a clinical review. For each one: ask the "
            "reviewer to re-check the whole page against its sources, then update "
            "`last_reviewed` (and `next_review` if it is set) in the file."
        ),
        "",
        "| When | Next review | Title | Reviewer | File |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [when(row), row.get("next_review") or "-", row.get("title", ""),
                 row.get("reviewer") or "-", f"`{row['file']}`"]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if run_url:
        lines += ["", f"Found by the nightly build: {run_url}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the alert; exit 1 when reviews are due, 2 when the report is missing."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.workflow.review_alert", description=__doc__
    )
    parser.add_argument("--csv", type=Path, default=Path("review-report.csv"))
    parser.add_argument("--days", type=int, default=30, help="due within this many days")
    parser.add_argument("--body", type=Path, help="write the issue body here")
    parser.add_argument("--run-url", default="", help="link to the workflow run")
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(
            f"review_alert: {args.csv} not found: run `invoke review-report` first", file=sys.stderr
        )
        return 2
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = due_rows(list(csv.DictReader(handle)), args.days)
    body = issue_body(rows, args.days, args.run_url)
    if args.body:
        args.body.write_text(body, encoding="utf-8")
    if os.environ.get("GITHUB_OUTPUT"):
        with Path(os.environ["GITHUB_OUTPUT"]).open("a", encoding="utf-8") as handle:
            handle.write(f"due={len(rows)}\ntitle={ISSUE_TITLE.format(days=args.days)}\n")
    if not rows:
        print(f"review_alert: no clinical review is overdue or due within {args.days} days.")
        return 0
    print(body)
    print(f"::error::{len(rows)} clinical review(s) overdue or due within {args.days} days")
    return 1


if __name__ == "__main__":
    sys.exit(main())
