"""An unchanged site is not re-indexed by Pagefind; a changed article is."""

from __future__ import annotations

import reader_features.reader_features as plugin
from conftest import copy_content


def test_unchanged_site_reuses_the_index_and_a_change_reindexes(tmp_path, build_site):
    content = copy_content(tmp_path / "content")
    output = tmp_path / "site"
    cache = tmp_path / "cache"  # build_site's cache folder

    build_site(content_path=content, output=output)
    first = plugin.last_search(cache)
    assert first is not None
    assert first.pages >= 10
    assert first.seconds > 0

    build_site(content_path=content, output=output)
    second = plugin.last_search(cache)
    assert second.seconds == 0  # reused
    assert (second.pages, second.files) == (first.pages, first.files)
    assert (output / "pagefind" / "pagefind-entry.json").is_file()

    article = next((content / "articles" / "first-aid").glob("*.md"))
    article.write_text(
        article.read_text(encoding="utf-8") + "\nA new sentence about zebrafish.\n",
        encoding="utf-8",
    )
    build_site(content_path=content, output=output)
    third = plugin.last_search(cache)
    assert third.seconds > 0
    assert third.words > first.words
