"""The pull request job summary and the nightly review alert (plugins/tools/workflow)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pytest
from tools.workflow import ci_summary, review_alert

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = """Title: {title}
Date: {date}
Category: First aid
Tags: first aid, burns
Slug: {slug}
Summary: {summary}
content_type: news
{extra}
Text.
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def write(repo: Path, slug: str, **fields) -> Path:
    path = repo / "content" / "articles" / "first-aid" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {"title": slug.replace("-", " ").capitalize(), "date": "2026-01-05 09:00",
              "summary": "A short summary.", "extra": "", "slug": slug, **fields}  # fmt: skip
    path.write_text(ARTICLE.format(**values), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository whose branch adds, changes and schedules articles against main."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "old-news")
    write(repo, "to-be-removed")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "old-news", summary="A better summary.")
    write(repo, "bad-news", extra="image: images/x.png\n", summary="Too long. " * 20)
    write(repo, "future-news", date="2027-01-10 09:00")
    (repo / "content" / "articles" / "first-aid" / "to-be-removed.md").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature")
    site = repo / "output"
    for slug in ("old-news", "bad-news"):
        page = site / "first-aid" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<head><meta property="og:image" content="https://example.org/og/{slug}-abc.png">'
        )
    (site / "og").mkdir()
    (site / "og" / "old-news-abc.png").write_bytes(b"png")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SHAREWELL_TODAY", "2027-01-01")
    return repo


def test_parse_name_status_keeps_the_new_name_of_a_rename():
    text = "A\tcontent/a.md\nR087\tcontent/old.md\tcontent/new.md\nD\tcontent/gone.md\n"
    assert ci_summary.parse_name_status(text) == [
        ci_summary.Change("added", "content/a.md"),
        ci_summary.Change("renamed", "content/new.md"),
        ci_summary.Change("deleted", "content/gone.md"),
    ]


def test_cells_cannot_break_the_table():
    assert ci_summary.cell("a | b\nc") == "a \\| b c"
    assert ci_summary.cell("") == " "


def test_summary_lists_changes_problems_cards_and_schedule(repo, tmp_path):
    out = tmp_path / "summary.md"
    code = ci_summary.main(
        ["--base", "main", "--site", "output", "--settings", str(ROOT / "publishconf.py"),
         "--check-outcome", "failure", "--build-outcome", "success", "--output", str(out)]
    )  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "| `invoke check` | ❌ failed |" in text
    assert "| publish build | ✅ passed |" in text
    assert "| added | Bad news | `content/articles/first-aid/bad-news.md` | published |" in text
    assert "| changed | Old news | `content/articles/first-aid/old-news.md` | published |" in text
    assert "| deleted | - | `content/articles/first-aid/to-be-removed.md` | removed |" in text
    assert "scheduled: goes live 2027-01-10" in text
    # Problems with file and fix.
    assert "`image` is set but `image_alt` is missing" in text
    assert "add `image_alt:` describing the picture" in text
    assert "`content/articles/first-aid/bad-news.md:8`" in text
    assert "the summary is 199 characters long" in text
    # Cards: found in the site, missing, or prepared privately for scheduled articles.
    assert "| Old news | `old-news-abc.png` |" in text
    assert "| Bad news | https://example.org/og/bad-news-abc.png |" in text
    assert "prepared privately (scheduled)" in text
    assert "1 card image(s) in the built site." in text
    assert "| 2027-01-10 | 9 | Future news | `content/articles/first-aid/future-news.md` |" in text


def test_summary_appends_to_github_step_summary_and_survives_a_bad_base(repo, monkeypatch):
    target = repo.parent / "step-summary.md"
    target.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert ci_summary.main(["--base", "no-such-branch", "--settings", "none.py"]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert "Could not compare with the base branch" in text


# ---- review alert ------------------------------------------------------------------------
ROWS = [
    ("content/a.md", "Overdue page", "Dr A, GP", "2022-01-01", "2025-01-01", "-12", "overdue"),
    ("content/b.md", "Soon page", "Dr B, GP", "2023-01-01", "2026-01-20", "10", "due-soon"),
    ("content/c.md", "Later page", "Dr C, GP", "2023-01-01", "2026-03-01", "45", "due-soon"),
    ("content/d.md", "Never | reviewed", "", "", "", "", "unreviewed"),
    ("content/e.md", "Fine page", "Dr E, GP", "2025-01-01", "2028-01-01", "800", "current"),
]
COLUMNS = ["file", "title", "reviewer", "last_reviewed", "next_review", "days_left", "status"]


def write_report(path: Path, rows=ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def test_due_rows_picks_overdue_unreviewed_and_due_within_the_window():
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]
    due = review_alert.due_rows(rows, 30)
    assert [r["file"] for r in due] == ["content/d.md", "content/a.md", "content/b.md"]
    assert [review_alert.when(r) for r in due] == [
        "never reviewed",
        "overdue by 12 days",
        "due in 10 days",
    ]


def test_alert_fails_loudly_writes_the_issue_body_and_output(tmp_path, monkeypatch, capsys):
    report = write_report(tmp_path / "review-report.csv")
    body = tmp_path / "alert.md"
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    code = review_alert.main(
        ["--csv", str(report), "--days", "30", "--body", str(body), "--run-url", "https://ci/1"]
    )
    assert code == 1
    text = body.read_text(encoding="utf-8")
    assert "## Clinical reviews overdue or due within 30 days" in text
    assert "| overdue by 12 days | 2025-01-01 | Overdue page | Dr A, GP | `content/a.md` |" in text
    assert "Never \\| reviewed" in text
    assert "Later page" not in text and "Fine page" not in text
    assert "https://ci/1" in text
    assert "due=3" in output.read_text()
    assert "::error::3 clinical review(s)" in capsys.readouterr().out


def test_alert_passes_when_nothing_is_due_and_needs_the_report(tmp_path):
    report = write_report(tmp_path / "r.csv", rows=[ROWS[4]])
    assert review_alert.main(["--csv", str(report)]) == 0
    assert review_alert.main(["--csv", str(tmp_path / "missing.csv")]) == 2


def test_build_problems_are_merged_without_repeats(repo, tmp_path):
    (repo / "content" / "articles" / "first-aid" / "bad-news.md").write_text(
        ARTICLE.format(title="Bad news", date="2026-01-05 09:00", slug="bad-news",
                       summary="Fine.", extra="sumary: typo\n"),
        encoding="utf-8",
    )  # fmt: skip
    settings = repo / "tiny.py"
    settings.write_text(
        f"PATH = {str(repo / 'content')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "PLUGINS = ['content_guard']\nTIMEZONE = 'Europe/London'\nSITEURL = ''\n",
        encoding="utf-8",
    )
    out = tmp_path / "summary.md"
    args = ["--base", "main", "--settings", str(settings), "--output", str(out)]
    extra = ["--build-problems", "--artifact-url", "https://example.org/artifacts/1"]
    assert ci_summary.main([*args, *extra]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("unknown metadata key `sumary`") == 1
    assert "did you mean `summary`?" in text
    assert "Download the built site to look at every page and card: https://example.org/" in text


def test_merge_problems_keeps_the_first_of_each():
    from kernel.problems import Problem

    one = Problem("content/a.md", "summary", "too long", "cut it", "error")
    same = Problem("./content/a.md", "summary", "too long", "shorten", "warning")
    other = Problem("content/a.md", "image", "no alt", "add alt", "error")
    assert ci_summary.merge_problems([one], [same, other]) == [one, other]
