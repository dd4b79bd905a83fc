"""Writers' mistakes get a clear message naming the file and field, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from content_guard import checks
from content_guard.keys import PELICAN_KEYS
from kernel.header import read_header
from kernel.signals import SourceFile

ROOT = Path(__file__).resolve().parent.parent
KNOWN = frozenset(k.name for k in PELICAN_KEYS) | {"content_type", "og_title", "last_reviewed"}
DATES = frozenset({"date", "modified", "last_reviewed", "next_review"})
GOOD = (
    "Title: Good\nDate: 2025-01-02 10:00\nCategory: First aid\nTags: a, b\n"
    "Summary: Fine.\ncontent_type: news\n\nBody.\n"
)


def problems_for(text: str, is_article: bool = True):
    source = SourceFile(
        path=Path("content/articles/first-aid/x.md"),
        display="content/x.md",
        text=text,
        header=read_header(text, KNOWN),
        kind="article" if is_article else "page",
        settings={},
        today=dt.date(2026, 1, 1),
        known_keys=KNOWN,
    )
    return checks.check_source(source, DATES)


def test_good_header_has_no_problems():
    assert problems_for(GOOD) == []


def test_multiline_values_are_joined():
    header = read_header("Title: T\nsources: A | https://a.example\n    B | https://b.example\n\nx")
    assert header.values["sources"].splitlines() == [
        "A | https://a.example",
        "B | https://b.example",
    ]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("Date: 2025-01-02\nCategory: First aid\n\nBody", "title", "no title"),
        ("Title: \nDate: 2025-01-02\n\nBody", "title", "no title"),
        ("Title: T\nDate: 32/13/2025\n\nBody", "date", "not a date"),
        ("Title: T\nDate: 2025-01-02\nModified: yesterday-ish\n\nBody", "modified", "not a date"),
        (
            "Title: T\nDate: 2025-01-02\nlast-reviewed: 2025-01-01\n\nBody",
            "last-reviewed",
            "hyphen",
        ),
        ("Title: T\nDate: 2025-01-02\nsumary: x\n\nBody", "sumary", "unknown"),
        ("Title: T\n\nBody", "date", "no publication date"),
        ("Title: T\nDate: 2025-01-02\nStatus: live\n\nBody", "status", "unknown status"),
        (
            "Title: T\nDate: 2025-01-02\nlast_reviewed: 01/11/2026\n\nB",
            "last_reviewed",
            "2026-11-01",
        ),
        ("Title: Bell\x07\nDate: 2025-01-02\n\nBody", "title", "U+0007 (BELL)"),
        ("Title: T\nDate: 2025-01-02\nSlug: a/b\n\nBody", "slug", "lower-case"),
        ('Title: T\nDate: 2025-01-02\nSlug: a"b\n\nBody', "slug", "lower-case"),
        ("Title: T\nDate: 2025-01-02\nLang: en/../x\n\nBody", "lang", "language code"),
        ("Title: T\nDate: 2025-01-02\nSummary: " + "x" * 161 + "\n\nB", "summary", "161"),
        ("Title: T\nDate: 2025-01-02\nimage: a.png\n\nBody", "image_alt", "missing"),
        ("Title: T\nDate: 2025-01-02\n\nText\n\n![](a.png)\n", "image", "no alt text"),
    ],
)
def test_each_mistake_names_the_field(text, field, words):
    problems = problems_for(text)
    assert any(p.field == field and words in p.problem for p in problems), problems
    problem = next(p for p in problems if p.field == field)
    assert problem.fix
    assert problem.file == "content/x.md"


def test_day_first_dates_are_never_guessed_and_a_bad_date_keeps_the_file_out():
    [date] = [p for p in problems_for("Title: T\nDate: 01/11/2026\n\nB") if p.field == "date"]
    assert "did you mean 2026-11-01?" in date.problem
    assert "`2026-11-01`" in date.fix
    assert date.excludes and date.line == 2


def test_hyphen_fix_suggests_underscores_and_unknown_key_suggests_spelling():
    problems = problems_for("Title: T\nDate: 2025-01-02\nnext-review: 2027-01-01\nsumary: x\n\nB")
    fixes = {p.field: p.fix for p in problems}
    assert "`next_review:`" in fixes["next-review"]
    assert "summary" in fixes["sumary"]


def test_a_blank_line_in_the_header_is_named_with_its_line():
    problems = problems_for("Title: T\nDate: 2025-01-02\n\nimage_alt: A bandage\n\nBody")
    [blank] = [p for p in problems if p.field == "header"]
    assert blank.line == 3 and "`image_alt` (line 4)" in blank.problem


def test_pages_need_no_date_or_summary():
    assert problems_for("Title: About\n\nBody", is_article=False) == []


def test_a_bom_is_read_like_pelican_reads_it():
    assert problems_for("\ufeff" + GOOD) == []


def write_site(root: Path, files: dict[str, str]) -> Path:
    content = root / "content"
    (content / "pages").mkdir(parents=True)
    for name, text in files.items():
        path = content / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def run_build(content: Path, output: Path, *extra: str, config: str = "pelicanconf.py"):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.build",
            "-s",
            str(ROOT / config),
            "-o",
            str(output),
            "-e",
            f"PATH={content}",
            f"CACHE_PATH={output.parent / 'cache'}",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def test_bad_files_fail_strict_build_with_a_table_and_no_traceback(tmp_path):
    content = write_site(
        tmp_path,
        {
            "first-aid/good.md": GOOD,
            "first-aid/no-title.md": "Date: 2025-01-02\nCategory: First aid\n\nBody\n",
            "first-aid/bad-date.md": "Title: Bad\nDate: 31/31/2025\nCategory: First aid\n\nB\n",
            "first-aid/hyphen.md": GOOD.replace("Title: Good", "Title: Hyphen\nog-title: X"),
        },
    )
    result = run_build(content, tmp_path / "out", "--strict")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "no-title.md" in output
    assert "bad-date.md" in output
    assert "31/31/2025" in output
    assert "hyphen.md" in output
    assert "og_title" in output  # the fix names the right key
    # The rest of the site still builds.
    assert (tmp_path / "out" / "first-aid" / "good" / "index.html").exists()


def test_non_strict_build_passes_warnings_but_strict_fails(tmp_path):
    content = write_site(
        tmp_path, {"first-aid/odd.md": GOOD.replace("Tags:", "colour: red\nTags:")}
    )
    assert run_build(content, tmp_path / "a").returncode == 0
    strict = run_build(content, tmp_path / "b", "--strict")
    assert strict.returncode == 1
    assert "colour" in strict.stderr + strict.stdout


def test_failed_publish_build_keeps_previous_output(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    (output / "index.html").write_text("previous good site")
    content = write_site(tmp_path, {"first-aid/bad.md": "Title: X\nDate: never\n\nB\n"})
    result = run_build(content, output, "--strict", config="publishconf.py")
    assert result.returncode == 1
    assert (output / "index.html").read_text() == "previous good site"
    assert "left untouched" in result.stderr
    assert not list(tmp_path.glob(".out.new-*"))


def test_successful_publish_build_replaces_output(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    (output / "stale.html").write_text("old")
    content = write_site(tmp_path, {"first-aid/good.md": GOOD})
    result = run_build(content, output, "--strict", config="publishconf.py")
    assert result.returncode == 0, result.stderr
    assert not (output / "stale.html").exists()
    assert (output / "first-aid" / "good" / "index.html").exists()
