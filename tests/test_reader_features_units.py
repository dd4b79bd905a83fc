"""reader_features: pure functions (related scoring, reading time, feeds, settings)."""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from feedgenerator import Atom1Feed, Rss201rev2Feed
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel.contracts import LinkPreview
from kernel.settings import SettingsError
from reader_features import feeds, reader_features, reading, related, search
from reader_features.related import Item

MEDIA = "{http://search.yahoo.com/mrss/}"


def item(key: str, tags: str = "", category: str = "a", ts: float = 0.0, group=None) -> Item:
    return Item(key, tuple(t for t in tags.split(",") if t), category, ts, group)


# --- related -----------------------------------------------------------------------------


def test_related_prefers_more_and_rarer_shared_tags():
    pool = [
        item("me", "cpr,burns,kids"),
        item("two-shared", "cpr,burns"),
        item("rare", "kids"),
        item("common1", "cpr"),
        item("common2", "cpr"),
        item("common3", "cpr"),
    ]
    keys = [o.key for o in related.related([pool[0]], pool, count=3)["me"]]
    assert keys[0] == "two-shared"
    assert keys[1] == "rare"  # "kids" is on 2 articles, "cpr" on 5: the rarer tag weighs more
    assert "me" not in keys


def test_related_never_contains_self_even_with_duplicate_tags():
    pool = [item("me", "x,x,y"), item("other", "x")]
    result = related.related(pool, pool, count=3)
    assert [o.key for o in result["me"]] == ["other"]
    assert [o.key for o in result["other"]] == ["me"]


def test_related_ties_break_on_newer_date_then_key():
    pool = [
        item("me", "t"),
        item("b-old", "t", ts=1),
        item("a-new", "t", ts=5),
        item("c-new", "t", ts=5),
    ]
    keys = [o.key for o in related.related([pool[0]], pool)["me"]]
    assert keys == ["a-new", "c-new", "b-old"]


def test_related_same_category_wins_a_tie():
    pool = [
        item("me", "t", "first-aid"),
        item("other", "t", "news", 9),
        item("same", "t", "first-aid"),
    ]
    keys = [o.key for o in related.related([pool[0]], pool)["me"]]
    assert keys[0] == "same"


def test_related_tops_up_from_the_newest_of_the_category():
    pool = [
        item("me", "lonely", "c"),
        item("old", "", "c", 1),
        item("new", "", "c", 2),
        item("elsewhere", "", "d", 3),
    ]
    assert [o.key for o in related.related([pool[0]], pool)["me"]] == ["new", "old"]
    no_fill = related.related([pool[0]], pool, fill_from_category=False)
    assert no_fill["me"] == []


def test_related_skips_generic_tags_and_stays_within_a_language():
    pool = [item("me", "generic,rare"), item("g1", "generic"), item("g2", "generic")]
    pool.append(item("r", "rare"))
    pool.append(item("cy", "rare", group="cy"))
    keys = [
        o.key
        for o in related.related([pool[0]], pool, max_tag_size=2, fill_from_category=False)["me"]
    ]
    assert keys == ["r"]


def test_related_targets_outside_the_pool_are_not_suggested():
    pool = [item("pub", "t")]
    draft = item("draft", "t")
    result = related.related([draft, *pool], pool)
    assert [o.key for o in result["draft"]] == ["pub"]
    assert result["pub"] == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from("abcdefgh"), max_size=4),
            st.sampled_from(["x", "y"]),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_related_property_never_self_no_duplicates_deterministic(rows):
    pool = [item(f"k{i}", ",".join(sorted(t)), c, ts) for i, (t, c, ts) in enumerate(rows)]
    first = related.related(pool, pool, count=3)
    second = related.related(list(reversed(pool)), list(reversed(pool)), count=3)
    for target in pool:
        keys = [o.key for o in first[target.key]]
        assert target.key not in keys
        assert len(keys) == len(set(keys)) <= 3
        assert keys == [o.key for o in second[target.key]]


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("", 0),
        ("<p>Call 999 now.</p>", 3),
        ("<p>Don't wait: go to A&amp;E.</p>", 5),
        ("<p>one<br>two</p><ul><li>three</li><li>four</li></ul>", 4),
        ("<p>Hi</p><script>var x = 'not words here';</script><style>p{}</style>", 1),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", 4),
        ("<p>Iechyd da 👋 مرحبا بك</p>", 4),
        ("<p>well-being ‒ self-care</p>", 2),
    ],
)
def test_count_words(html, words):
    assert reading.count_words(html) == words


@pytest.mark.parametrize(
    ("words", "wpm", "minutes"), [(0, 200, 1), (200, 200, 1), (201, 200, 2), (1000, 250, 4)]
)
def test_reading_minutes(words, wpm, minutes):
    result = reading.reading("<p>" + "word " * words + "</p>", wpm)
    assert (result.words, result.minutes) == (words, minutes)


def test_reading_texts():
    assert reading.Reading(1, 1).words_text == "1 word"
    assert reading.Reading(1204, 7).words_text == "1,204 words"
    assert reading.Reading(1204, 7).minutes_text == "7 min read"


# --- settings ----------------------------------------------------------------------------


def test_settings_defaults():
    opts = reader_features.get_settings({})
    assert opts["READER_FEATURES_SEARCH"] is True
    assert opts["READER_FEATURES_RELATED_COUNT"] == 3
    assert opts["READER_FEATURES_WORDS_PER_MINUTE"] == 200
    assert opts["READER_FEATURES_SEARCH_BUNDLE_DIR"] == "pagefind"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("READER_FEATURES_SEARCH", "yes"),
        ("READER_FEATURES_WORDS_PER_MINUTE", 0),
        ("READER_FEATURES_WORDS_PER_MINUTE", True),
        ("READER_FEATURES_RELATED_COUNT", -1),
        ("READER_FEATURES_RELATED_TAG_WEIGHT", -2),
        ("READER_FEATURES_RELATED_MAX_TAG_SIZE", 0),
        ("READER_FEATURES_SEARCH_BUNDLE_DIR", "../up"),
        ("READER_FEATURES_SEARCH_BUNDLE_DIR", ""),
        ("READER_FEATURES_SEARCH_EXCLUDE_SELECTORS", ".nav"),
        ("READER_FEATURES_SEARCH_LANGUAGE", "en gb"),
    ],
)
def test_settings_reject_bad_values_naming_key_and_value(key, value):
    with pytest.raises(SettingsError) as error:
        reader_features.get_settings({key: value})
    assert key in str(error.value)
    assert repr(value) in str(error.value)


# --- feeds -------------------------------------------------------------------------------


def article(url: str, og: dict | None = None, **metadata) -> SimpleNamespace:
    return SimpleNamespace(url=url, og=og, metadata=metadata, summary="<p>Short & sweet</p>")


OG_FIELDS = {
    "image": "https://example.org/og/cpr-1234abcd.png",
    "image_type": "image/png",
    "image_width": 1200,
    "image_height": 630,
    "image_alt": "How to do CPR <Sharewell>",
}
OG = LinkPreview(
    type="article", title="How to do CPR", description="", url=None, site_name="Sharewell",
    locale="en_GB", **OG_FIELDS,
)  # fmt: skip


@pytest.mark.parametrize(
    ("link", "key"),
    [
        ("https://example.org/first-aid/cpr/", "first-aid/cpr/"),
        ("https://example.org/first-aid/cpr/?ref=feed", "first-aid/cpr/"),
        ("https://example.org/sub/first-aid/cpr/", "sub/first-aid/cpr/"),
    ],
)
def test_item_key(link, key):
    assert feeds.item_key(link, "https://example.org") == key


def test_image_for_prefers_og_then_own_image_then_nothing():
    assert feeds.image_for(article("a/", OG), "https://x.org").url == OG.image
    own = feeds.image_for(
        article("a/", None, image="images/cpr.jpg", image_alt="Hands"), "https://x.org"
    )
    assert own == feeds.FeedImage("https://x.org/images/cpr.jpg", "image/jpeg", None, None, "Hands")
    assert feeds.image_for(article("a/"), "https://x.org") is None


@pytest.mark.parametrize("feed_class", [Rss201rev2Feed, Atom1Feed])
def test_enrich_writes_valid_media_rss(feed_class):
    feed = feed_class(
        title="T", link="https://example.org/", description="d", feed_url="https://example.org/f"
    )
    for url in ("first-aid/cpr/", "news/plain/", "not/ours/"):
        feed.add_item(
            title=url,
            link=f"https://example.org/{url}?ref=feed",
            description=None,
            content="<p>x</p>",
        )
    known = {"first-aid/cpr/": article("first-aid/cpr/", OG), "news/plain/": article("news/plain/")}
    assert feeds.enrich(feed, known, "https://example.org") == 1
    out = io.StringIO()
    feed.write(out, "utf-8")
    root = ET.fromstring(out.getvalue().encode())
    items = root.findall(".//item") or root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(items) == 3
    media = items[0].find(f"{MEDIA}content")
    assert media is not None
    assert media.get("url") == OG.image
    assert (media.get("width"), media.get("height"), media.get("medium")) == (
        "1200",
        "630",
        "image",
    )
    assert media.find(f"{MEDIA}description").text == OG.image_alt
    assert items[0].find(f"{MEDIA}thumbnail").get("url") == OG.image
    assert items[1].find(f"{MEDIA}content") is None
    if feed_class is Rss201rev2Feed:
        enclosure = items[0].find("enclosure")
        assert (enclosure.get("url"), enclosure.get("type"), enclosure.get("length")) == (
            OG.image,
            "image/png",
            "0",
        )
        assert items[0].find("description").text == "<p>Short & sweet</p>"
    else:
        atom = "{http://www.w3.org/2005/Atom}"
        links = {link.get("rel"): link.get("href") for link in items[0].findall(f"{atom}link")}
        assert links["enclosure"] == OG.image
        assert items[0].find(f"{atom}summary").text == "<p>Short & sweet</p>"


def test_media_class_is_cached_and_idempotent():
    cls = feeds.media_class(Rss201rev2Feed)
    assert feeds.media_class(Rss201rev2Feed) is cls
    assert feeds.media_class(cls) is cls


# --- search ------------------------------------------------------------------------------


def test_find_binary_uses_the_pip_package_and_rejects_a_bad_setting(tmp_path):
    assert search.find_binary().is_file()
    with pytest.raises(search.SearchError, match="READER_FEATURES_PAGEFIND_BINARY"):
        search.find_binary(str(tmp_path / "missing"))


def test_run_pagefind_indexes_only_the_marked_body(tmp_path):
    page = tmp_path / "site" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><title>A</title></head><body>"
        "<nav>Navigation words</nav><article data-pagefind-body><h1>Tourniquet</h1>"
        "<p>Press hard on the wound.</p><p data-pagefind-ignore>5 min read</p></article>"
        "<section class='share'>Share this page</section></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "site" / "other.html").write_text("<p>Unmarked page</p>", encoding="utf-8")
    stats = search.run_pagefind(search.find_binary(), tmp_path / "site", "pagefind")
    assert stats.pages == 1
    assert stats.files > 0
    assert stats.bytes > 0
    (fragment,) = (tmp_path / "site" / "pagefind" / "fragment").iterdir()
    content = gzip.decompress(fragment.read_bytes()).decode()
    assert "Tourniquet" in content
    assert "Press hard" in content
    for text in ("Navigation", "Share this page", "min read", "Unmarked"):
        assert text not in content


def test_run_pagefind_reports_a_failing_binary(tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: site folder is broken' >&2\nexit 3\n")
    fake.chmod(0o755)
    (tmp_path / "site").mkdir()
    with pytest.raises(search.SearchError, match=r"exited 3: Error: site folder is broken"):
        search.run_pagefind(fake, tmp_path / "site", "pagefind")


def test_a_missing_binary_is_a_configuration_error_not_a_crash(tmp_path, caplog):
    settings = {
        "OUTPUT_PATH": str(tmp_path),
        "CACHE_PATH": str(tmp_path / "cache"),
        "READER_FEATURES_PAGEFIND_BINARY": "/nope/pagefind",
    }
    pelican = SimpleNamespace(settings=settings)
    reader_features.initialized(pelican)
    generator = SimpleNamespace(settings=settings, context={})
    reader_features.all_generators_finalized([generator])
    assert generator.context["READER_FEATURES_SEARCH"] is True  # exposed to templates
    assert "READER_FEATURES_SEARCH" not in settings  # settings are never written to
    reader_features.finalized(pelican)
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "search index not built" in errors[0].getMessage()
    assert "/nope/pagefind" in errors[0].getMessage()
    assert reader_features.last_search(tmp_path / "cache") is None


def test_the_index_fingerprint_counts_only_the_pages_pagefind_reads(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "pagefind").mkdir()
    article = site / "a" / "index.html"
    article.write_text("<main data-pagefind-body>CPR</main>", encoding="utf-8")
    desk = site / "desk.html"
    desk.write_text("<main>built at 10:00</main>", encoding="utf-8")
    (site / "pagefind" / "x.html").write_text("bundle", encoding="utf-8")
    first = search.index_fingerprint(site, "pagefind", ["--output-subdir", "pagefind"], "1.5")
    desk.write_text("<main>built at 10:01</main>", encoding="utf-8")
    (site / "pagefind" / "x.html").write_text("new bundle", encoding="utf-8")
    assert (
        search.index_fingerprint(site, "pagefind", ["--output-subdir", "pagefind"], "1.5") == first
    )
    assert (
        search.index_fingerprint(site, "pagefind", ["--output-subdir", "pagefind"], "1.6") != first
    )
    article.write_text("<main data-pagefind-body>CPR, 30:2</main>", encoding="utf-8")
    changed = search.index_fingerprint(site, "pagefind", ["--output-subdir", "pagefind"], "1.5")
    assert changed != first
    article.rename(site / "a" / "moved.html")  # a page's address is part of what is indexed
    assert (
        search.index_fingerprint(site, "pagefind", ["--output-subdir", "pagefind"], "1.5")
        != changed
    )
    # With no page marked, Pagefind reads every page, so every page counts.
    (site / "a" / "moved.html").unlink()
    unmarked = search.index_fingerprint(site, "pagefind", [], "1.5")
    desk.write_text("<main>built at 10:02</main>", encoding="utf-8")
    assert search.index_fingerprint(site, "pagefind", [], "1.5") != unmarked


def _marked(path, words):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!DOCTYPE html><html lang='en'><head><title>{words}</title></head><body>"
        f"<main data-pagefind-body><h1>{words}</h1></main></body></html>",
        encoding="utf-8",
    )


def test_pagefind_skips_the_plugins_own_folders_and_indexes_every_other_page(tmp_path):
    site = tmp_path / "site"
    _marked(site / "index.html", "Home page")
    _marked(site / "first-aid" / "cpr" / "index.html", "Chest compressions")
    _marked(site / "cy" / "first-aid" / "cpr" / "index.html", "Cywasgiadau")
    _marked(site / "_desk" / "cpr" / "index.html", "Deskonly")  # marked: read means indexed
    (site / "og").mkdir()  # a skipped folder with no pages
    state = tmp_path / "cache" / "state.json"
    stats = search.run_pagefind(
        search.find_binary(), site, "pagefind", state_file=state, skip_folders=["_desk/", "og"]
    )
    assert stats.pages == 3
    words = "".join(
        gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
        for f in (site / "pagefind" / "fragment").iterdir()
    )
    assert "Chest compressions" in words and "Cywasgiadau" in words and "Home page" in words
    assert "Deskonly" not in words
    # The desk changes on every build: with it skipped, the index is reused, not rebuilt.
    _marked(site / "_desk" / "cpr" / "index.html", "Deskonly again")
    again = search.run_pagefind(
        search.find_binary(), site, "pagefind", state_file=state, skip_folders=["_desk/", "og"]
    )
    assert again.pages == 3 and again.seconds == 0  # the kept index: Pagefind did not run


def test_the_fingerprint_is_the_same_before_and_after_the_skipped_folders_appear(tmp_path):
    # A cold build runs Pagefind before the desk is written and the cards are placed.
    site = tmp_path / "site"
    _marked(site / "first-aid" / "cpr" / "index.html", "Chest compressions")
    options = ["--output-subdir", "pagefind", "--skip=_desk"]
    before = search.index_fingerprint(site, "pagefind", options, "1.5", ["_desk"])
    assert search.page_glob(site, ["_desk"]) is None  # nothing to leave out yet: every file
    _marked(site / "_desk" / "cpr" / "index.html", "Desk")
    (site / "og").mkdir()
    assert search.index_fingerprint(site, "pagefind", options, "1.5", ["_desk"]) == before
    assert search.page_glob(site, ["_desk"]) == "{*.html,first-aid/**/*.html,og/**/*.html}"


def test_a_folder_named_with_glob_characters_keeps_pagefinds_own_glob(tmp_path):
    site = tmp_path / "site"
    for name in ("_desk", "a{b", "c"):
        (site / name).mkdir(parents=True)
    assert search.page_glob(site, ["_desk"]) is None
    assert search.page_glob(tmp_path / "missing", ["_desk"]) is None
