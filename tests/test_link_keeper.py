"""link_keeper: alias parsing, redirect rendering, and a tiny-site build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from kernel.problems import current_store
from kernel.settings import SettingsError
from link_keeper.link_keeper import get_settings
from link_keeper.redirects import (
    AliasError,
    Redirect,
    ServerConfigError,
    is_public,
    manifest_json,
    netlify_lines,
    nginx_map_lines,
    normalise_alias,
    path_for_file,
    render_page,
    save_as_for,
    split_aliases,
    unsafe_path,
    url_path,
)

FIXTURE_CONFIG = "tests/fixtures/deploy/publishconf"
SITE = "https://www.sharewell.org.uk"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/old/cpr/", "/old/cpr/"),
        ("old/cpr/", "/old/cpr/"),
        ("/old/cpr", "/old/cpr/"),
        ("/old/cpr/index.html", "/old/cpr/"),
        ("/first-aid/cpr.html", "/first-aid/cpr.html"),
        ("/old//cpr/", "/old/cpr/"),
        (f"{SITE}/2019/05/cpr/", "/2019/05/cpr/"),
        ("https://WWW.sharewell.org.uk/x", "/x/"),
        ("/cymraeg/adfywio/", "/cymraeg/adfywio/"),
        ("/é/ü/", "/é/ü/"),
    ],
)
def test_normalise_alias(raw, expected):
    assert normalise_alias(raw, SITE) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "/",
        "https://evil.example/cpr/",
        "//evil.example/cpr/",
        f"{SITE}/cpr/?utm_source=x",
        "/a/../b/",
        "/a b/",
        "/<script>/",
        '/a"b/',
        "/a?b",
        "/a#b",
        "/a;b/",
        "/$host/",
        "/{a}/",
        "/a\nb/",
        "/a\tb/",
        "/a\\b/",
        "/a:b/",
        "/a*b/",
        "/a%2Fb/",
        "/a%22b/",
        "/a%0Ab/",
        "/a%24host/",
        "/a\u202eb/",
        "/a\u200bb/",
        "/a\x00b/",
        "/" + "a" * 401,
        "/%2e%2e/etc/",
        "https:evil.example",
    ],
)
def test_bad_aliases_are_rejected(raw):
    with pytest.raises(AliasError):
        normalise_alias(raw, SITE)


def test_split_aliases_commas_newlines_and_lists():
    assert split_aliases("/a/, /b/\n/c/ ,") == ["/a/", "/b/", "/c/"]
    assert split_aliases(["/a/", " "]) == ["/a/"]
    assert split_aliases(None) == []


@pytest.mark.parametrize(
    ("rel", "path"),
    [
        ("index.html", "/"),
        ("a/b/index.html", "/a/b/"),
        ("a.html", "/a.html"),
        ("og/x.png", "/og/x.png"),
    ],
)
def test_paths_and_files_round_trip(rel, path):
    assert path_for_file(rel) == path
    if rel.endswith(".html"):
        assert save_as_for(path) == rel


def test_url_path():
    assert url_path("first-aid/cpr/") == "/first-aid/cpr/"
    assert url_path(f"{SITE}/first-aid/cpr/") == "/first-aid/cpr/"


def test_redirect_page_escapes_and_has_refresh_canonical_and_link():
    page = render_page(f"{SITE}/a/?x=1&y=2", 'CPR <script>alert("x")</script>', "en-GB")
    assert (
        '<meta http-equiv="refresh" content="0; url=https://www.sharewell.org.uk/a/?x=1&amp;y=2">'
        in page
    )
    assert '<link rel="canonical" href="https://www.sharewell.org.uk/a/?x=1&amp;y=2">' in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert '<a href="https://www.sharewell.org.uk/a/?x=1&amp;y=2">' in page
    assert '<html lang="en-GB" dir="ltr">' in page
    assert "<title>Moved: CPR &lt;script&gt;" in page


def test_a_redirect_page_in_a_right_to_left_language_reads_right_to_left():
    words = {"moved": "منتقل ہو گیا:", "moved_to": "یہ صفحہ منتقل ہو گیا ہے:"}
    page = render_page(f"{SITE}/ur/x/", 'فالج "FAST"', "ur", words=words, direction="rtl")
    assert '<html lang="ur" dir="rtl">' in page
    assert "<title>منتقل ہو گیا: فالج &#34;FAST&#34;</title>" in page


def test_redirect_files_are_sorted_and_cover_slashless_urls():
    redirects = [
        Redirect("/z/", "/new/z/", "Z", "z.md"),
        Redirect("/a.html", "/new/a/", "A", "a.md"),
    ]
    assert netlify_lines(redirects).splitlines()[1:] == ["/a.html /new/a/ 301", "/z/ /new/z/ 301"]
    lines = nginx_map_lines(redirects).splitlines()[1:]
    assert lines == ['"/a.html" "/new/a/";', '"/z/" "/new/z/";', '"/z" "/new/z/";']
    data = json.loads(manifest_json(SITE, ["/b/", "/a/", "/a/"], redirects))
    assert data["urls"] == ["/a/", "/b/"]
    assert data["redirects"] == {"/a.html": "/new/a/", "/z/": "/new/z/"}


def test_is_public_patterns():
    include = get_settings({})["LINK_KEEPER_MANIFEST_INCLUDE"]
    exclude = get_settings({})["LINK_KEEPER_MANIFEST_EXCLUDE"]
    assert is_public("a/b/index.html", include, exclude)
    assert is_public("og/cpr-1a2b3c4d.png", include, exclude)
    assert is_public("feeds/all.atom.xml", include, exclude)
    assert not is_public("theme/css/main.css", include, exclude)
    assert not is_public("drafts/x/index.html", include, exclude)
    assert not is_public("a/index.html.gz", include, exclude)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LINK_KEEPER_STATUS", 200),
        ("LINK_KEEPER_NETLIFY_FILE", "a/b"),
        ("LINK_KEEPER_MANIFEST_INCLUDE", "*.html"),
        ("LINK_KEEPER_METADATA_KEY", ""),
    ],
)
def test_bad_settings_name_the_key(key, value):
    with pytest.raises(SettingsError, match=key):
        get_settings({key: value})


@pytest.fixture
def content(tmp_path):
    from support.site import FIXTURE

    return shutil.copytree(FIXTURE / "content", tmp_path / "content")


def lk_build(build_site, content, **settings):
    return build_site(
        content_path=content,
        settings={"PLUGINS": ["link_keeper"], **settings},
        config=FIXTURE_CONFIG,
    )


def test_build_writes_redirects_and_manifest(build_site, content):
    out = lk_build(build_site, content)
    page = (out / "old" / "cpr-guide" / "index.html").read_text()
    assert 'content="0; url=http://127.0.0.1/first-aid/cpr/"' in page
    assert (out / "first-aid" / "resuscitation.html").is_file()
    assert "/old/cpr-guide/ /first-aid/cpr/ 301" in (out / "_redirects").read_text()
    assert '"/old/cpr-guide" "/first-aid/cpr/";' in (out / "redirects.nginx.map").read_text()
    data = json.loads((out / "published-urls.json").read_text())
    for url in ("/", "/first-aid/cpr/", "/about/", "/feeds/all.atom.xml", "/og/cpr-1a2b3c4d5e.png"):
        assert url in data["urls"]
    assert "/old/cpr-guide/" in data["urls"]
    assert not [u for u in data["urls"] if u.startswith("/theme/")]


def test_second_build_in_same_process_is_identical(build_site, content):
    first = lk_build(build_site, content)
    second = lk_build(build_site, content)
    for name in ("published-urls.json", "_redirects", "redirects.nginx.map"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def link_keeper_problems() -> list:
    return [p for p in current_store() if p.source == "link_keeper"]


def test_colliding_and_duplicate_aliases_are_errors(build_site, content):
    burns = content / "articles" / "first-aid" / "burns.md"
    text = burns.read_text()
    burns.write_text(
        text.replace("Summary:", "Aliases: /sleep/sleep-well/, /old/cpr-guide/\nSummary:")
    )
    out = lk_build(build_site, content)
    errors = [p for p in link_keeper_problems() if p.is_error]
    assert any("claimed by both" in p.problem for p in errors), errors
    assert any("collides with an existing page" in p.problem for p in errors), errors
    assert all(p.field == "aliases" and p.file.endswith(".md") for p in errors)
    # The real article is never overwritten by a redirect page.
    assert "Sleep well" in (out / "sleep" / "sleep-well" / "index.html").read_text()


def test_bad_alias_is_an_error_naming_the_file_and_field(build_site, content):
    sleep = content / "articles" / "sleep" / "sleep.md"
    sleep.write_text(
        sleep.read_text().replace("Summary:", "Aliases: https://other.example/x/\nSummary:")
    )
    lk_build(build_site, content)
    problems = link_keeper_problems()
    assert any(
        p.file.endswith("sleep.md") and p.field == "aliases" and "another site" in p.problem
        for p in problems
    )
    assert all(p.severity == "error" for p in problems)


# --- server configuration is never injectable -------------------------------------------------
# Everything written into redirects.nginx.map and _redirects passes a strict grammar first;
# every map these tests build also passes `nginx -t` with the shipped configuration.

MAP_LINE = re.compile(r'^"/[^"$;{}\\\s]*" "/[!-~]*";$')
HOSTILE_TARGETS = [
    '/x" "https://evil.example/"; "/',
    "/x/;\n}\nserver {",
    "/$scheme://evil.example/",
    "//evil.example/",
    "/a b/",
    "/\u202eevil/",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_writers_refuse_what_the_grammar_rejects(target):
    redirect = Redirect("/old/", target, "T", "t.md")
    with pytest.raises(ServerConfigError):
        nginx_map_lines([redirect])
    with pytest.raises(ServerConfigError):
        netlify_lines([redirect])
    assert unsafe_path(target)


def test_unicode_paths_are_decoded_keys_and_encoded_values():
    redirect = Redirect(normalise_alias("/caf%C3%A9/"), "/nouveau/été/", "T", "t.md")
    assert redirect.source == "/café/"
    assert nginx_map_lines([redirect]).splitlines()[1] == '"/café/" "/nouveau/%C3%A9t%C3%A9/";'
    assert netlify_lines([redirect]).splitlines()[1] == "/caf%C3%A9/ /nouveau/%C3%A9t%C3%A9/ 301"


PATHLIKE = st.from_regex(r"/[a-zA-Zé0-9%/._~!&()+,=@:;*$\"' \n{}\\-]{1,40}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(min_size=1, max_size=80), PATHLIKE))
def test_any_alias_is_refused_or_safe_in_every_file(raw):
    try:
        source = normalise_alias(raw, SITE)
    except AliasError:
        return

    assert unsafe_path(source) is None
    lines = nginx_map_lines([Redirect(source, "/new/", "T", "t.md")]).splitlines()[1:]
    assert lines and all(MAP_LINE.match(line) for line in lines), lines
    (line,) = netlify_lines([Redirect(source, "/new/", "T", "t.md")]).splitlines()[1:]
    assert len(line.split(" ")) == 3 and line.isascii()


@pytest.mark.skipif(not shutil.which("/usr/sbin/nginx"), reason="nginx is not installed")
def test_hostile_metadata_is_a_content_error_and_the_map_passes_nginx_t(
    build_site, content, tmp_path
):
    from support.servers import nginx_accepts_map

    hostile = [
        '/a"b/',
        "/x;y/",
        "/{z}/",
        "/$host/",
        "//evil.example/",
        "/pagefind/pagefind.js",
        "/published-urls.json",
        "/og/new-card.png",
        "/feeds/all.atom.xml",
        "/sitemap.xml",
        "/redirects.nginx.map",
        "/%E2%80%AEevil/",
        "/" + "long-" * 100,
    ]
    sleep = content / "articles" / "sleep" / "sleep.md"
    aliases = "\n    ".join(["/café/", "/old/sleep/", *hostile])
    sleep.write_text(sleep.read_text().replace("Summary:", f"Aliases: {aliases}\nSummary:"))
    burns = content / "articles" / "first-aid" / "burns.md"
    burns.write_text(
        burns.read_text().replace(
            "Summary:",
            'URL: first-aid/x" "https://evil.example/"; "/\nAliases: /old/burns/\nSummary:',
        )
    )
    out = lk_build(build_site, content)
    problems = link_keeper_problems()
    by_field = {}
    for problem in problems:
        assert problem.severity == "error"
        by_field.setdefault((Path(problem.file).name, problem.field), []).append(problem)
    assert len(by_field[("sleep.md", "aliases")]) == len(hostile)
    assert "cannot be a redirect target" in by_field[("burns.md", "url")][0].problem
    text = (out / "redirects.nginx.map").read_text(encoding="utf-8")
    assert '"/café/" "/sleep/sleep-well/";' in text
    assert '"/old/sleep/" "/sleep/sleep-well/";' in text
    assert "evil" not in text + (out / "_redirects").read_text(encoding="utf-8")
    assert all(MAP_LINE.match(line) for line in text.splitlines()[1:])
    proc = nginx_accepts_map(out / "redirects.nginx.map", tmp_path / "nginx-t")
    assert proc.returncode == 0, proc.stderr


def _accepted(raw: str) -> bool:
    try:
        normalise_alias(raw, SITE)
    except AliasError:
        return False
    return "é" in raw and len(raw) > 8


def test_the_property_strategy_reaches_accepted_paths():
    # The property above must see accepted input too, not only refusals.
    raw = find(PATHLIKE, _accepted, settings=settings(max_examples=2000, database=None))
    assert unsafe_path(normalise_alias(raw, SITE)) is None


def test_redirect_pages_carry_the_sites_content_security_policy():
    policy = "default-src 'self'; script-src 'self'"
    page = render_page("https://x.example/new/", "New", "en", policy)
    assert (
        '<meta http-equiv="Content-Security-Policy" '
        'content="default-src &#39;self&#39;; script-src &#39;self&#39;">'
    ) in page
    assert page.index("Content-Security-Policy") < page.index("<title>")
    assert "Content-Security-Policy" not in render_page("https://x.example/new/", "New")
