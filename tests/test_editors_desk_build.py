"""editors_desk on a tiny fixture site: the dashboard, per-article previews, publish safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build
from editors_desk.previews import DEFAULT_RULES, previews

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "editors_desk" / "content"
PLUGINS = [
    "content_guard", "health_review", "share_snippets", "og_cards", "scheduling", "editors_desk",
]  # fmt: skip
SETTINGS = {
    "PLUGINS": PLUGINS,
    "EDITORS_DESK_ENABLED": True,
    "EDITORS_DESK_DOMAIN": "sharewell.org.uk",
    "SHAREWELL_TODAY": "2026-03-01",
    "OG_CARDS_WORKERS": 0,
    # long-title.md is longer than any network shows (and content_guard's 90): the desk
    # must show each cut, so this fixture allows it.
    "CONTENT_GUARD_TITLE_MAX": 150,
    "SITEURL": "http://127.0.0.1:8000",
}
LONG_TITLE = (
    "What to do when someone faints at a crowded summer music festival, will not wake up "
    "quickly and you cannot find a first aider"
)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def desk_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("desk") / "output"
    return build(out, content_path=FIXTURE, settings=SETTINGS)


def rows(site: Path) -> dict[str, BeautifulSoup]:
    page = soup(site / "_desk" / "index.html")
    return {tr["data-slug"]: tr for tr in page.select("table.desk-table tbody tr")}


def problems_of(row) -> list[tuple[str, str]]:
    return [
        (li.select_one(".sev").get_text(strip=True), li.get_text(" ", strip=True))
        for li in row.select(".problems li")
        if li.select_one(".sev")
    ]


def test_dashboard_lists_every_article_and_page_with_status(desk_site):
    found = rows(desk_site)
    assert set(found) == {
        "long-title", "no-summary", "overdue", "draft-plan", "future-post", "about",
    }  # fmt: skip
    status = {slug: row.select_one(".status").get_text(strip=True) for slug, row in found.items()}
    assert status["draft-plan"] == "Draft"
    assert status["future-post"] == "Scheduled"
    assert status["overdue"] == "Published"
    assert status["about"] == "Published"


def test_dashboard_shows_each_problem_with_its_severity(desk_site):
    found = rows(desk_site)
    overdue = problems_of(found["overdue"])
    assert any(sev == "Error" and "review overdue" in text for sev, text in overdue), overdue
    assert "days overdue" in found["overdue"].get_text()
    missing = problems_of(found["no-summary"])
    assert any(sev == "Warning" and "no summary" in text for sev, text in missing), missing
    assert "missing" in found["no-summary"].get_text()
    long = problems_of(found["long-title"])
    assert any(
        sev == "Warning" and f"title is {len(LONG_TITLE)} characters" in text for sev, text in long
    ), long


def test_dashboard_puts_the_worst_first_and_is_sortable(desk_site):
    order = list(rows(desk_site))
    assert order[0] == "overdue"  # the only error
    assert set(order[1:3]) == {"no-summary", "long-title"}
    page = soup(desk_site / "_desk" / "index.html")
    assert page.select_one('meta[name="robots"]')["content"].startswith("noindex")
    assert page.select_one('th[aria-sort="descending"]').get_text(strip=True) == "Problems"
    assert page.select_one('script[src="desk.js"]') is not None
    assert (desk_site / "_desk" / "desk.js").is_file()
    assert (desk_site / "_desk" / "desk.css").is_file()


def test_dashboard_shows_the_real_card_thumbnail_with_alt(desk_site):
    img = rows(desk_site)["overdue"].select_one(".cell-card img")
    assert img["alt"]
    assert img["src"].startswith("../og/")
    assert (desk_site / "_desk" / img["src"]).resolve().is_file()


def test_article_page_shows_full_card_and_crawler_tags(desk_site):
    page = soup(desk_site / "_desk" / "long-title" / "index.html")
    assert page.select_one('meta[name="robots"]')["content"].startswith("noindex")
    card = page.select_one(".card-full img")
    assert card["width"] == "1200"
    assert (desk_site / "_desk" / "long-title" / card["src"]).resolve().is_file()
    tags = {
        row.select("td")[0].get_text(strip=True): row.select("td")[1].get_text(strip=True)
        for row in page.select(".tags-table tbody tr")
    }
    assert tags['property="og:title"'] == LONG_TITLE
    assert tags['name="twitter:card"'] == "summary_large_image"
    assert tags['property="og:image"'].startswith("http://127.0.0.1:8000/og/")


def test_mockups_truncate_where_each_network_would(desk_site):
    page = soup(desk_site / "_desk" / "long-title" / "index.html")
    description = (
        "Lay them down, raise their legs and call 999 if they do not wake within a minute."
    )
    expected = {
        p.rule.key: p
        for p in previews(
            DEFAULT_RULES, title=LONG_TITLE, description=description, url="",
            domain="sharewell.org.uk",
        )
    }  # fmt: skip
    x = page.select_one('[data-network="x"]')
    assert x.select_one(".pv__title") is None
    assert x.select_one(".pv__overlay").get_text(strip=True) == "sharewell.org.uk"
    for key in ("facebook", "linkedin", "whatsapp", "slack", "imessage", "bluesky"):
        mock = page.select_one(f'[data-network="{key}"]')
        lines = [s.get_text() for s in mock.select(".pv__title .pv__line")]
        assert lines == list(expected[key].title.lines), key
        assert lines[-1].endswith("…"), key
        assert len(lines) == DEFAULT_RULES[key].title.lines
    whatsapp = page.select_one('[data-network="whatsapp"] .pv__desc').get_text()
    assert len(whatsapp) <= 80
    assert whatsapp.endswith("…")
    assert page.select_one('[data-network="facebook"] .pv__domain').get_text() == "SHAREWELL.ORG.UK"
    assert "cut off" in page.select_one("#pv-whatsapp").find_parent("section").get_text()


def test_article_page_shows_share_text_with_counts(desk_site):
    page = soup(desk_site / "_desk" / "overdue" / "index.html")
    counts = {
        li.select_one(".share-list__name").get_text(strip=True): li.select_one(
            ".share-list__count"
        ).get_text(strip=True)
        for li in page.select(".share-list li")
    }
    assert counts["X"].endswith("/ 280 characters")
    assert counts["Bluesky"].endswith("/ 300 characters")
    # The kit is in the private folder, which `invoke desk` serves at /_private/.
    kit = page.find("a", string="Open the share kit")
    linked = (desk_site / "_desk" / "overdue" / kit["href"] / "index.html").resolve()
    private = desk_site.with_name(f"{desk_site.name}-private")
    assert "_private" in linked.parts
    rel = linked.relative_to(desk_site.resolve() / "_private")
    assert (private / rel).is_file()
    # Drafts have no article.share: the desk computes it so writers see it before publishing.
    draft = soup(desk_site / "_desk" / "draft-plan" / "index.html")
    assert draft.select(".share-list li")


def test_desk_is_escaped(tmp_path):
    content = tmp_path / "content"
    (content / "articles" / "first-aid").mkdir(parents=True)
    (content / "articles" / "first-aid" / "x.md").write_text(
        "Title: <script>alert(1)</script> & friends\nDate: 2025-01-01 09:00\n"
        "Category: First aid\nSlug: x\nSummary: A <b>bold</b> claim.\n\nBody text.\n",
        encoding="utf-8",
    )
    out = build(tmp_path / "out", content_path=content, settings=SETTINGS)
    for path in (out / "_desk" / "index.html", out / "_desk" / "x" / "index.html"):
        assert "<script>alert" not in path.read_text(encoding="utf-8")


def test_desk_degrades_when_other_plugins_are_off(tmp_path):
    settings = {**SETTINGS, "PLUGINS": ["editors_desk"]}
    out = build(tmp_path / "out", content_path=FIXTURE, settings=settings)
    found = rows(out)
    assert set(found) >= {"long-title", "no-summary", "overdue"}
    assert any("no summary" in text for _, text in problems_of(found["no-summary"]))
    assert "not applicable" in found["overdue"].get_text()
    page = soup(out / "_desk" / "overdue" / "index.html")
    assert "not available" in page.select_one("#share").find_parent("section").get_text()
    assert "og_cards" in page.select_one(".desk-footer").get_text()
    assert any("og:image" in text for _, text in problems_of(found["overdue"]))


def test_publish_config_writes_no_desk(tmp_path):
    settings = {k: v for k, v in SETTINGS.items() if k not in {"EDITORS_DESK_ENABLED", "SITEURL"}}
    out = build(tmp_path / "out", content_path=FIXTURE, settings=settings, config="publishconf")
    assert (out / "index.html").is_file()
    assert not (out / "_desk").exists()
    assert not list(out.rglob("desk.css"))
    assert "_desk" not in (out / "sitemap.xml").read_text() if (out / "sitemap.xml").exists() else 1


def test_dev_config_enables_the_desk_and_publish_config_disables_it():
    from pelican.settings import read_settings

    root = Path(__file__).resolve().parent.parent
    dev = read_settings(str(root / "pelicanconf.py"))
    live = read_settings(str(root / "publishconf.py"))
    assert "editors_desk" in dev["PLUGINS"]
    assert dev["EDITORS_DESK_ENABLED"] is True
    assert live["EDITORS_DESK_ENABLED"] is False


def test_scheduled_article_shows_its_private_card_and_future_tags(desk_site):
    row = rows(desk_site)["future-post"]
    assert "from 2099-01-05" in row.get_text()
    page = soup(desk_site / "_desk" / "future-post" / "index.html")
    card = page.select_one(".card-full img")
    assert (desk_site / "_desk" / "future-post" / card["src"]).resolve().is_file()
    assert "not written yet" in page.select_one("#tags").find_parent("section").get_text()
    keys = [td.get_text(strip=True) for td in page.select(".tags-table tbody tr td:first-child")]
    assert 'property="og:title"' in keys
    assert "Open the page" not in page.select_one(".facts").get_text()


def test_a_desk_bug_in_one_article_does_not_hide_the_others(tmp_path, monkeypatch):
    from editors_desk import rows as desk_rows

    real = desk_rows.build_row

    def flaky(content, **options):
        if content.slug == "overdue":
            raise RuntimeError("boom")
        return real(content, **options)

    monkeypatch.setattr("editors_desk.editors_desk.build_row", flaky)
    out = build(tmp_path / "out", content_path=FIXTURE, settings=SETTINGS)
    found = rows(out)
    assert next(iter(found)) == "overdue"
    assert "could not read this file (RuntimeError: boom)" in found["overdue"].get_text()
    assert (out / "_desk" / "overdue" / "index.html").is_file()
    assert "long-title" in found


def test_content_guard_problems_survive_a_rebuild_in_the_same_process(tmp_path):
    content = tmp_path / "content"
    (content / "articles" / "first-aid").mkdir(parents=True)
    (content / "articles" / "first-aid" / "typo.md").write_text(
        "Title: Cuts and grazes\nDate: 2025-01-01 09:00\nCategory: First aid\nSlug: typo\n"
        # news with tags: the dashboard shows 4 problems a row, the typo must be one of them
        "Tags: first aid, cuts\ncontent_type: news\n"
        "Sumary: Clean the cut and cover it.\n\nWash the cut under running water.\n",
        encoding="utf-8",
    )
    for n in (1, 2):  # Pelican logs an identical warning only once per process
        out = build(tmp_path / f"out-{n}", content_path=content, settings=SETTINGS)
        problems = problems_of(rows(out)["typo"])
        assert any("sumary" in text.lower() for _, text in problems), (n, problems)


@pytest.mark.parametrize(
    ("value", "pinned"),
    [
        ("1764581400", True),
        (" 1764581400\n", True),
        ("", False),
        ("yesterday", False),
        ("-5", False),
        ("1.5", False),
        ("١٢٣", False),  # Arabic-Indic digits: str.isdigit says yes, the variable means ASCII
        ("9" * 40, False),  # out of range: ignored, not a traceback
    ],
)
def test_the_desk_time_follows_source_date_epoch_when_it_is_valid(monkeypatch, value, pinned):
    import datetime as dt

    from editors_desk.editors_desk import _now

    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    shown = _now({"TIMEZONE": "Europe/London"})
    if pinned:
        assert shown == dt.datetime(2025, 12, 1, 9, 30, tzinfo=dt.UTC)
        assert shown.strftime("%Y-%m-%d %H:%M") == "2025-12-01 09:30"  # GMT in December
    else:
        assert abs((shown - dt.datetime.now(dt.UTC)).total_seconds()) < 60


class _Row(dict):
    """A desk row that can be watched (a plain dict has no weak references)."""


def test_rows_are_made_one_at_a_time_and_the_dashboard_is_as_from_whole_rows(tmp_path, monkeypatch):
    # All rows at once were the largest peak of a development build: each is dropped once
    # its page is written, and the dashboard, made from index_row alone, shows the same.
    import weakref

    from editors_desk import rows as desk_rows

    real = desk_rows.build_row
    made: list[weakref.ref] = []
    alive: list[int] = []

    def watched(content, **options):
        alive.append(sum(bool(ref()) for ref in made))  # rows that still hold their data
        row = _Row(real(content, **options))
        made.append(weakref.ref(row))
        return row

    monkeypatch.setattr("editors_desk.editors_desk.build_row", watched)
    streamed = build(tmp_path / "streamed", content_path=FIXTURE, settings=SETTINGS)
    assert len(made) >= 5 and max(alive) <= 1, alive
    monkeypatch.setattr("editors_desk.editors_desk.index_row", dict)  # the whole row
    whole = build(tmp_path / "whole", content_path=FIXTURE, settings=SETTINGS)
    index = (streamed / "_desk" / "index.html").read_text(encoding="utf-8")
    assert index == (whole / "_desk" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (streamed / "_desk").iterdir()) == sorted(
        p.name for p in (whole / "_desk").iterdir()
    )


class _BreaksInTheTable(dict):
    """A dashboard row whose category cannot be read: the table fails after its first rows."""

    def __getitem__(self, key):
        if key == "category":
            raise RuntimeError("boom")
        return super().__getitem__(key)


def test_a_dashboard_that_fails_half_way_leaves_the_last_whole_one(tmp_path, monkeypatch):
    out = build(tmp_path / "out", content_path=FIXTURE, settings=SETTINGS)
    index = out / "_desk" / "index.html"
    whole = index.read_text(encoding="utf-8")
    from editors_desk import editors_desk

    real = editors_desk.index_row
    made: list[dict] = []

    def breaks_late(row):
        made.append(row)
        listed = real(row)
        return _BreaksInTheTable(listed) if len(made) == 4 else listed

    monkeypatch.setattr(editors_desk, "index_row", breaks_late)
    with pytest.raises(RuntimeError, match="boom"):
        build(tmp_path / "out", content_path=FIXTURE, settings=SETTINGS)
    assert len(made) >= 4
    assert index.read_text(encoding="utf-8") == whole
    assert not [p for p in index.parent.iterdir() if p.name.startswith(".index.html")]
