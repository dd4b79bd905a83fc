"""share_snippets: network builders, settings validation and article.share data."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kernel.settings import SettingsError
from share_snippets import get_settings
from share_snippets.compose import Post, fit
from share_snippets.data import ShareData
from share_snippets.networks import (
    FROM_TEXT,
    NETWORKS,
    Prepared,
    add_params,
    build_mastodon,
    link_from_text,
    percent_encode,
    query,
    share_link,
)
from share_snippets.share_snippets import DEFAULTS, KEYS, schedule_start

TITLE = 'Fish & chips: "100%" #1 <script>x</script> 🔥 مرحبا'
URL = "https://www.sharewell.org.uk/first-aid/burns/?utm_source=x&utm_medium=social"
BODY = f"{TITLE}\n\nSummary line.\n\n#FirstAid #NHS"
POST = Post(TITLE, "Summary line.", ("FirstAid", "NHS"), BODY, f"{BODY}\n\n{URL}", False)
PREPARED = Prepared(post=POST, url=URL, title=TITLE, via="SharewellUK")


def params(link: str) -> tuple[str, dict[str, str]]:
    """Split a share link into its base and decoded, single-valued parameters."""
    parts = urlsplit(link)
    decoded = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in decoded.values()), decoded
    base = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else f"{parts.scheme}:"
    return base, {k: v[0] for k, v in decoded.items()}


def assert_encoded_once(link: str) -> None:
    query_string = urlsplit(link).query
    assert "+" not in query_string, "spaces must be %20"
    assert " " not in link and "\n" not in link and "#" not in query_string
    assert "%2520" not in link and "%2526" not in link  # never encoded twice


@pytest.mark.parametrize(
    ("key", "base", "expected"),
    [
        ("x", "https://x.com/intent/post", {"text": BODY, "url": URL, "via": "SharewellUK"}),
        ("facebook", "https://www.facebook.com/sharer.php", {"u": URL}),
        ("linkedin", "https://www.linkedin.com/sharing/share-offsite/", {"url": URL}),
        ("whatsapp", "https://api.whatsapp.com/send", {"text": POST.text}),
        ("telegram", "https://t.me/share/url", {"url": URL, "text": BODY}),
        ("bluesky", "https://bsky.app/intent/compose", {"text": POST.text}),
        (
            "threads",
            "https://www.threads.com/intent/post",
            {"text": f"{TITLE}\n\nSummary line.", "url": URL, "tag": "FirstAid"},
        ),
        ("reddit", "https://www.reddit.com/submit", {"url": URL, "title": TITLE}),
        ("email", "mailto:", {"subject": TITLE, "body": POST.text.replace("\n", "\r\n")}),
    ],
)
def test_builder_produces_exactly_the_documented_parameters(key, base, expected):
    link = NETWORKS[key].build(PREPARED)
    got_base, got = params(link)
    assert got_base == base
    assert got == expected
    assert_encoded_once(link)


def test_mastodon_link_for_an_instance():
    link = build_mastodon(PREPARED, "mastodon.social")
    assert params(link) == ("https://mastodon.social/share", {"text": POST.text})


def test_threads_drops_a_topic_tag_over_50_characters():
    long_tag = Post("T", "", ("A" * 51,), "T\n\n#" + "A" * 51, "T", False)
    link = NETWORKS["threads"].build(Prepared(post=long_tag, url=URL, title="T"))
    assert "tag" not in params(link)[1]


def test_email_uses_percent_20_for_spaces():
    link = NETWORKS["email"].build(PREPARED)
    assert link.startswith("mailto:?subject=Fish%20%26%20chips")
    assert "+" not in link


def test_email_follows_rfc_6068():
    text = "Line one\n\nLine two\r\nhttps://e.org/?a=1&b=2#x"
    post = Post("T", "", (), "Line one\n\nLine two", text, False)
    link = NETWORKS["email"].build(Prepared(post=post, url=URL, title="Title\nwith break?"))
    subject, body = link.removeprefix("mailto:?").split("&")
    assert subject == "subject=Title%20with%20break%3F"  # a header: no line breaks, ? encoded
    # RFC 6068 section 5: line breaks in a body are %0D%0A; "&", "=", "#" and "?" encoded.
    assert body == ("body=Line%20one%0D%0A%0D%0ALine%20two%0D%0Ahttps%3A%2F%2Fe.org%2F%3Fa%3D1"
                    "%26b%3D2%23x")  # fmt: skip
    assert "%0A" not in body.replace("%0D%0A", "")


def test_copy_link_and_native_share_use_the_tracked_url():
    assert NETWORKS["copy_link"].build(PREPARED) == URL
    assert NETWORKS["native_share"].build(PREPARED) == URL


def test_query_skips_empty_values_and_encodes_once():
    assert query([("a", "x y&z%"), ("b", ""), ("c", "é")]) == "a=x%20y%26z%25&c=%C3%A9"
    assert unquote("x%20y%26z%25") == "x y&z%"


def test_add_params_replaces_and_keeps_existing():
    assert add_params("https://a.uk/p/?q=1&utm_source=old", [("utm_source", "x")]) == (
        "https://a.uk/p/?q=1&utm_source=x"
    )


# ---- settings --------------------------------------------------------------------------
def test_defaults_are_valid():
    config = get_settings({})
    assert config["SHARE_SNIPPETS_NETWORKS"] == list(NETWORKS)
    assert set(config) == set(DEFAULTS)


def test_unknown_network_is_a_configuration_error_naming_it():
    with pytest.raises(SettingsError, match="myspace") as caught:
        get_settings({"SHARE_SNIPPETS_NETWORKS": ["x", "myspace"]})
    assert caught.value.key == "SHARE_SNIPPETS_NETWORKS"
    assert "'myspace'" in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SHARE_SNIPPETS_NETWORKS", ["x", "x"]),
        ("SHARE_SNIPPETS_NETWORKS", 3),
        ("SHARE_SNIPPETS_SCHEDULE_SPACING", 5),
        ("SHARE_SNIPPETS_SCHEDULE_MAX_ROWS", 351),
        ("SHARE_SNIPPETS_SCHEDULE_START", "tomorrow"),
        ("SHARE_SNIPPETS_SCHEDULE_NETWORKS", ["copy_link"]),
        ("SHARE_SNIPPETS_HASHTAGS_MAX", -1),
        ("SHARE_SNIPPETS_UTM", "yes"),
        ("SHARE_SNIPPETS_UTM_CAMPAIGN", "{title}"),
        ("SHARE_SNIPPETS_X_VIA", "not a handle"),
        ("SHARE_SNIPPETS_EXPORT_DIR", "../outside"),
        ("SHARE_SNIPPETS_TARGET", 'x" onclick="y'),
    ],
)
def test_bad_settings_name_key_and_value(key, value):
    with pytest.raises(SettingsError, match=key):
        get_settings({key: value})


def test_disabled_networks_get_no_scheduler_csv():
    config = get_settings({"SHARE_SNIPPETS_NETWORKS": ["x", "email"]})
    assert config["SHARE_SNIPPETS_SCHEDULE_NETWORKS"] == ["x"]


def test_every_documented_share_key_is_declared():
    """content_guard warns about undeclared keys: `share_text_facebook` must not be one."""
    names = {key.name for key in KEYS}
    assert {"share_text", "share_text_x", "share_text_facebook", "hashtags", "share"} <= names
    assert all(key.owner == "share_snippets" for key in KEYS)


def test_schedule_start_defaults_to_9am_tomorrow_in_site_time():
    config = get_settings({})
    start = schedule_start(config, {"TIMEZONE": "Europe/London"}, datetime(2026, 3, 28, 23, 0))
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 3, 29, 9, 0)
    assert start.utcoffset().total_seconds() == 3600  # BST has begun on 29 March 2026
    fixed = get_settings({"SHARE_SNIPPETS_SCHEDULE_START": "2026-02-01 07:30"})
    assert schedule_start(fixed, {"TIMEZONE": "UTC"}).isoformat() == "2026-02-01T07:30:00+00:00"


# ---- article.share ---------------------------------------------------------------------
def fake_article(**overrides):
    meta = overrides.pop("metadata", {"summary": "<p>A &amp; B summary.</p>"})
    values = {
        "title": "Burns & scalds <b>",
        "url": "first-aid/burns/",
        "slug": "burns",
        "lang": "en-GB",
        "category": SimpleNamespace(slug="first-aid"),
        "tags": [SimpleNamespace(name="first aid"), SimpleNamespace(name="burns")],
        "content": "<p>Cool the burn. Then cover it.</p>",
        "date": datetime(2026, 1, 1, 9, 0),
        "metadata": meta,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


SITE = "https://www.sharewell.org.uk"


def test_share_data_reads_article_fields_and_tracks_only_shared_urls():
    share = ShareData(fake_article(), get_settings({}), SITE)
    assert share.title == "Burns & scalds <b>"  # plain text: shown as written
    assert share.description == "A & B summary."
    assert share.canonical == f"{SITE}/first-aid/burns/"
    x = share.networks["x"]
    assert x.url == f"{SITE}/first-aid/burns/?utm_source=x&utm_medium=social&utm_campaign=burns"
    assert "#FirstAid #Burns" in x.text and x.length <= 280
    assert share.kit_url == "share-kit/first-aid/burns/"
    assert [link.key for link in share.links] == list(NETWORKS)
    assert share.networks["whatsapp"].prefix == "Share on "


def test_share_data_prefers_og_values_when_og_cards_set_them():
    og = SimpleNamespace(
        title="OG title", description="OG description.", image_url=f"{SITE}/og/abc.png"
    )
    share = ShareData(fake_article(og=og), get_settings({}), SITE)
    assert (share.title, share.description, share.image_url) == (
        "OG title",
        "OG description.",
        f"{SITE}/og/abc.png",
    )
    as_dict = ShareData(fake_article(og={"title": "Dict title"}), get_settings({}), SITE)
    assert as_dict.title == "Dict title"
    assert as_dict.description == "A & B summary."


def test_no_summary_uses_the_first_sentence_of_the_body():
    share = ShareData(fake_article(metadata={}), get_settings({}), SITE)
    assert share.description == "Cool the burn."


def test_utm_off_and_custom_campaign():
    share = ShareData(fake_article(), get_settings({"SHARE_SNIPPETS_UTM": False}), SITE)
    assert share.networks["facebook"].url == share.canonical
    custom = get_settings({"SHARE_SNIPPETS_UTM_CAMPAIGN": "{category}-{slug}"})
    url = ShareData(fake_article(), custom, SITE).tracked_url("bluesky")
    assert url.endswith("utm_source=bluesky&utm_medium=social&utm_campaign=first-aid-burns")


def test_per_network_override_and_hashtags_metadata():
    meta = {"share_text": "General text", "share_text_x": "X text", "hashtags": "CPR, save lives"}
    share = ShareData(fake_article(metadata=meta), get_settings({}), SITE)
    assert share.networks["x"].text.startswith("X text\n\n#CPR #SaveLives\n\n")
    assert share.networks["bluesky"].text.startswith("General text\n\n#CPR #SaveLives")


def test_x_via_is_counted_and_passed():
    share = ShareData(fake_article(), get_settings({"SHARE_SNIPPETS_X_VIA": "@Sharewell"}), SITE)
    x = share.networks["x"]
    assert x.text.endswith("via @Sharewell")
    assert params(x.href)[1]["via"] == "Sharewell"


def test_mastodon_limit_setting_is_used():
    settings = get_settings({"SHARE_SNIPPETS_MASTODON_LIMIT": 100})
    meta = {"summary": "word " * 100}
    mastodon = ShareData(fake_article(metadata=meta), settings, SITE).networks["mastodon"]
    assert mastodon.limit == 100 and mastodon.length <= 100 and mastodon.trimmed


def test_translations_get_their_own_kit_page():
    share = ShareData(fake_article(in_default_lang=False, lang="cy"), get_settings({}), SITE)
    assert share.kit_url == "share-kit/first-aid/burns/cy/"
    assert share.kit_save_as == "share-kit/first-aid/burns/cy/index.html"


@pytest.mark.parametrize(
    ("settings", "metadata"),
    [
        ({"SHARE_SNIPPETS_X_VIA": "SharewellUK"}, None),
        ({"SHARE_SNIPPETS_UTM": False}, None),
        ({}, {"share_text": '<script>alert("x")</script> & "quotes" / slash', "hashtags": "CPR"}),
        ({}, {"summary": "<p>" + "Press hard and fast in the centre of the chest. " * 250}),
        ({}, {}),
    ],
    ids=["via", "no-utm", "hostile-override", "2000-words", "no-summary"],
)
def test_each_snippets_text_is_the_fitted_post_and_its_count(settings, metadata):
    # The text is made from the body and the link when asked (not stored): it must still be
    # exactly what fitting produced, counted by the network's own rule, in every link.
    kwargs = {} if metadata is None else {"metadata": metadata}
    share = ShareData(fake_article(**kwargs), get_settings(settings), SITE)
    for key, snippet in share.networks.items():
        job = share.fit_job(key)
        post = fit(*job)
        assert snippet.text == post.text and snippet.body == post.body, key
        assert snippet.length == job[4].counter(snippet.text), key
        assert job[4].fits(snippet.text), key
        assert "<script>" not in snippet.href
        # Kept or made when asked, the link is the one the network's builder makes.
        whole = Prepared(post=post, url=snippet.url, title=share.title, via=snippet.via)
        assert snippet.href == share_link(key, whole), key
        assert (snippet.link is None) == (key in FROM_TEXT), key
        if key in ("whatsapp", "bluesky"):
            assert params(snippet.href)[1]["text"] == snippet.text
        if key == "email":
            assert params(snippet.href)[1]["body"] == snippet.text.replace("\n", "\r\n")
        if key == "x":
            assert params(snippet.href)[1]["text"] == snippet.body
            via = settings.get("SHARE_SNIPPETS_X_VIA")
            assert snippet.text.endswith(f"{snippet.url} via @{via}" if via else snippet.url)


HOSTILE_POSTS = [
    Post(TITLE, "Summary line.", ("FirstAid", "NHS"), BODY, f"{BODY}\n\n{URL}", False),
    Post("", "", (), "", URL, False),
    Post('a "b" / c', "x" * 10_000, ("T" * 60,), "y" * 10_000, "y" * 10_000 + " " + URL, True),
    Post("\u202eabc\u200d", "tab\tline\r\nbreak", ("Ⅻ",), "é&%20+#?", "é&%20+#? " + URL, False),
]


@pytest.mark.parametrize("post", HOSTILE_POSTS)
@pytest.mark.parametrize("key", sorted(FROM_TEXT))
def test_a_link_made_from_the_text_alone_is_the_builders_own(key, post):
    for via in ("", "SharewellUK"):
        whole = Prepared(post=post, url=URL, title=post.title or "Fallback title", via=via)
        assert link_from_text(key, post.body, post.text, URL, via) == share_link(key, whole)


@pytest.mark.parametrize("key", sorted(set(NETWORKS) - FROM_TEXT))
def test_a_link_that_needs_the_title_or_tags_is_never_made_from_the_text(key):
    with pytest.raises(ValueError, match=key):
        link_from_text(key, BODY, POST.text, URL)
    assert share_link(key, PREPARED) != share_link(
        key, Prepared(post=Post("", "", (), BODY, POST.text, False), url=URL, title="", via="")
    )


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400))
def test_percent_encoding_is_urllibs_quote_with_nothing_safe(text):
    assert percent_encode(text) == quote(text, safe="")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "a b&c=d#e?f/g+h%20",
        "\r\n\t\x00\x7f",
        "é🚑 مرحبا Ⅻ \u200d\ufe0f",
        "~_.-AZaz09",
        "x" * 10_000,
    ],
)
def test_percent_encoding_of_hostile_texts_is_urllibs(text):
    assert percent_encode(text) == quote(text, safe="")
    assert unquote(percent_encode(text)) == text


def test_percent_encoding_refuses_a_lone_surrogate_as_urllib_does():
    with pytest.raises(UnicodeEncodeError):
        quote("\ud800", safe="")
    with pytest.raises(UnicodeEncodeError):
        percent_encode("\ud800")
