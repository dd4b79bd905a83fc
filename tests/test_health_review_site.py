"""Site builds with health_review: fixture articles in each review state, bad input,
`run_checks` / `review_report` for invoke, and the strict build's exit code."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tools.review_report import collect, review_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "health_review"
TODAY = "2026-01-01"
# og_cards and share_snippets are not needed to test this plugin; keep builds fast.
FAST = {"PLUGINS": ["content_guard", "health_review"], "SHAREWELL_TODAY": TODAY}


def soup(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def health_problems(report) -> dict[str, list]:
    """Return health_review's problems by file name."""
    found: dict[str, list] = {}
    for problem in report.problems:
        if problem.source == "health_review":
            found.setdefault(Path(problem.file).name, []).append(problem)
    return found


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> tuple[Path, dict, dict]:
    """Build the fixture site once (all plugins), then disconnect what it connected."""
    from conftest import build_report  # restores Pelican's signals after the build

    report = build_report(
        tmp_path_factory.mktemp("hr-good") / "output",
        content_path=FIXTURES / "good",
        settings={"SHAREWELL_TODAY": TODAY, "SITEURL": "http://127.0.0.1:8000"},
    )
    reviews = {
        Path(c.source_path).name: c.review
        for c in report.contents
        if getattr(c, "review", None) is not None
    }
    return report.output, health_problems(report), reviews


def test_fresh_page_shows_review_block(good_site):
    out, _, _ = good_site
    page = soup(out, "first-aid/fresh")
    review = page.select_one(".health-review")
    dates = [" ".join(s.get_text().split()) for s in review.select(".health-review__date")]
    assert dates == ["Page last reviewed: 1 June 2025", "Next review due: 1 June 2028"]
    assert review.select_one("time")["datetime"] == "2025-06-01"
    assert review.select_one(".health-review__reviewer").get_text(strip=True) == (
        "Reviewed by Dr Amira Khan, Consultant in Emergency Medicine"
    )
    assert [a["href"] for a in review.select("ol.health-review__sources a")] == [
        "https://www.nhs.uk/conditions/burns-and-scalds/",
        "https://www.redcross.org.uk/first-aid",
    ]
    assert review.select_one(".health-review__policy a")["href"].endswith("/editorial-policy/")


def test_fresh_page_has_all_three_cards(good_site):
    out, _, _ = good_site
    cards = soup(out, "first-aid/fresh").select(".care-card")
    assert [c["class"][1] for c in cards] == [
        "care-card--emergency",
        "care-card--urgent",
        "care-card--non-urgent",
    ]
    assert "Call 111 or get help from 111 online if:" in cards[1].get_text()


def test_medical_web_page_json_ld(good_site):
    out, _, _ = good_site
    scripts = soup(out, "first-aid/fresh").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    page, crumbs, org = json.loads(scripts[0].string)["@graph"]
    assert page["@type"] == "MedicalWebPage"
    assert page["url"] == "http://127.0.0.1:8000/first-aid/fresh/"
    assert page["lastReviewed"] == "2025-06-01"
    assert page["reviewedBy"]["jobTitle"] == "Consultant in Emergency Medicine"
    assert page["inLanguage"] == "en-GB"
    assert [i["name"] for i in crumbs["itemListElement"]] == [
        "Home",
        "First aid",
        "Fresh advice with every card",
    ]
    assert org["@type"] == "Organization"
    news = json.loads(
        soup(out, "first-aid/news").find("script", type="application/ld+json").string
    )["@graph"][0]
    assert news["@type"] == "Article"
    home = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    types = [
        n["@type"]
        for n in json.loads(home.find("script", type="application/ld+json").string)["@graph"]
    ]
    assert types == ["Organization", "WebSite"]


def test_news_has_no_review_dates(good_site):
    out, _, _ = good_site
    page = soup(out, "first-aid/news")
    assert "Page last reviewed" not in page.get_text()


def test_each_state_reports_the_right_problem(good_site):
    _, found, _ = good_site
    assert "fresh.md" not in found
    assert "news.md" not in found
    assert [(p.severity, p.field) for p in found["due-soon.md"]] == [("warning", "next_review")]
    assert "in 45 days" in found["due-soon.md"][0].problem
    assert [(p.severity, p.field) for p in found["overdue.md"]] == [("error", "last_reviewed")]
    assert "due on 1 June 2025" in found["overdue.md"][0].problem
    assert [(p.severity, p.field, p.line) for p in found["no-reviewer.md"]] == [
        ("error", "reviewed_by", 1)
    ]


def test_article_review_attributes(good_site):
    _, _, reviews = good_site
    fresh, due, overdue = reviews["fresh.md"], reviews["due-soon.md"], reviews["overdue.md"]
    assert (fresh.status, fresh.days_left) == ("current", 882)
    assert (due.status, due.days_left) == ("due-soon", 45)
    assert (overdue.status, overdue.days_left) == ("overdue", -214)
    assert due.reviewed_by.name == "Jo Bloggs"
    assert reviews["news.md"].is_health_advice is False


def test_bad_input_messages_and_the_rest_builds(build_site, caplog):
    from kernel.problems import current_store

    with caplog.at_level(logging.INFO):
        out = build_site(content_path=FIXTURES / "bad", settings=FAST)
    assert (out / "first-aid/still-builds/index.html").is_file()
    assert (out / "first-aid/bad-input/index.html").is_file()
    assert "Traceback" not in caplog.text
    store = list(current_store())
    found = {(p.field, p.line) for p in store if "bad-input" in p.file}
    # content_guard reports the date that is not ISO 8601 and the hyphenated key, once.
    assert [p.source for p in store if "bad-input" in p.file and p.field == "last_reviewed"] == [
        "content_guard"
    ]
    assert ("reviewed_by", 9) in found
    assert ("sources", 11) in found
    assert ("summary", 6) in found
    assert ("image_alt", 12) in found
    assert ("image", 20) in found
    assert ("care card", 15) in found  # the link line inside the emergency card
    assert ("care card", 17) in found  # no list
    assert ("link", 22) in found
    records = [r for r in caplog.records if r.name == "sharewell.problems"]
    assert any(
        "bad-input.md:9: reviewed_by: reviewer `dr-nobody`" in r.getMessage() for r in records
    )
    assert all(r.levelno >= logging.WARNING for r in records if "bad-input.md" in r.getMessage())
    still = [p for p in store if "still-builds" in p.file and p.source == "health_review"]
    assert still == []


def test_without_content_guard_health_checks_still_run(build_site):
    """The kernel asks every plugin about every file: health_review needs no content_guard."""
    from kernel.problems import current_store

    build_site(content_path=FIXTURES / "bad", settings={**FAST, "PLUGINS": ["health_review"]})
    found = {(p.field, p.line) for p in current_store() if "bad-input" in p.file}
    assert ("reviewed_by", 9) in found
    assert ("sources", 11) in found
    # Dates that are not ISO 8601 and hyphenated keys are content_guard's rules (said once).
    assert ("last_reviewed", 7) not in found


def test_review_problems_of_a_site(tmp_path):
    settings = _with_pelicanconf({"PATH": str(FIXTURES / "good"), **FAST})
    problems = [p for p in collect(settings, today=TODAY).problems if p.source == "health_review"]
    assert [Path(p.file).name for p in problems if p.severity == "error"] == [
        "no-reviewer.md",
        "overdue.md",
    ]
    assert [Path(p.file).name for p in problems if p.severity == "warning"] == ["due-soon.md"]
    clean = tmp_path / "content"
    (clean / "articles" / "first-aid").mkdir(parents=True)
    shutil.copytree(FIXTURES / "good" / "pages", clean / "pages")
    for name in ("fresh.md", "due-soon.md"):
        shutil.copy(FIXTURES / "good/articles/first-aid" / name, clean / "articles/first-aid")
    later = collect(_with_pelicanconf({"PATH": str(clean), **FAST}), today="2025-07-01")
    assert not [p for p in later.problems if p.is_error and p.source == "health_review"]


def _with_pelicanconf(override: dict) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"), override=override)


def test_review_report_csv_sorted_by_urgency(tmp_path):
    settings = _with_pelicanconf({"PATH": str(FIXTURES / "good"), **FAST})
    rows = review_report(settings, today=TODAY, csv_path=tmp_path / "review-report.csv")
    assert [(r.title, r.status) for r in rows] == [
        ("Advice with no reviewer", "current"),
        ("Advice overdue for review", "overdue"),
        ("Advice due for review soon", "due-soon"),
        ("Fresh advice with every card", "current"),
    ] or [r.status for r in rows] == ["overdue", "due-soon", "current", "current"]
    text = (tmp_path / "review-report.csv").read_text(encoding="utf-8").splitlines()
    assert text[0] == "file,title,reviewer,last_reviewed,next_review,days_left,status"
    assert ",overdue" in text[1]


def test_strict_pelican_build_fails_on_overdue(tmp_path):
    """`pelican --fatal warnings` exits non-zero when a review is overdue."""
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(FIXTURES / "good"),
        "-s",
        str(ROOT / "pelicanconf.py"),
        "-o",
        str(tmp_path / "out"),
        "--fatal",
        "warnings",  # not -q: Pelican filters before it can fail
        "-e",
        f'SHAREWELL_TODAY="{TODAY}"',
        'PLUGINS=["content_guard", "health_review"]',
        f'CACHE_PATH="{tmp_path / "cache"}"',
    ]
    env = {"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"}
    failed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert failed.returncode != 0
    assert "health_review" in failed.stdout + failed.stderr
