"""The safety net: one page or feed item that fails to render costs only itself.

content_guard's checks catch known mistakes before anything is written; these tests break
things no check foresees (an attribute that raises while a page or a feed entry is made)
and show that the rest of the site is written, the file is named, and nothing is lost.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from conftest import build_report
from content_guard import pelican_logs
from content_guard.state import RUN
from content_guard.writer import GuardedWriter
from kernel import problems
from pelican.plugins import signals

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    "Title: {title}\nDate: 2026-0{n}-01 09:00\nModified: 2026-0{n}-01 09:00\nCategory: First aid\n"
    "Tags: isolation, test input\nSlug: {slug}\nAuthor: Test Writer\n"
    "Summary: An article for the isolation tests.\ncontent_type: news\n\nSome text.\n"
)


def small_site(root: Path) -> Path:
    """The real pages plus three small articles in first-aid/."""
    content = root / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "images", content / "images")
    shutil.copytree(ROOT / "content" / "extra", content / "extra")
    for n, slug in enumerate(("alpha", "broken", "gamma"), start=1):
        path = content / "articles" / "first-aid" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE.format(title=slug.title(), n=n, slug=slug), encoding="utf-8")
    return content


class Boom:
    """A value that breaks whatever reads it."""

    def __getattr__(self, name: str):
        raise RuntimeError(f"nobody foresaw {name}")

    def __str__(self) -> str:
        raise RuntimeError("nobody foresaw this")


def test_a_page_that_cannot_be_rendered_costs_only_itself(tmp_path):
    def sabotage(generator, content):
        if content.slug == "broken":
            content.og = Boom()  # the theme reads article.og while rendering

    signals.article_generator_write_article.connect(sabotage)
    report = build_report(tmp_path / "out", content_path=small_site(tmp_path))
    out = report.output
    assert (out / "first-aid" / "alpha" / "index.html").exists()
    assert (out / "first-aid" / "gamma" / "index.html").exists()
    assert not (out / "first-aid" / "broken" / "index.html").exists()
    [problem] = [p for p in report.problems if p.file.endswith("broken.md")]
    assert problem.excludes and problem.source == "content_guard"
    assert "this page could not be made" in problem.problem and "nobody foresaw" in problem.problem
    # Taken out of everything written after it: the section, the home page and the feeds.
    for listing in ("index.html", "first-aid/index.html", "feeds/all.atom.xml"):
        text = (out / listing).read_text(encoding="utf-8")
        assert "/first-aid/alpha/" in text and "/first-aid/broken/" not in text, listing


def test_a_feed_item_that_breaks_the_feed_is_left_out_of_it_alone(tmp_path, monkeypatch):
    add_item = GuardedWriter._add_item_to_the_feed

    def failing(writer, feed, item):  # an entry nobody foresaw breaking the feed library
        if item.slug == "broken":
            raise RuntimeError("nobody foresaw this entry")
        return add_item(writer, feed, item)

    monkeypatch.setattr(GuardedWriter, "_add_item_to_the_feed", failing)
    report = build_report(tmp_path / "out", content_path=small_site(tmp_path))
    out = report.output
    feed = out / "feeds" / "all.atom.xml"
    ET.parse(feed)
    text = feed.read_text(encoding="utf-8")
    assert "/first-aid/alpha/" in text and "/first-aid/gamma/" in text
    assert "/first-aid/broken/" not in text
    assert (out / "first-aid" / "broken" / "index.html").exists()  # its page was fine
    found = [p.problem for p in report.problems if p.file.endswith("broken.md")]
    assert any("could not be put in the feed `feeds/all.atom.xml`" in p for p in found), found


def _content(name: str, tmp_path: Path) -> SimpleNamespace:
    return SimpleNamespace(
        source_path=str(tmp_path / "content" / "articles" / f"{name}.md"),
        save_as=f"{name}/index.html",
        metadata={},
        settings={"PATH": str(tmp_path / "content")},
        title=name,
    )


def test_a_page_never_silently_replaces_another(tmp_path):
    settings = {"PATH": str(tmp_path / "content"), "PAGINATED_TEMPLATES": {}}
    writer = GuardedWriter(str(tmp_path / "out"), settings=settings)
    template = jinja2.Environment(autoescape=True).from_string(
        "{{ article.title if article else 'generated' }}"
    )
    store = problems.new_run()
    first, second = _content("first", tmp_path), _content("second", tmp_path)
    second.save_as = "first/index.html"
    writer.write_file("first/index.html", template, {}, article=first)
    writer.write_file("first/index.html", template, {}, article=second)
    assert (tmp_path / "out" / "first" / "index.html").read_text() == "first"
    [refused] = store.problems
    assert refused.file.endswith("second.md") and refused.excludes
    assert "content/articles/first.md already is" in refused.problem
    writer.write_file("first/index.html", template, {})  # the build's own page wins
    assert (tmp_path / "out" / "first" / "index.html").read_text() == "generated"
    assert any(p.file.endswith("first.md") and "replaced" in p.problem for p in store)


def test_a_list_page_that_fails_names_its_template(tmp_path):
    settings = {"PATH": str(tmp_path / "content"), "PAGINATED_TEMPLATES": {}}
    writer = GuardedWriter(str(tmp_path / "out"), settings=settings)
    store = problems.new_run()
    template = jinja2.Environment(autoescape=True).from_string("{{ boom.x }}")
    writer.write_file("index.html", template, {"boom": Boom()})
    [problem] = store.problems
    assert problem.field == "template" and "the page `index.html` could not be made" in (
        problem.problem
    )
    assert not (tmp_path / "out" / "index.html").exists()


def test_pelican_messages_about_files_become_problems_naming_file_and_field(tmp_path):
    store = problems.new_run()
    settings = {"PATH": str(tmp_path / "content"), "ARTICLE_PATHS": ["articles"]}
    RUN.get(settings)
    try:
        pelican_logs.install()
        logger = logging.getLogger("pelican.readers")
        logger.warning(
            "Duplicate definition of `%s` for %s. Using first one.",
            "tags", str(tmp_path / "content" / "articles" / "a.md"),
        )  # fmt: skip
        logger.warning("Meta tag in file %s does not have a 'name' attribute", "x.html")
    finally:
        RUN.drop()
    [problem] = store.problems
    assert (problem.file, problem.field) == ("content/articles/a.md", "tags")
    assert "given more than once" in problem.problem
    # Outside a content_guard run the filter lets every message through.
    assert pelican_logs.RECORDS.filter(logging.makeLogRecord({"msg": "x %s", "args": ("y",)}))


def run_tool(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    env.pop("SHAREWELL_TODAY", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize(("value", "meant"), [("01/11/2026", "2026-11-01"), ("2028-13-01", None)])
def test_a_day_first_today_setting_stops_the_build_with_the_iso_form(tmp_path, value, meant):
    result = run_tool(
        "-m", "tools.build", "-s", "pelicanconf.py", "-o", str(tmp_path / "out"), "-q",
        "-e", f"SHAREWELL_TODAY={value}", f"CACHE_PATH={tmp_path / 'cache'}",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert "SHAREWELL_TODAY" in output and value in output
    if meant:
        assert meant in output


@pytest.mark.parametrize(
    ("value", "meant"), [("01/05/2028", "2028-05-01"), ("2028-13-01", "2028-01-13")]
)
def test_review_report_today_is_iso_only(value, meant):
    result = run_tool("-m", "invoke", "review-report", "--today", value)
    assert result.returncode != 0
    assert meant in result.stderr and "Traceback" not in result.stderr
