"""What `invoke build` prints: a line per phase, the problem table, one summary; `-v` for more.

Real builds of a copy of content/ (plus a draft, a scheduled article and a file that must be
left out) through `python -m tools.build`, as `invoke build` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_content import sources

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = """Title: {title}
Date: {date}
Modified: {date}
Category: First aid
Tags: first aid, burns
Slug: {slug}
Author: Megan Price
Summary: A short summary that stands on its own for this test article.
content_type: news
{extra}
Text.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("build-output") / "project"
    copy.mkdir()
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, copy / name)
    for name in ("theme", "plugins"):
        (copy / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "content", copy / "content")
    folder = copy / "content" / "articles" / "first-aid"
    for slug, date, extra in (
        ("a-draft-for-the-test", "2026-01-05 09:00", "Status: draft"),
        ("scheduled-for-the-test", "2099-01-05 09:00", ""),
        ("day-first-date", "05/01/2026", ""),  # never guessed: this file is left out
    ):
        (folder / f"{slug}.md").write_text(
            ARTICLE.format(title=slug.replace("-", " ").capitalize(), date=date, slug=slug,
                           extra=extra),
            encoding="utf-8",
        )  # fmt: skip
    return copy


def build(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tools.build", "-s", "pelicanconf.py", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def expected_counts() -> tuple[int, int]:
    """Published articles (hidden ones too) and pages of the real content/."""
    articles = [s for s in sources("article") if s.status != "draft"]
    articles = [s for s in articles if s.date is None or s.date.year < 2099]
    pages = [s for s in sources("page") if s.status != "draft"]
    return len(articles), len(pages)


def test_a_build_says_one_line_per_phase_then_the_table_and_a_summary(project):
    result = build(project, "-o", "out")
    err = result.stderr
    lines = err.splitlines()
    phases = [
        line.split()[0] for line in lines if re.match(r"^(reading|writing|cards|search) ", line)
    ]
    assert phases == ["reading", "writing", "cards", "search"], err
    articles, pages = expected_counts()
    reading = next(line for line in lines if line.startswith("reading "))
    assert reading.startswith(f"reading  {articles} articles, {pages} pages")
    assert "not published: 1 draft, 1 scheduled" in reading
    writing = next(line for line in lines if line.startswith("writing "))
    written = int(writing.split()[1])
    html = list((project / "out").rglob("*.html")) + list((project / "out").rglob("*.xml"))
    assert 0 < written <= len(html)
    # Pelican's own chatter is gone.
    for noise in ("INFO", "Writing ", "Done: Processed", "Copying "):
        assert noise not in err + result.stdout, noise
    assert "Build problems" in err  # the table
    assert "day-first-date.md" in err
    summary = lines[lines.index(next(x for x in lines if x.startswith("build "))) :]
    assert re.match(r"^build (ok|FAILED): pelicanconf\.py -> out/ in \d+\.\d s$", summary[0])
    assert summary[1].startswith(f"  {articles} articles, {pages} pages, ")
    assert re.search(r"\d+ cards \(\d+ drawn, \d+ cached\), \d+ pages searchable$", summary[1])
    assert re.match(
        r"^  problems: \d+ errors?, \d+ warnings?, \d+ advice \(table above\)$", summary[2]
    )
    assert summary[3] == (
        "  Left out of this build (1): content/articles/first-aid/day-first-date.md"
    )
    assert "Traceback" not in err
    # A writer reads this, not 500 lines: the table is most of it.
    table = err[err.index("Build problems") : err.index("\nbuild ")]
    assert len(lines) - len(table.splitlines()) <= 10, err


def test_verbose_brings_back_pelicans_lines_and_a_second_build_reuses_cards(project):
    build(project, "-o", "again")
    result = build(project, "-o", "again", "-v")
    err = result.stderr + result.stdout
    assert "Done: Processed" in err
    writing = [line for line in err.splitlines() if "Writing" in line]
    assert len(writing) > 20
    assert "reading " in err and "build " in err
    cards = next(line for line in result.stderr.splitlines() if line.startswith("cards "))
    assert re.match(r"^cards    (\d+) cards: 0 drawn, \1 unchanged from the last build$", cards)


def test_the_result_is_data_the_printing_is_apart(project, capsys, monkeypatch):
    from tools.build import run_build

    monkeypatch.chdir(project)
    result = run_build(project / "pelicanconf.py", output=project / "data", quiet=True)
    articles, pages = expected_counts()
    stats = result.stats
    assert (stats.articles, stats.pages, stats.drafts, stats.scheduled) == (articles, pages, 1, 1)
    assert stats.written > 0 and stats.static > 0
    assert stats.cards_rendered is not None and stats.cards_cached is not None
    assert stats.search_pages > 0
    assert set(stats.seconds) >= {"reading", "writing"}
    assert result.excluded == ["content/articles/first-aid/day-first-date.md"]
    assert stats.as_dict()["articles"] == articles
    err = capsys.readouterr().err
    assert "reading " not in err  # quiet: no phase lines, the summary only
    assert "build " in err
