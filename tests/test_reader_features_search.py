"""reader_features' search: finding Pagefind, running it, and what it reads (real Pagefind)."""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import pytest
from reader_features import reader_features, search


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
    (site / "a{b").rmdir()
    (site / 'it\'s "quoted" <x>').mkdir()  # no glob meaning: named as it is (no shell runs it)
    assert search.page_glob(site, ["_desk"]) == '{*.html,c/**/*.html,it\'s "quoted" <x>/**/*.html}'


def test_pagefind_reads_a_folder_with_quotes_in_its_name(tmp_path):
    site = tmp_path / "site"
    _marked(site / 'it\'s "quoted"' / "index.html", "Quoted folder")
    _marked(site / "_desk" / "index.html", "Deskonly")
    stats = search.run_pagefind(search.find_binary(), site, "pagefind", skip_folders=["_desk"])
    assert stats.pages == 1
