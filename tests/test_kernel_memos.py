"""kernel.memos: private pages are rendered again only when what they show changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from kernel import text
from kernel.cache import folder_digest
from kernel.memos import PageMemo, ResultMemo, RunningDigest, code_version, digest_of

CONTENT = Path(__file__).parent / "fixtures" / "share_snippets" / "content"
SITEURL = "https://www.sharewell.org.uk"
SETTINGS = {"PLUGINS": ["share_snippets"], "SITEURL": SITEURL, "FEED_DOMAIN": SITEURL}


def test_a_page_is_unchanged_only_with_the_same_inputs_site_and_file(tmp_path: Path):
    page = tmp_path / "kit" / "index.html"
    first = PageMemo(tmp_path / "cache", "owner", site="site-1")
    assert not first.unchanged(page, {"title": "CPR"})  # never written
    page.parent.mkdir()
    page.write_text("kit", encoding="utf-8")
    first.save()

    again = PageMemo(tmp_path / "cache", "owner", site="site-1")
    assert again.unchanged(page, {"title": "CPR"})
    assert again.skipped == 1
    assert not again.unchanged(page, {"title": "CPR (updated)"})
    other_site = PageMemo(tmp_path / "cache", "owner", site="site-2")
    assert not other_site.unchanged(page, {"title": "CPR"})  # the menu or theme changed
    page.unlink()
    gone = PageMemo(tmp_path / "cache", "owner", site="site-1")
    assert not gone.unchanged(page, {"title": "CPR"})


def test_a_failed_write_is_forgotten_and_a_damaged_memo_renders_everything(tmp_path: Path):
    page = tmp_path / "index.html"
    page.write_text("old", encoding="utf-8")
    memo = PageMemo(tmp_path / "cache", "owner", site="s")
    memo.unchanged(page, [1])
    memo.forget(page)  # the render raised: the next build must write it
    memo.save()
    assert not PageMemo(tmp_path / "cache", "owner", site="s").unchanged(page, [1])
    (tmp_path / "cache" / "owner" / "pages.json").write_text("{not json", encoding="utf-8")
    assert not PageMemo(tmp_path / "cache", "owner", site="s").unchanged(page, [1])
    assert PageMemo(None, "owner", site="s").unchanged(page, [1]) is False  # no cache: no memo


def test_pages_a_preview_did_not_visit_keep_their_hashes(tmp_path: Path):
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    for page in (one, two):
        page.write_text("x", encoding="utf-8")
    full = PageMemo(tmp_path / "cache", "owner", site="s")
    full.unchanged(one, 1)
    full.unchanged(two, 2)
    full.save()
    preview = PageMemo(tmp_path / "cache", "owner", site="s")
    preview.unchanged(one, 1)  # a preview writes the saved article's page only
    preview.save()
    assert PageMemo(tmp_path / "cache", "owner", site="s").unchanged(two, 2)


def test_hashes_are_stable_and_see_every_file(tmp_path: Path):
    assert digest_of({"b": 1, "a": [1, "é"]}) == digest_of({"a": [1, "é"], "b": 1})
    assert digest_of("<script>") != digest_of("&lt;script&gt;")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "base.html").write_text("a", encoding="utf-8")
    before = folder_digest([tmp_path / "t", tmp_path / "missing"])
    (tmp_path / "t" / "base.html").write_text("b", encoding="utf-8")
    assert folder_digest([tmp_path / "t"]) != before


def _running(*values) -> str:
    digest = RunningDigest()
    for value in values:
        digest.add(value)
    return digest.hexdigest()


def test_a_running_digest_sees_every_value_its_order_and_its_boundaries():
    records = [{"title": "CPR", "url": "/a/"}, {"url": "/b/", "title": 'x "/ <script>'}]
    assert _running(*records) == _running(*[dict(reversed(r.items())) for r in records])
    assert _running(*records) != _running(*reversed(records))
    assert _running("ab") != _running("a", "b")  # where one value ends is part of the hash
    assert _running("a\x1e", "b") != _running("a", "\x1eb")  # even with the separator inside
    assert _running() != _running("")
    assert _running("é" * 10_000) != _running("e" * 10_000)


def _kits(output: Path) -> dict[str, int]:
    private = output.with_name(f"{output.name}-private")
    return {
        p.relative_to(private).as_posix(): p.stat().st_mtime_ns
        for p in private.rglob("share-kit/**/index.html")
    }


def test_a_rebuild_renders_only_the_kit_of_the_edited_article(build_site, tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "site"
    build_site(content_path=content, settings=SETTINGS, output=output)
    first = _kits(output)
    assert len(first) >= 2
    cold = {path: (output.with_name("site-private") / path).read_bytes() for path in first}
    # Make every mtime old, so a rewrite is seen even on a coarse clock.
    for path in first:
        os.utime(output.with_name("site-private") / path, ns=(1, 1))

    build_site(content_path=content, settings=SETTINGS, output=output)
    assert set(_kits(output).values()) == {1}, "an unchanged rebuild rendered a kit"

    article = sorted(p for p in content.rglob("articles/**/*.md"))[0]
    text = article.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("Title:"))
    article.write_text(text.replace(title, title + " edited", 1), encoding="utf-8")
    build_site(content_path=content, settings=SETTINGS, output=output)
    rewritten = [path for path, mtime in _kits(output).items() if mtime != 1]
    assert len(rewritten) == 1, rewritten
    assert "edited" in (output.with_name("site-private") / rewritten[0]).read_text("utf-8")

    # A change every kit shows (the site's name) renders every kit again, as a cold build.
    build_site(content_path=content, settings={**SETTINGS, "SITENAME": "Sharewell <test>"},
               output=output)  # fmt: skip
    kits = _kits(output)
    assert 1 not in kits.values()
    page = (output.with_name("site-private") / rewritten[0]).read_text("utf-8")
    assert "Sharewell &lt;test&gt;" in page
    assert set(cold) == set(kits)


def test_a_result_is_computed_once_per_input_and_kept_for_the_next_build(tmp_path: Path):
    calls: list[str] = []

    def words(html: str) -> int:
        calls.append(html)
        return len(html.split())

    memo = ResultMemo(tmp_path, "owner", "words", version="v1")
    assert memo.get("<p>one two</p>", words) == 2
    assert memo.get("<p>one two</p>", words) == 2
    assert memo.get("\ud800 lone surrogate", words) == 3  # text Pelican may hold, not UTF-8
    assert len(calls) == 2
    memo.save()
    again = ResultMemo(tmp_path, "owner", "words", version="v1")
    assert again.get("<p>one two</p>", words) == 2 and again.reused == 1
    assert len(calls) == 2
    again.save()  # only this build's answers: the surrogate one is gone
    assert ResultMemo(tmp_path, "owner", "words", version="v1").previous.keys() == {
        next(iter(again.current))
    }
    assert ResultMemo(tmp_path, "owner", "words", version="v2").previous == {}  # new rule
    (tmp_path / "owner" / "words.json").write_text("[]", encoding="utf-8")
    assert ResultMemo(tmp_path, "owner", "words", version="v1").previous == {}
    assert code_version(text) != code_version(text, json) and code_version(text)


def test_a_rebuild_from_the_content_cache_still_names_an_unsafe_body(build_site, tmp_path: Path):
    # content_guard remembers safe bodies only: an unsafe one is checked on every build.
    from kernel import problems

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    hostile = Path(__file__).parent / "fixtures" / "hostile" / "content" / "articles"
    shutil.copy(hostile / "first-aid" / "blank-line-then-script.md",
                content / "articles" / "first-aid" / "script.md")  # fmt: skip
    cached = {**SETTINGS, "PLUGINS": ["content_guard", "share_snippets"], "CACHE_CONTENT": True,
              "LOAD_CONTENT_CACHE": True}  # fmt: skip
    found = []
    for _ in range(2):
        output = build_site(content_path=content, settings=cached)
        found.append(sorted(
            (p.file.rsplit("/", 1)[-1], p.field) for p in problems.current_store().problems
            if p.excludes
        ))  # fmt: skip
        assert not (output / "first-aid" / "blank-line-then-script" / "index.html").exists()
    assert found[0] == found[1] and ("script.md", "body") in found[0]
    memo = json.loads((tmp_path / "cache" / "content_guard" / "safe-bodies.json").read_text())
    # True: safe, not checked again while unchanged; False: checked again on every build.
    assert set(memo["results"].values()) == {True, False}
