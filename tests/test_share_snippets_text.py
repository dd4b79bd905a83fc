"""share_snippets: length counting per network, text composition and fitting (pure)."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from share_snippets import fitting
from share_snippets.compose import (
    ELLIPSIS,
    Rule,
    clean,
    first_sentence,
    fit,
    hashtags_from,
    strip_markup,
)
from share_snippets.counting import (
    bluesky_length,
    graphemes,
    mastodon_length,
    threads_length,
    x_length,
)
from share_snippets.networks import NETWORKS

URL = "https://www.sharewell.org.uk/first-aid/burns-and-scalds/?utm_source=x&utm_medium=social"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence, 18 UTF-8 bytes
FLAG = "\U0001f1ec\U0001f1e7"


# ---- X: twitter-text v3 (twitter-text-parser); the full suites are in _reference.py ----------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("This is a test.", 15),
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2
        ("…", 2),  # U+2026 is outside the weight-100 ranges
        ("—‘’“”", 5),  # U+2014, U+2018-201D are inside 8208-8223
        ("e\u0301", 1),  # NFC composes to é first
        (FAMILY, 2),  # one emoji sequence, not 5 code points
        (FLAG, 2),
        ("Hi http://test.co", 26),  # every URL is 23
        ("www.nhs.uk", 23),
        ("nhs.uk", 23),  # X links a bare domain with a ccTLD ("t.co" in the conformance suite)
        ("nhs.uk/conditions", 23),
        ("mail me@example.com", 19),  # addresses are not links
    ],
)
def test_x_length_follows_twitter_text_v3(text, expected):
    assert x_length(text) == expected


def test_clean_removes_characters_no_network_accepts():
    assert clean("a\x00b\x1b[31mc\ufeffd\ufffe\u200fe\n f") == "ab[31mcd\u200fe f"


# ---- Bluesky, Mastodon, Threads --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", 3),
        (FAMILY, 1),
        (FLAG, 1),
        ("e\u0301", 1),
        ("See https://www.sharewell.org.uk/first-aid/burns-and-scalds/", 4 + 56),  # as written
    ],
)
def test_bluesky_counts_graphemes_as_written(text, expected):
    assert bluesky_length(text) == expected


def test_mastodon_counts_each_url_as_23():
    assert mastodon_length("a https://example.com/" + "x" * 100) == 2 + 23
    assert mastodon_length("a https://e.co b https://f.co", url_length=23) == 2 + 23 + 3 + 23
    assert mastodon_length("日本") == 2


@pytest.mark.parametrize(
    ("text", "expected"), [("abc", 3), ("😀", 4), (FAMILY, 18), ("é", 1), ("日本", 2)]
)
def test_threads_counts_emoji_as_utf8_bytes(text, expected):
    assert threads_length(text) == expected


def test_threads_length_without_emoji_is_the_per_cluster_count():
    # an emoji-free text is counted in one step; it must equal the definition, cluster by cluster
    from share_snippets.counting import graphemes, is_emoji

    def by_cluster(text):
        return sum(len(c.encode("utf-8")) if is_emoji(c) else len(c) for c in graphemes(text))

    rng = random.Random(18)  # noqa: S311 - repeatable test input, not a secret
    alphabet = "ab 09#*…’ŵé\u0301\r\n\u200d\ufe0f\u20e3☎©🇬🇧😀日"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert threads_length(text) == by_cluster(text), repr(text)


# ---- composition -----------------------------------------------------------------------
def test_hashtags_are_camel_case_safe_and_deduplicated():
    tags = ["mental health", "Mental-Health", "NHS", "999", "burns & scalds", "#covid-19", "نوم"]
    assert hashtags_from(tags, 10) == ("MentalHealth", "NHS", "BurnsScalds", "Covid19", "نوم")
    assert hashtags_from(tags, 2) == ("MentalHealth", "NHS")
    assert hashtags_from([], 3) == ()


def test_strip_markup_and_first_sentence():
    assert strip_markup("Fish &amp; <em>chips</em>\n<script>x()</script>") == "Fish & chips"
    body = "<h2>Intro</h2><p>  </p><p>Call 999 now. Then wait, e.g. for help.</p><p>Later.</p>"
    assert first_sentence(body) == "Call 999 now."
    assert first_sentence("<p>No full stop here</p>") == "No full stop here"
    assert first_sentence("") == ""
    card = '<div class="care-card care-card--emergency"><p>Call 999 now if:</p></div>'
    assert first_sentence(f"{card}<p>Choking is common. More.</p>") == "Choking is common."


def test_fit_keeps_everything_when_it_fits():
    post = fit("Title", "Summary.", ("FirstAid",), URL, NETWORKS["x"].rule)
    assert post.text == f"Title\n\nSummary.\n\n#FirstAid\n\n{URL}"
    assert not post.trimmed


def test_fit_drops_hashtags_before_trimming_the_summary():
    summary = "word " * 49  # 244 characters: fits on X only without any hashtag
    post = fit("Title", summary, ("One", "Two", "Three"), URL, NETWORKS["x"].rule)
    assert post.hashtags == ()
    assert post.summary == clean(summary)
    assert x_length(post.text) <= 280


def test_fit_drops_the_last_hashtags_first():
    summary = "word " * 48  # 239 characters: room for "#One" only
    post = fit("Title", summary, ("One", "Two", "Three"), URL, NETWORKS["x"].rule)
    assert post.hashtags == ("One",)
    assert post.trimmed


def test_fit_trims_the_summary_at_a_word():
    summary = " ".join(f"word{i}" for i in range(100))
    post = fit("Title", summary, ("Tag",), URL, NETWORKS["x"].rule)
    assert post.summary.endswith(ELLIPSIS)
    kept = post.summary[: -len(ELLIPSIS)]
    assert summary.startswith(kept) and summary[len(kept)] == " "
    assert x_length(post.text) <= 280
    assert post.text.endswith(URL)


def test_fit_never_breaks_a_grapheme():
    summary = FAMILY * 400  # no spaces: trimming falls back to grapheme boundaries
    post = fit("", summary, (), URL, NETWORKS["threads"].rule)
    kept = post.summary[: -len(ELLIPSIS)]
    assert kept and set(graphemes(kept)) == {FAMILY}
    assert threads_length(post.text) <= 500


def test_override_text_is_trimmed_but_never_the_url():
    post = fit("x" * 600, "", (), URL, NETWORKS["bluesky"].rule)
    assert post.text.endswith(URL) and bluesky_length(post.text) <= 300


HARD_TITLES = [
    "Quotes \"double\" and 'single'",
    "Fish & chips #1 100% <script>alert(1)</script>",
    "Line\nbreaks\r\nand\ttabs",
    "الإسعافات الأولية للحروق والسموط",
    "🔥" * 200,
    "日本語のタイトル" * 40,
    "a" * 600,
]
SUMMARY_500 = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 9)[:500]
LIMITED = [key for key, net in NETWORKS.items() if net.rule.limit is not None]


@pytest.mark.parametrize("title", HARD_TITLES)
@pytest.mark.parametrize("key", LIMITED)
def test_hard_cases_fit_every_network(title, key):
    rule = NETWORKS[key].rule
    post = fit(title, SUMMARY_500, ("FirstAid", "Burns", "NHS"), URL, rule)
    assert rule.fits(post.text), (key, rule.counter(post.text))
    assert post.text.endswith(URL)
    assert "\n\n\n" not in post.text and "\r" not in post.text


# ---- property: the composed text always fits and always carries the URL ----------------
urls = st.builds(
    lambda host, path: f"https://{host}/{path}/?utm_source=x&utm_medium=social",
    st.sampled_from(["www.sharewell.org.uk", "127.0.0.1:8000", "example.health"]),
    st.from_regex(r"[a-z0-9-]{1,60}(/[a-z0-9-]{1,40}){0,2}", fullmatch=True),
)
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=700)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text,
    summary=text,
    tags=st.lists(st.text(min_size=1, max_size=30), max_size=6),
    url=urls,
    key=st.sampled_from(LIMITED),
)
def test_composed_text_always_fits_and_contains_the_url(title, summary, tags, url, key):
    rule: Rule = NETWORKS[key].rule
    post = fit(title, summary, hashtags_from(tags, 3), url, rule)
    assert rule.fits(post.text)
    assert post.text.endswith(url)
    assert url in post.text


def test_a_fit_keeps_only_what_it_changed_and_its_post_shares_the_articles_strings():
    # An entry (from a worker or the cache file) holds None for each part kept whole, so
    # twelve posts an article neither copy its title nor differ from fitting it here.
    title, summary = 'Burns & scalds <script>"/', "Cool the burn under running water."
    short = (title, summary, ("FirstAid",), URL, NETWORKS["x"].rule)
    long_summary = "word " * 400
    cut = (title, long_summary, ("FirstAid",), URL, NETWORKS["x"].rule)
    assert fitting.fit_one(short)[:3] == [None, None, None]
    assert fitting.fit_one(cut)[0] is None and fitting.fit_one(cut)[1] != long_summary
    fits = fitting.Fits(None)
    fits.kept = {fitting.job_key(job): json_copy(fitting.fit_one(job)) for job in (short, cut)}
    post, length = fits.get(short)
    assert post == fit(*short) and length == NETWORKS["x"].rule.counter(post.text)
    assert post.title is title and post.summary is summary
    trimmed, _ = fits.get(cut)
    assert trimmed == fit(*cut) and trimmed.trimmed and trimmed.title is title
    assert fits.reused == 2 and fits.fitted == 0


@pytest.mark.parametrize(
    "entry",
    [
        [None, None, None, False],  # too short
        [5, None, None, False, 10],
        [None, None, "FirstAid", False, 10],  # a string, not a list of tags
        [None, None, [1], False, 10],
        [None, None, None, "no", 10],
        [None, None, None, False, "10"],
        [None, None, None, False, True],
        {"title": None},
        None,
    ],
)
def test_a_damaged_kept_fit_is_fitted_again(tmp_path, entry):
    job = ("Burns", "Cool the burn.", ("FirstAid",), URL, NETWORKS["bluesky"].rule)
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    first = fitting.Fits.start(settings)
    first.get(job)
    first.save()
    [file] = (tmp_path / "share_snippets").glob("fits-*.json")
    file.write_text(json.dumps({fitting.job_key(job): entry}), encoding="utf-8")
    again = fitting.Fits.start(settings)
    post, length = again.get(job)
    assert post == fit(*job) and again.fitted == 1 and again.reused == 0
    assert length == NETWORKS["bluesky"].rule.counter(post.text)


def json_copy(value):
    """Return value as the cache file gives it back: equal, never the same objects."""
    return json.loads(json.dumps(value))
