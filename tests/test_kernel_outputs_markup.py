"""The kernel's output paths, HTML safety, text as HTML and withdrawing content."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from kernel import contents, markup, outputs
from kernel.signals import GeneratedOutput, generated_outputs, output_folder

SETTINGS = {
    "INDEX_SAVE_AS": "index.html",
    "DIRECT_TEMPLATES": ["index", "tags", "search", "404", "robots"],
    "TAGS_SAVE_AS": "tags/index.html",
    "SEARCH_SAVE_AS": "search/index.html",
    "ROBOTS_SAVE_AS": "robots.txt",
    "CATEGORY_SAVE_AS": "{slug}/index.html",
    "TAG_SAVE_AS": "tag/{slug}/index.html",
    "AUTHOR_SAVE_AS": "author/{slug}/index.html",
    "FEED_ALL_ATOM": "feeds/all.atom.xml",
    "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
    "THEME_STATIC_DIR": "theme",
    "STATIC_PATHS": ["images", "extra"],
    "EXTRA_PATH_METADATA": {"extra/favicon.ico": {"path": "favicon.ico"}},
    "SITEMAP": {"format": "xml"},
    "DEFAULT_LANG": "en-GB",
}


@pytest.mark.parametrize(
    ("value", "key", "words"),
    [
        ("", "save_as", "is empty"),
        ("https://evil.example/x.html", "save_as", "web address"),
        ("//evil.example/", "url", "web address"),
        ("javascript:alert(1)", "url", "web address"),
        ("first-aid\\x.html", "save_as", "backslash"),
        ("/etc/x.html", "save_as", "starts with `/`"),
        ("../../escape.html", "save_as", "goes up"),
        ("first-aid/./x.html", "save_as", "goes up"),
        ("first-aid//x.html", "save_as", "goes up"),
        ("first-aid/.secret/index.html", "save_as", "hidden"),
        ("first aid/index.html", "save_as", "may only contain"),
        ('a"b/index.html', "save_as", "may only contain"),
        ("a/b<script>/", "url", "may only contain"),
        ("a/\x07/index.html", "save_as", "may only contain"),
        ("sitemap.xml", "save_as", "`.html` file"),
        ("first-aid/x", "url", "must end with `/`"),
    ],
)
def test_a_writers_save_as_or_url_that_cannot_be_used_says_why(value, key, words):
    assert words in outputs.path_problem(value, key)


@pytest.mark.parametrize(
    ("value", "key"),
    [("first-aid/cpr/index.html", "save_as"), ("first-aid/cpr/", "url"), ("a/b.html", "url")],
)
def test_good_addresses_pass(value, key):
    assert outputs.path_problem(value, key) is None


def test_url_of_a_save_as():
    assert outputs.url_of("index.html") == ""
    assert outputs.url_of("first-aid/cpr/index.html") == "first-aid/cpr/"
    assert outputs.url_of("a/b.html") == "a/b.html"


def test_generated_paths_name_what_the_build_writes():
    paths = outputs.generated_paths(
        SETTINGS, categories=["First aid"], tags=[SimpleNamespace(slug="burns")], authors=["Megan"]
    )
    assert "home page" in paths.claimed_by("index.html")
    assert "tags page" in paths.claimed_by("tags/index.html")
    assert "search page" in paths.claimed_by("./search/index.html")
    assert "section page" in paths.claimed_by("first-aid/index.html")
    assert "later pages" in paths.claimed_by("first-aid/page/2/index.html")
    assert "later pages" in paths.claimed_by("page/3/index.html")
    assert "tag page" in paths.claimed_by("tag/burns/index.html")
    assert "author" in paths.claimed_by("author/megan/index.html")
    assert "feed" in paths.claimed_by("feeds/all.atom.xml")
    assert "feed" in paths.claimed_by("feeds/first-aid.atom.xml")
    assert "feeds folder" in paths.claimed_by("feeds/index.html")
    assert "theme" in paths.claimed_by("theme/css/main.html")
    assert "static" in paths.claimed_by("images/x/index.html")
    assert "static file" in paths.claimed_by("favicon.ico")
    assert "sitemap" in paths.claimed_by("sitemap.xml")
    assert "robots" in paths.claimed_by("robots.txt")
    assert paths.claimed_by("first-aid/cpr/index.html") is None
    assert paths.claimed_by("about/index.html") is None


def test_plugins_declare_their_outputs_through_the_kernel_signal():
    def declare(settings):
        return (GeneratedOutput("og/", "og_cards", "the cards"),
                GeneratedOutput("published-urls.json", "link_keeper", "the URL list"))  # fmt: skip

    generated_outputs.connect(declare)
    try:
        paths = outputs.generated_paths(SETTINGS)
    finally:
        generated_outputs.disconnect(declare)
    assert "the cards (og_cards)" in paths.claimed_by("og/index.html")
    assert "the URL list" in paths.claimed_by("published-urls.json")
    assert paths.claimed_by("ogre/index.html") is None


def test_a_plugins_output_folder_comes_from_its_setting_and_an_empty_one_claims_nothing():
    assert output_folder({"X_DIR": "/og/"}, "X_DIR", "cards", "og_cards", "the cards") == (
        GeneratedOutput("og/", "og_cards", "the cards"),
    )
    assert output_folder({}, "X_DIR", "cards", "og_cards", "the cards")[0].path == "cards/"
    assert output_folder({"X_DIR": ""}, "X_DIR", "cards", "og_cards", "the cards") == ()
    assert output_folder({"X_DIR": "/"}, "X_DIR", "cards", "og_cards", "the cards") == ()


def test_plugins_declare_their_folder_unless_it_is_turned_off():
    from og_cards.og_cards import declare_outputs as cards
    from reader_features.reader_features import declare_outputs as search

    settings = {**SETTINGS, "OG_CARDS_OUTPUT_DIR": "og", "READER_FEATURES_SEARCH_BUNDLE_DIR": ""}
    assert [o.owner for o in cards(settings)] == ["og_cards"]
    assert search(settings) == ()


@pytest.mark.parametrize(
    ("fragment", "words"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script>"),
        ('<img src="x" onerror="alert(1)">', "onerror="),
        ("<svg/onload=alert(1)>", "onload="),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="jav&#x61;script:alert(1)">x</a>', "javascript:"),
        ('<a href="jav&#97;script&colon;alert(1)">x</a>', "javascript:"),
        ('<a href=" \tjava\nscript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript:"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
        ('<img srcset="x.png 1x, javascript:alert(1) 2x">', "srcset="),
        ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "iframe"),
        ('<form action="https://evil.example/"><input name=x></form>', "form"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta"),
        ("<base href=https://evil.example/>", "base"),
        ("<style>body{display:none}</style>", "style"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ("<object data=x.swf></object>", "object"),
        ("<math><maction xlink:href=javascript:alert(1)>x</maction></math>", "math"),
        ("<scr<script>ipt>alert(1)</script>", "script"),
        ('<a href="https://ok.example" onclick="alert(1)">x</a>', "onclick="),
    ],
)
def test_unsafe_html_is_found_however_it_is_written(fragment, words):
    found = markup.unsafe_parts(fragment)
    assert found, fragment
    assert any(words in f.what or words in f.snippet for f in found), found


@pytest.mark.parametrize(
    "fragment",
    [
        '<p>Call <a href="tel:999">999</a> or <a href="mailto:a@b.org">e-mail</a></p>',
        '<p><a href="https://www.nhs.uk/">NHS</a> <img src="/images/a.png" alt="A"></p>',
        '<a href="{filename}/articles/a.md">x</a> <img src="{static}/images/a.png" alt="">',
        "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>",
        "<p>Temperature &lt; 38 and &gt; 36: javascript is not needed</p>",
        '<details><summary>More</summary><table><tr><td style="width:50%">x</td></tr></table>',
        "Text with no HTML at all.",
    ],
)
def test_ordinary_html_is_safe(fragment):
    assert markup.unsafe_parts(fragment) == []


def test_the_line_of_an_unsafe_thing_is_known():
    [found] = markup.unsafe_parts("<p>one</p>\n<p>two</p>\n<script>x</script>")
    assert found.line == 3


def test_writer_text_becomes_html_that_shows_exactly_that_text():
    html = markup.text_as_html('<script>alert("x")</script>  A&E\n now')
    assert str(html) == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; A&amp;E now"
    assert html.striptags() == '<script>alert("x")</script> A&E now'
    assert markup.text_as_html(html) is html  # already HTML: never escaped twice


class ArticlesGenerator:
    """A generator with lists, taxonomies and a context, as Pelican's look after taxonomies."""

    def __init__(self, items):
        self.articles = list(items)
        self.translations = []
        self.dates = list(items)
        self.categories = [("First aid", list(items)), ("Other", [items[0]])]
        self.tags = {"burns": list(items)}
        self.context = {
            "articles": self.articles,
            "categories": self.categories,
            "generated_content": {f"a{i}.md": item for i, item in enumerate(items)},
        }


def test_withdraw_takes_content_out_of_every_list_and_link():
    first, second = SimpleNamespace(translations=[]), SimpleNamespace(translations=[])
    first.translations.append(second)
    generator = ArticlesGenerator([first, second])  # kernel.contents knows it by its name
    assert contents.withdraw([generator], [second]) == [second]
    assert first.translations == []
    assert generator.articles == [first] and generator.context["articles"] is generator.articles
    assert generator.dates == [first]
    assert generator.categories == [("First aid", [first]), ("Other", [first])]
    assert generator.tags == {"burns": [first]}
    assert list(generator.context["generated_content"].values()) == [first]
    assert contents.withdraw([generator], [first])
    assert generator.categories == [] and generator.tags == {}
