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
from reader_features import feeds, reader_features, reading, related
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


def test_enclosure_lengths_are_the_cards_sizes_and_the_rest_of_the_feed_is_untouched(tmp_path):
    site = "https://www.sharewell.org.uk"
    (tmp_path / "og").mkdir()
    (tmp_path / "og" / "a&b.png").write_bytes(b"x" * 1234)
    (tmp_path / "og" / "c.png").write_bytes(b"y" * 99)
    (tmp_path.parent / "outside.png").write_bytes(b"z" * 7)
    feed = tmp_path / "feeds" / "all.rss.xml"
    feed.parent.mkdir()
    head = '<?xml version="1.0" encoding="utf-8"?>\r\n<rss><channel><title>Cymorth 🚑 اول</title>'
    items = [
        f'<item><enclosure url="{site}/og/a&amp;b.png" length="0" type="image/png"/></item>',
        f'<item><enclosure url="{site}/og/c.png" length="55" type="image/png"/></item>',
        '<item><enclosure url="https://cdn.example/og/c.png" length="0" type="image/png"/></item>',
        f'<item><enclosure url="{site}/../outside.png" length="0" type="image/png"/></item>',
        f'<item><enclosure url="{site}/og/missing.png" length="0" type="image/png"/></item>',
        f'<entry><link rel="enclosure" href="{site}/og/c.png" length="0" type="x"/></entry>',
    ]
    original = head + "\r\n".join(items) + "</channel></rss>\r\n"
    feed.write_bytes(original.encode("utf-8"))
    twin = feed.with_name("all.rss.xml.gz")
    twin.write_bytes(b"old")
    assert feeds.fix_enclosure_lengths(tmp_path, site, [feed]) == 2
    expected = (
        original.replace('a&amp;b.png" length="0"', 'a&amp;b.png" length="1234"')
        .replace('og/c.png" length="0" type="x"', 'og/c.png" length="99" type="x"')
    ).encode("utf-8")  # fmt: skip
    assert feed.read_bytes() == expected  # CR LF, emoji and Arabic kept byte for byte
    assert gzip.decompress(twin.read_bytes()) == expected
    assert feeds.fix_enclosure_lengths(tmp_path, site, [feed]) == 0  # nothing left to fix
