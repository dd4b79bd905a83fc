"""share_snippets keeps each article's assembled snippets by their inputs between builds.

A rebuild must give the same share links and texts as a cold build; only an article whose
inputs changed (or every article, after a change of settings) is assembled again.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from share_snippets import data

CONTENT = Path(__file__).parent / "fixtures" / "share_snippets" / "content"
SITEURL = "https://www.sharewell.org.uk"
SETTINGS = {"PLUGINS": ["share_snippets"], "SITEURL": SITEURL, "FEED_DOMAIN": SITEURL}


@pytest.fixture
def assembled(monkeypatch) -> list[str]:
    """Record the source of every article whose snippets are assembled (not reused)."""
    calls: list[str] = []
    real = data.ShareData._stored

    def counting(self):
        calls.append(Path(self._article.source_path).name)
        return real(self)

    monkeypatch.setattr(data.ShareData, "_stored", counting)
    return calls


def _exports(output: Path) -> dict:
    share = output.with_name(f"{output.name}-private") / "share"
    found = json.loads((share / "snippets.json").read_text(encoding="utf-8"))
    return {a["slug"]: a["networks"] for a in found["articles"]}


def _cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "share_snippets"


def _first_build(build_site, tmp_path: Path) -> tuple[Path, Path]:
    """Copy the fixture content and build it once; return (content, output)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "site"
    build_site(content_path=content, settings=SETTINGS, output=output)
    return content, output


def test_a_rebuild_reuses_every_snippet_and_gives_the_same_exports(
    build_site, tmp_path: Path, assembled: list[str]
):
    content, output = _first_build(build_site, tmp_path)
    cold = _exports(output)
    assert len(assembled) >= 3 and cold
    fits = sorted(_cache(tmp_path).glob("fits-*.json"))
    kept_fits = json.loads(fits[0].read_text(encoding="utf-8")).keys()

    share = output.with_name("site-private") / "share"
    memo = _cache(tmp_path) / "snippets.json"
    for path in [*share.iterdir(), memo]:
        os.utime(path, ns=(1, 1))  # old, so a rewrite is seen on any clock

    assembled.clear()
    build_site(content_path=content, settings=SETTINGS, output=output)
    assert assembled == []
    assert _exports(output) == cold
    assert {p.stat().st_mtime_ns for p in share.iterdir()} == {1}, "unchanged exports rewritten"
    assert memo.stat().st_mtime_ns == 1, "an unchanged snippets memo was written again"
    report = json.loads((_cache(tmp_path) / "last-build.json").read_text(encoding="utf-8"))
    assert report["fitted"] == 0
    # The fitted texts behind reused snippets stay kept: a later miss need not fit them again.
    assert json.loads(fits[0].read_text(encoding="utf-8")).keys() == kept_fits

    article = content / "articles" / "first-aid" / "hard-title.md"
    text = article.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("Title:"))
    article.write_text(text.replace(title, f'{title} <script>"/', 1), encoding="utf-8")
    build_site(content_path=content, settings=SETTINGS, output=output)
    assert assembled == ["hard-title.md"]
    edited = _exports(output)
    changed = [slug for slug in cold if edited[slug] != cold[slug]]
    assert len(changed) == 1
    assert '<script>"/' in edited[changed[0]]["x"]["text"]
    csv_text = (share / "snippets.csv").read_text(encoding="utf-8")
    assert '<script>""/' in csv_text  # the CSV was written again too (quotes doubled)

    (share / "snippets.csv").unlink()  # someone tidied the folder: the next build mends it
    build_site(content_path=content, settings=SETTINGS, output=output)
    assert (share / "snippets.csv").read_text(encoding="utf-8") == csv_text


def test_a_change_of_settings_or_a_damaged_memo_assembles_everything_again(
    build_site, tmp_path: Path, assembled: list[str]
):
    content, output = _first_build(build_site, tmp_path)
    count = len(assembled)

    assembled.clear()
    medium = {**SETTINGS, "SHARE_SNIPPETS_UTM_MEDIUM": "newsletter"}
    build_site(content_path=content, settings=medium, output=output)
    assert len(assembled) == count
    links = [n["url"] for networks in _exports(output).values() for n in networks.values()]
    assert links and all("utm_medium=newsletter" in url for url in links)

    memo = _cache(tmp_path) / "snippets.json"
    stored = json.loads(memo.read_text(encoding="utf-8"))
    for entry in stored["results"].values():
        entry["snippets"] = [{"key": "x", "unknown": 1}]  # a file from another version
    memo.write_text(json.dumps(stored), encoding="utf-8")
    assembled.clear()
    build_site(content_path=content, settings=medium, output=output)
    assert len(assembled) == count  # every damaged entry made again ...
    assert _exports(output) and all(
        n["text"] for networks in _exports(output).values() for n in networks.values()
    )
    assembled.clear()
    build_site(content_path=content, settings=medium, output=output)
    assert assembled == []  # ... and kept mended
    memo.write_text("{not json", encoding="utf-8")
    build_site(content_path=content, settings=medium, output=output)
    assert json.loads(memo.read_text(encoding="utf-8"))["results"]


@pytest.mark.parametrize(
    "layout",
    [
        "dicts",  # the layout before rows: one dict of fields a snippet
        "short-rows",  # rows of an older field list
        "long-rows",
        "null-rows",
        "fits-as-a-list",  # the fitted posts' keys as twelve texts, not one
    ],
)
def test_a_memo_of_an_older_layout_is_made_again_and_exports_as_cold(
    build_site, tmp_path: Path, assembled: list[str], layout: str
):
    content, output = _first_build(build_site, tmp_path)
    cold = _exports(output)
    count = len(assembled)
    memo = _cache(tmp_path) / "snippets.json"
    stored = json.loads(memo.read_text(encoding="utf-8"))
    fields = data.Snippet._fields
    for entry in stored["results"].values():
        rows = entry["snippets"]
        assert all(isinstance(row, list) and len(row) == len(fields) for row in rows)
        entry["snippets"] = {
            "dicts": [dict(zip(fields, row, strict=True)) | {"text": "old"} for row in rows],
            "short-rows": [row[:-1] for row in rows],
            "long-rows": [[*row, "extra"] for row in rows],
            "null-rows": [None for _ in rows],
            "fits-as-a-list": rows,
        }[layout]
        if layout == "fits-as-a-list":
            entry["fits"] = entry["fits"].split()
    memo.write_text(json.dumps(stored), encoding="utf-8")
    assembled.clear()
    build_site(content_path=content, settings=SETTINGS, output=output)
    assert len(assembled) == count
    assert _exports(output) == cold


def test_an_article_whose_record_breaks_costs_only_its_own_export_row(
    build_site, tmp_path: Path, monkeypatch, caplog
):
    content, output = _first_build(build_site, tmp_path)
    cold = _exports(output)
    real = data.ShareData.record

    def breaks_for_one(self):
        if Path(self._article.source_path).name == "hard-title.md":
            raise ValueError("broken record")
        return real(self)

    monkeypatch.setattr(data.ShareData, "record", breaks_for_one)
    article = content / "articles" / "first-aid" / "hard-title.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    build_site(content_path=content, settings=SETTINGS, output=output)
    exported = _exports(output)
    assert exported and len(exported) == len(cold) - 1
    assert all(exported[slug] == cold[slug] for slug in exported)
    named = [r for r in caplog.records if "hard-title.md" in r.getMessage()
             and "export the share text" in r.getMessage()]  # fmt: skip
    assert len(named) == 1, "the broken record is named once, not once per pass"
