"""The pre-commit content hook: check only the Markdown files given, fast, without a build.

``python plugins/content_guard/precommit.py FILE...`` (what .pre-commit-config.yaml runs)
or ``python -m content_guard.precommit FILE...`` checks each file's metadata header
(content_guard), summary length, image alt text, care cards, review dates, reviewer and
sources (health_review's pure checks, when that plugin is present) and share-text limits
(share_snippets' own counting, when present). It prints the same file / field / problem /
fix table as ``invoke check`` and exits 1 when any problem is an error (``--strict``: any
problem at all). Settings (reviewers, limits, SITEURL) come from publishconf.py, else
pelicanconf.py, in the current folder; "today" from SHAREWELL_TODAY (see scheduling).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a file: import from plugins/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from content_guard.metadata import PELICAN_KEYS, PLUGIN_KEYS, check_header, read_header
from content_guard.problems import Problem, render_table

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}
SUMMARY_MAX = 160
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*[\(\[]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEALTH_KEYS = ("content_type", "audience", "last_reviewed", "next_review", "reviewed_by")


def load_settings(folder: Path | None = None, settings_file: Path | None = None) -> dict:
    """Return Pelican settings from ``settings_file``, else publishconf.py / pelicanconf.py."""
    from pelican.settings import read_settings

    folder = folder or Path.cwd()
    candidates = [settings_file] if settings_file else []
    candidates += [folder / "publishconf.py", folder / "pelicanconf.py"]
    for candidate in candidates:
        if candidate and candidate.is_file():
            return read_settings(str(candidate))
    return read_settings(None)


def _today(settings: Mapping[str, Any]) -> dt.date:
    try:
        from scheduling.clock import get_today
    except ImportError:  # pragma: no cover - scheduling ships with the site
        return dt.datetime.now(dt.UTC).date()
    return get_today(settings)


def _body(text: str) -> tuple[int, list[str]]:
    """Return (first body line number, body lines) after the metadata header."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    return start + 1, lines[start:]


def check_summary(values: Mapping[str, str], display: str, line: int | None, maximum: int):
    """Return a problem for a missing (warning) or too long (error) summary."""
    summary = " ".join(re.sub(r"<[^>]+>", "", values.get("summary", "")).split())
    if not summary:
        fix = f"add `Summary:` — one plain sentence of at most {maximum} characters"
        return [Problem(display, "summary", "the article has no summary", fix, "warning", line)]
    if len(summary) > maximum:
        return [
            Problem(
                display,
                "summary",
                f"the summary is {len(summary)} characters long (at most {maximum})",
                f"cut {len(summary) - maximum} characters: search results and share "
                "previews cut it off",
                "error",
                line,
            )
        ]
    return []


def check_alt_text(text: str, values: Mapping[str, str], display: str, lines: dict) -> list:
    """Return an error for `image` without `image_alt` and for each `![](...)` with no alt."""
    problems = []
    if values.get("image", "").strip() and not values.get("image_alt", "").strip():
        problems.append(
            Problem(
                display,
                "image_alt",
                "`image` is set but `image_alt` is missing",
                "add `image_alt:` describing the picture for people who cannot see it",
                "error",
                lines.get("image"),
            )
        )
    first, body = _body(text)
    in_fence = False
    for offset, line in enumerate(body):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for match in _IMAGE.finditer(re.sub(r"`[^`]*`", "", line)):
            if not match["alt"].strip():
                problems.append(
                    Problem(
                        display,
                        "image",
                        "an image in the text has no alt text",
                        "describe the image in the brackets: `![A bandage on a forearm](...)`",
                        "error",
                        first + offset,
                    )
                )
    return problems


def check_health(text: str, values: Mapping[str, str], display: str, settings, today):
    """Return health_review's review-date, reviewer and sources problems (if installed)."""
    try:
        from health_review.checks import check_care_cards, check_review_dates
        from health_review.config import get_settings
        from health_review.metadata import header_lines, parse_review
    except ImportError:
        return []
    config = get_settings(settings)
    lines = header_lines(text)
    problems = list(check_care_cards(text, display))
    review = parse_review(
        dict(values),
        config,
        display_path=display,
        lines=lines,
        timezone=settings.get("TIMEZONE"),
        generic_checks=False,  # content_guard's header check already says those
    )
    problems += review.problems
    problems += check_review_dates(review, today, config["HEALTH_REVIEW_WARN_DAYS"], display, lines)
    return problems


def check_share_text(values: Mapping[str, str], display: str, lines: dict, settings, path: Path):
    """Return an error for each share text that does not fit its network with the link."""
    overrides = {k: v for k, v in values.items() if k.startswith("share_text") and v.strip()}
    if not overrides:
        return []
    try:
        from share_snippets.compose import fit, strip_markup
        from share_snippets.networks import NETWORKS
        from share_snippets.share_snippets import get_settings
    except ImportError:
        return []
    config = get_settings(settings)
    slug = values.get("slug") or path.stem
    canonical = f"{settings.get('SITEURL', '').rstrip('/')}/{path.parent.name}/{slug}/"
    problems = []
    for key in config["SHARE_SNIPPETS_NETWORKS"]:
        field = f"share_text_{key}" if f"share_text_{key}" in overrides else "share_text"
        if field not in overrides:
            continue
        net = NETWORKS[key]
        if net.rule.limit is None:
            continue
        url = f"{canonical}?utm_source={key}&utm_medium=social&utm_campaign={slug}"
        via = config["SHARE_SNIPPETS_X_VIA"] if key == "x" else ""
        url = f"{url} via @{via}" if via else url
        text = strip_markup(overrides[field])
        post = fit(text, "", (), url, net.rule)
        if post.trimmed and post.title != text:
            length = net.rule.counter(f"{text}\n\n{url}")
            problems.append(
                Problem(
                    display,
                    field,
                    f"share text is {length} characters on {net.label} with the link "
                    f"(limit {net.rule.limit}), so it would be cut",
                    f"shorten it by {length - net.rule.limit} characters, or add a shorter "
                    f"`share_text_{key}:` for {net.label}",
                    "error",
                    lines.get(field),
                )
            )
    return problems


def check_text(
    text: str,
    display: str,
    *,
    settings: Mapping[str, Any],
    is_article: bool = True,
    header: bool = True,
    path: Path | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """Return every problem in one Markdown file's text (header=False: skip the header check)."""
    parsed = read_header(text)
    values, lines = parsed.values, parsed.lines
    path = path or Path(display)
    today = today or _today(settings)
    problems: list[Problem] = []
    if header:
        extra = frozenset(k.lower() for k in settings.get("CONTENT_GUARD_KNOWN_KEYS") or [])
        problems += check_header(
            path,
            parsed,
            display_path=display,
            is_article=is_article,
            known_keys=PELICAN_KEYS | PLUGIN_KEYS | extra,
        )
    if is_article:
        maximum = int(settings.get("HEALTH_REVIEW_SUMMARY_MAX") or SUMMARY_MAX)
        if "WRITE ONE SENTENCE" not in values.get("summary", ""):  # content_guard says that
            problems += check_summary(values, display, lines.get("summary"), maximum)
    problems += check_alt_text(text, values, display, lines)
    if is_article or any(key in values for key in _HEALTH_KEYS):
        health = check_health(text, values, display, settings, today)
        if values.get("status", "").strip().lower() == "draft":
            # Work in progress may be committed: say what is missing, do not block.
            health = [
                replace(p, severity="warning", problem=f"{p.problem} (fix before publishing)")
                if p.is_error
                else p
                for p in health
            ]
        problems += health
    problems += check_share_text(values, display, lines, settings, path)
    return problems


def check_files(
    paths: Iterable[Path], settings: Mapping[str, Any], today: dt.date | None = None
) -> list[Problem]:
    """Check each Markdown file given (others are ignored) and return all problems."""
    today = today or _today(settings)
    problems: list[Problem] = []
    for path in paths:
        if path.suffix not in MARKDOWN_SUFFIXES or not path.is_file():
            continue
        display = path.as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(display, "-", "the file is not UTF-8 text", "save it as UTF-8", "error")
            )
            continue
        is_article = "pages" not in path.parts
        problems += check_text(
            text, display, settings=settings, is_article=is_article, path=path, today=today
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the files named on the command line; exit 1 on errors."""
    parser = argparse.ArgumentParser(prog="content_guard.precommit", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-s", "--settings", type=Path, help="Pelican settings file")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    args = parser.parse_args(argv)
    files = [f for f in args.files if f.suffix in MARKDOWN_SUFFIXES]
    if not files:
        return 0
    settings = load_settings(settings_file=args.settings)
    problems = check_files(files, settings)
    if problems:
        render_table(problems, title="Content problems in staged files")
    failed = any(p.is_error for p in problems) or (args.strict and bool(problems))
    if failed:
        print("Fix the problems above, `git add` the files again, then commit.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
