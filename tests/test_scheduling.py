"""Scheduled publishing: absent before its day, present everywhere on and after it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from kernel.clock import DateError, parse_date
from kernel.clock import today as get_today
from scheduling.clock import is_scheduled
from tools.scheduled import find_scheduled, markdown_table

PLUGINS = ["pelican.plugins.sitemap", "content_guard", "share_snippets", "scheduling"]
ARTICLE = """Title: {title}
Date: {date}
Modified: {date}
Category: First aid
Tags: first aid, burns
Slug: {slug}
Author: Megan Price
Summary: {title}: a short summary that stands alone.
content_type: news
{extra}
Cool the burn under cold running water for 20 minutes.
"""


def write_site(root: Path, scheduled_extra: str = "") -> Path:
    """Write a tiny content folder: one past article and one dated 2027-01-10."""
    folder = root / "content" / "articles" / "first-aid"
    folder.mkdir(parents=True)
    (folder / "old-news.md").write_text(
        ARTICLE.format(title="Old news", date="2026-01-05 09:00", slug="old-news", extra=""),
        encoding="utf-8",
    )
    (folder / "new-burns-advice.md").write_text(
        ARTICLE.format(
            title="New burns advice",
            date="2027-01-10 09:00",
            slug="new-burns-advice",
            extra=scheduled_extra,
        ),
        encoding="utf-8",
    )
    return root / "content"


def site_text(output: Path) -> dict[str, str]:
    """Return the files every listing of the site is read from."""
    names = {
        "index": "index.html",
        "archives": "archives/index.html",
        "category": "first-aid/index.html",
        "tag": "tag/burns/index.html",
        "atom": "feeds/all.atom.xml",
        "rss": "feeds/all.rss.xml",
        "category_feed": "feeds/first-aid.atom.xml",
        "sitemap": "sitemap.xml",
    }
    return {key: (output / name).read_text(encoding="utf-8") for key, name in names.items()}


# ---- clock -------------------------------------------------------------------------------
def test_today_comes_from_the_setting_and_the_environment_overrides_it():
    settings = {"SHAREWELL_TODAY": "2027-01-09", "TIMEZONE": "Europe/London"}
    assert get_today(settings, environ={}) == dt.date(2027, 1, 9)
    env = {"SHAREWELL_TODAY": "2027-02-01"}
    assert get_today(settings, environ=env) == dt.date(2027, 2, 1)
    london = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=0)))
    assert abs((get_today({}, environ={}) - london.date()).days) <= 1


@pytest.mark.parametrize("bad", ["tomorrow", "2027-13-01", "01/02/2027"])
def test_a_bad_today_names_the_setting_and_the_value(bad):
    with pytest.raises(DateError, match="SHAREWELL_TODAY"):
        get_today({"SHAREWELL_TODAY": bad}, environ={})
    with pytest.raises(DateError, match=bad.replace("/", ".")):
        parse_date(bad)


def test_an_article_waits_until_its_day_not_its_hour():
    today = dt.date(2027, 1, 10)
    assert is_scheduled(dt.datetime(2027, 1, 11, 0, 1), today)
    assert not is_scheduled(dt.datetime(2027, 1, 10, 23, 59), today)
    assert not is_scheduled(None, today)


# ---- listing (what `invoke check` prints) ------------------------------------------------
def test_listing_finds_future_and_status_scheduled_articles(tmp_path):
    content = write_site(tmp_path)
    folder = content / "articles" / "first-aid"
    (folder / "undated.md").write_text("Title: Undated\nStatus: scheduled\n\nText.\n")
    (folder / "a-draft.md").write_text("Title: Later\nDate: 2030-01-01\nStatus: draft\n\nText.\n")
    items = find_scheduled([content], dt.date(2027, 1, 9), root=tmp_path)
    assert [(i.title, i.days_left) for i in items] == [("New burns advice", 1), ("Undated", None)]
    assert items[0].url == "first-aid/new-burns-advice/"
    table = markdown_table(items)
    assert "| 2027-01-10 | 1 | New burns advice |" in table
    assert "no date" in table
    assert find_scheduled([content], dt.date(2027, 1, 10), root=tmp_path)[0].title == "Undated"


# ---- builds ------------------------------------------------------------------------------
def build(build_site, content: Path, today: str, **extra) -> Path:
    settings = {"PLUGINS": PLUGINS, "SHAREWELL_TODAY": today, "SITEURL": "https://example.org"}
    settings.update(extra)
    return build_site(content_path=content, settings=settings)


def test_before_its_day_the_article_is_nowhere_on_the_site(build_site, tmp_path, monkeypatch):
    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path)
    preview = tmp_path / "preview"
    output = build(build_site, content, "2027-01-09", SHAREWELL_PRIVATE_PATH=str(preview))
    assert (output / "first-aid" / "old-news" / "index.html").is_file()
    assert not (output / "first-aid" / "new-burns-advice").exists()
    # The editor's desk (dev-only, never deployed) lists scheduled articles on purpose.
    assert not [p for p in output.rglob("*new-burns-advice*") if "_desk" not in p.parts]
    for name, text in site_text(output).items():
        assert "Old news" in text or "old-news" in text, name
        assert "new-burns-advice" not in text, name
        assert "New burns advice" not in text, name
    # The share exports (private, never on the site) wait for its day too.
    snippets = (preview / "share" / "snippets.json").read_text(encoding="utf-8")
    assert "old-news" in snippets
    assert "new-burns-advice" not in snippets
    # Ready in advance, in a private folder outside the site.
    data = json.loads((preview / "scheduled.json").read_text(encoding="utf-8"))
    assert data["today"] == "2027-01-09"
    [entry] = data["articles"]
    assert entry["url"] == "https://example.org/first-aid/new-burns-advice/"
    assert entry["goes_live"] == "2027-01-10"
    assert entry["days_left"] == 1
    x_text = entry["share"]["networks"]["x"]["text"]
    assert "New burns advice" in x_text
    assert "https://example.org/first-aid/new-burns-advice/" in x_text


def test_on_its_day_the_article_is_everywhere(build_site, tmp_path, monkeypatch):
    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path)
    output = build(build_site, content, "2027-01-10")
    assert (output / "first-aid" / "new-burns-advice" / "index.html").is_file()
    for name, text in site_text(output).items():
        assert "new-burns-advice" in text, name
    private = output.with_name(f"{output.name}-private")
    snippets = json.loads((private / "share" / "snippets.json").read_text(encoding="utf-8"))
    assert {a["slug"] for a in snippets["articles"]} == {"old-news", "new-burns-advice"}


def test_the_environment_variable_overrides_the_setting(build_site, tmp_path, monkeypatch):
    content = write_site(tmp_path)
    monkeypatch.setenv("SHAREWELL_TODAY", "2027-01-11")
    output = build(build_site, content, "2027-01-01")
    assert (output / "first-aid" / "new-burns-advice" / "index.html").is_file()


def test_status_scheduled_waits_for_its_date_then_publishes(build_site, tmp_path, monkeypatch):
    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path, scheduled_extra="Status: scheduled\n")
    before = build(build_site, content, "2027-01-09")
    assert not (before / "first-aid" / "new-burns-advice").exists()
    assert not (before / "drafts").exists()
    after = build(build_site, content, "2027-01-10")
    assert (after / "first-aid" / "new-burns-advice" / "index.html").is_file()
    assert "new-burns-advice" in (after / "sitemap.xml").read_text(encoding="utf-8")


def test_scheduled_articles_are_checked_in_advance(build_site, tmp_path, monkeypatch):
    from kernel.problems import current_store

    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path, scheduled_extra="image: images/burn.png\n")
    build(build_site, content, "2027-01-09")
    problems = list(current_store())
    assert any(
        p.field == "image_alt" and p.file.endswith("new-burns-advice.md") for p in problems
    ), problems


def test_a_bad_today_setting_stops_the_build(build_site, tmp_path, monkeypatch):
    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path)
    with pytest.raises(DateError, match="setting SHAREWELL_TODAY"):
        build(build_site, content, "soon")


def test_the_card_is_rendered_in_advance_outside_the_site(build_site, tmp_path, monkeypatch):
    pytest.importorskip("og_cards.cards")
    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    content = write_site(tmp_path)
    preview = tmp_path / "preview"
    output = build(
        build_site,
        content,
        "2027-01-09",
        PLUGINS=[*PLUGINS[:-1], "og_cards", "scheduling"],
        OG_CARDS_WORKERS=0,
        SHAREWELL_PRIVATE_PATH=str(preview),
    )
    [entry] = json.loads((preview / "scheduled.json").read_text(encoding="utf-8"))["articles"]
    card = preview / entry["card"]["file"]
    assert card.is_file() and card.name.startswith("new-burns-advice-")
    assert not (output / "og" / card.name).exists()
    assert entry["share"]["image_url"].endswith(card.name)


def test_invoke_check_helper_prints_the_scheduled_articles(tmp_path, monkeypatch):
    from rich.console import Console
    from tools.scheduled import print_scheduled

    monkeypatch.setenv("SHAREWELL_TODAY", "2027-01-01")
    content = write_site(tmp_path)
    console = Console(record=True, width=200)
    items = print_scheduled(None, content / "articles", console=console)
    assert [i.title for i in items] == ["New burns advice"]
    text = console.export_text()
    assert "Scheduled articles (today is 2027-01-01)" in text
    assert "2027-01-10" in text and "content/articles/first-aid/new-burns-advice.md" in text


def test_an_article_object_reused_from_an_earlier_build_goes_live(monkeypatch):
    """With a content cache the same object comes back the next day: flags are reset."""
    from types import SimpleNamespace

    from scheduling import scheduling

    monkeypatch.delenv("SHAREWELL_TODAY", raising=False)
    from kernel import runs

    article = SimpleNamespace(
        date=dt.datetime(2027, 1, 10, 9, 0), slug="a", source_path="a.md", metadata={}
    )
    for today, live in (("2027-01-09", False), ("2027-01-10", True)):
        runs._run_started(None)  # the next day's build
        settings = {"SHAREWELL_TODAY": today, "CACHE_PATH": "cache"}
        generator = SimpleNamespace(
            settings=settings, articles=[article], translations=[], context={}
        )
        scheduling.hold_back(generator)
        assert (generator.articles == [article]) is live
        goes_live = None if live else dt.date(2027, 1, 10)
        assert (article.schedule.goes_live if article.schedule else None) == goes_live
        assert generator.scheduled_articles == ([] if live else [article])
