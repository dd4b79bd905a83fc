"""Write the pull request's job summary: ``python -m tools.workflow.ci_summary --base origin/main``.

One Markdown document (appended to ``$GITHUB_STEP_SUMMARY`` in Actions, else printed):
the verdict of ``invoke check`` and the publish build, the articles added or changed
(``git diff`` against the base branch), the problems found in them with file and fix
(the pre-commit content checks), the card each changed article got in the built site,
and the scheduled articles with the day each goes live.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kernel.problems import Problem

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}
CHANGE_WORDS = {"A": "added", "M": "changed", "R": "renamed", "C": "copied", "D": "deleted"}
OUTCOME_ICONS = {"success": "✅ passed", "failure": "❌ failed", "cancelled": "⏹ cancelled"}
_OG_IMAGE = re.compile(
    r"""<meta\s+[^>]*property=["']og:image["'][^>]*content=["']([^"']+)["']""", re.IGNORECASE
)


@dataclass(frozen=True)
class Change:
    """One content file the pull request touches."""

    change: str  # added | changed | renamed | copied | deleted
    path: str


def parse_name_status(text: str) -> list[Change]:
    """Parse ``git diff --name-status`` output (renames keep the new path)."""
    changes = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0]:
            continue
        word = CHANGE_WORDS.get(parts[0][0], "changed")
        changes.append(Change(word, parts[-1]))
    return changes


def changed_content(base: str, head: str = "HEAD", cwd: Path | None = None) -> list[Change]:
    """Return Markdown files under content/ changed between ``base`` and ``head``."""
    result = subprocess.run(
        ["git", "diff", "--name-status", "--no-renames", f"{base}...{head}", "--", "content"],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip() or f"git diff {base}...{head} failed")
    return [c for c in parse_name_status(result.stdout) if Path(c.path).suffix in MARKDOWN_SUFFIXES]


def cell(value: object) -> str:
    """Return text safe inside a Markdown table cell."""
    return " ".join(str(value).replace("|", "\\|").split()) or " "


def table(headers: list[str], rows: list[list[object]]) -> str:
    """Return a GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def article_info(path: Path, today) -> dict[str, str]:
    """Return title, URL path and publishing state of one article file."""
    from kernel.header import read_header

    from tools.scheduled import scheduled_item

    text = path.read_text(encoding="utf-8")
    values = read_header(text).values
    slug = values.get("slug") or path.stem
    is_page = "pages" in path.parts
    url = f"{slug}/" if is_page else f"{path.parent.name}/{slug}/"
    state = (values.get("status") or "published").lower()
    item = None if is_page else scheduled_item(path, text, today, Path.cwd())
    if item is not None:
        state = f"scheduled: goes live {item.goes_live or 'when it has a date'}"
    return {"title": values.get("title", path.stem), "url": url, "state": state}


def merge_problems(first: list, second: list) -> list:
    """Return both lists without repeats (same file, field and problem)."""
    seen, merged = set(), []
    for problem in [*first, *second]:
        key = (problem.file.removeprefix("./"), problem.field, problem.problem)
        if key not in seen:
            seen.add(key)
            merged.append(problem)
    return merged


def collect_build_problems(settings_file: Path) -> list:
    """Build strictly into a temporary folder and return every problem it logged."""
    import tempfile

    from tools.build import run_build

    with tempfile.TemporaryDirectory(prefix="ci-summary-") as tmp:
        result = run_build(
            settings_file, output=Path(tmp) / "site", strict=True, atomic=False, quiet=True
        )
    return result.problems


def card_for(site: Path, url: str) -> str | None:
    """Return the og:image URL written into the built page at ``url``, if any."""
    page = site / url / "index.html"
    if not page.is_file():
        return None
    match = _OG_IMAGE.search(page.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def render_summary(
    changes: list[Change],
    *,
    site: Path,
    settings: dict,
    today,
    check: str = "",
    build: str = "",
    diff_error: str = "",
    build_problems: list | None = None,
    artifact_url: str = "",
) -> str:
    """Return the whole job summary as Markdown."""
    from tools.precommit import check_files
    from tools.scheduled import find_scheduled, markdown_table

    out = ["## Sharewell: checks for this pull request", ""]
    verdicts = [(name, o) for name, o in (("`invoke check`", check), ("publish build", build)) if o]
    if verdicts:
        out += [table(["Step", "Result"], [[n, OUTCOME_ICONS.get(o, o)] for n, o in verdicts]), ""]

    out += ["### Articles added or changed", ""]
    live = [c for c in changes if c.change != "deleted" and Path(c.path).is_file()]
    infos = {c.path: article_info(Path(c.path), today) for c in live}
    if diff_error:
        out += [f"Could not compare with the base branch: {cell(diff_error)}", ""]
    elif changes:
        rows = [
            [c.change, infos.get(c.path, {}).get("title", "-"), f"`{c.path}`",
             infos.get(c.path, {}).get("state", "removed")]
            for c in changes
        ]  # fmt: skip
        out += [table(["Change", "Title", "File", "State"], rows), ""]
    else:
        out += ["No content files changed.", ""]

    out += ["### Problems found", ""]
    problems = merge_problems(
        check_files([Path(c.path) for c in live], settings), build_problems or []
    )
    if problems:
        rows = [[str(p.severity), f"`{p.location}`", p.field, p.problem, p.fix]
                for p in sorted(problems, key=Problem.sort_key)]  # fmt: skip
        out += [table(["Severity", "File", "Field", "Problem", "How to fix"], rows), ""]
    else:
        where = "the changed files" + (" or the build" if build_problems is not None else "")
        out += [f"None in {where}.", ""]
    if check == "failure":
        out += ["`invoke check` failed: its log names every problem (lint, tests, builds).", ""]

    out += ["### Cards rendered", ""]
    card_rows = []
    for c in live:
        info = infos[c.path]
        if info["state"].startswith("scheduled"):
            card_rows.append(
                [info["title"], "prepared privately (scheduled): see scheduled-preview"]
            )
            continue
        image = card_for(site, info["url"])
        name = image.rsplit("/", 1)[-1] if image else ""
        found = name and any(site.rglob(name))
        card_rows.append([info["title"], f"`{name}`" if found else (image or "no card found")])
    total = len(list((site / "og").glob("*.*"))) if (site / "og").is_dir() else 0
    if artifact_url:
        out += [f"Download the built site to look at every page and card: {artifact_url}", ""]
    if card_rows:
        out += [table(["Article", "Card (in the site artifact)"], card_rows), ""]
    out += [f"{total} card image(s) in the built site.", ""]

    out += ["### Scheduled articles", ""]
    scheduled = find_scheduled([Path("content/articles")], today)
    out += [markdown_table(scheduled) or "None.", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Write the summary; never fails the job for its own sake (exit 0)."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.workflow.ci_summary", description=__doc__
    )
    parser.add_argument("--base", default="origin/main", help="base branch ref to diff against")
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--site", type=Path, default=Path("output"), help="the built site")
    parser.add_argument("--settings", type=Path, default=Path("publishconf.py"))
    parser.add_argument("--check-outcome", default="", help="steps.<id>.outcome of invoke check")
    parser.add_argument("--build-outcome", default="", help="steps.<id>.outcome of the build")
    parser.add_argument("--output", type=Path, help="file to append to ($GITHUB_STEP_SUMMARY)")
    parser.add_argument(
        "--build-problems",
        action="store_true",
        help="also build strictly (into a temporary folder) and list every build problem",
    )
    parser.add_argument("--artifact-url", default="", help="link to the uploaded site")
    args = parser.parse_args(argv)

    from kernel.clock import today as get_today

    from tools.site import load_settings

    settings = load_settings(settings_file=args.settings)
    diff_error = ""
    try:
        changes = changed_content(args.base, args.head)
    except RuntimeError as error:
        changes, diff_error = [], str(error)
    text = render_summary(
        changes,
        site=args.site,
        settings=settings,
        today=get_today(settings),
        check=args.check_outcome,
        build=args.build_outcome,
        diff_error=diff_error,
        build_problems=collect_build_problems(args.settings) if args.build_problems else None,
        artifact_url=args.artifact_url,
    )
    target = args.output or (Path(os.environ["GITHUB_STEP_SUMMARY"])
                             if os.environ.get("GITHUB_STEP_SUMMARY") else None)  # fmt: skip
    if target is None:
        print(text)
    else:
        with target.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"job summary written to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
