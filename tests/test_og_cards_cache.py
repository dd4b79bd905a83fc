"""og_cards cache and pool: manifest hits, hard links, atomic files, warnings on hits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from og_cards import cards
from og_cards.jobs import CardJobs
from og_cards.og_cards import get_settings
from og_cards.spec import build_spec, card_name, spec_hash

OPTS = get_settings({"SITENAME": "Sharewell", "SITEURL": "http://127.0.0.1:8000"})


def _spec(title: str, layout: str = "text", image: dict | None = None) -> dict:
    texts = {"title": title, "section": "First aid", "site_name": "Sharewell", "reviewed": ""}
    return build_spec(OPTS, layout, texts, "#007f3b", image)


def _run(cache: Path, output: Path, specs: list[dict], workers: int = 0):
    jobs = CardJobs(cache, workers)
    for i, spec in enumerate(specs):
        digest = spec_hash(spec)
        jobs.add(digest, card_name(f"card{i}", digest, spec["format"]), f"card{i}.md", spec)
    return jobs.finish(output)


@pytest.mark.parametrize("workers", [0, 2])
def test_unchanged_cards_are_never_rendered_twice(tmp_path: Path, workers: int) -> None:
    specs = [_spec("One"), _spec("Two"), _spec("Three")]
    first = _run(tmp_path / "cache", tmp_path / "out1", specs, workers)
    assert (first.rendered, first.cached) == (3, 0)
    second = _run(tmp_path / "cache", tmp_path / "out2", specs, workers)
    assert (second.rendered, second.cached) == (0, 3)
    third = _run(
        tmp_path / "cache", tmp_path / "out3", [_spec("One"), _spec("Two!"), _spec("Three")]
    )
    assert (third.rendered, third.cached) == (1, 2)
    # Cache hits are hard links to the cached file (no copy, no decode).
    name = sorted(second.names)[0]
    assert (tmp_path / "out1" / name).samefile(tmp_path / "out2" / name)
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_corrupt_manifest_means_an_empty_cache(tmp_path: Path) -> None:
    _run(tmp_path / "cache", tmp_path / "out", [_spec("One")])
    (tmp_path / "cache" / "manifest.json").write_text("{not json", "utf-8")
    again = _run(tmp_path / "cache", tmp_path / "out", [_spec("One")])
    assert again.rendered == 1


def test_a_deleted_cache_file_is_rendered_again(tmp_path: Path) -> None:
    _run(tmp_path / "cache", tmp_path / "out", [_spec("One")])
    for card in (tmp_path / "cache" / "cards").iterdir():
        card.unlink()
    assert _run(tmp_path / "cache", tmp_path / "out", [_spec("One")]).rendered == 1


def test_fallback_problems_repeat_on_cache_hits(tmp_path: Path) -> None:
    """A cached card that fell back is reported on every build, not only the first."""
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"garbage")
    spec = _spec("One", "photo", {"path": str(bad), "focus": (0.5, 0.5)})
    first = _run(tmp_path / "cache", tmp_path / "out", [spec])
    stats = _run(tmp_path / "cache", tmp_path / "out", [spec])
    assert stats.cached == 1
    for run in (first, stats):
        assert [s for s, what in run.failures if "fell back to the text layout" in what] == [
            "card0.md"
        ]


def _content(**metadata) -> SimpleNamespace:
    return SimpleNamespace(metadata=metadata)


def test_reviewed_text_prefers_health_review() -> None:
    article = _content(last_reviewed="2020-01-01")
    article.review = SimpleNamespace(last_reviewed=dt.date(2025, 7, 5))
    assert cards.reviewed_text(article, OPTS) == "Reviewed 5 July 2025"
    article.review = SimpleNamespace(last_reviewed=None)
    assert cards.reviewed_text(article, OPTS) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025-03-01", "Reviewed 1 March 2025"), ("not a date", ""), (None, "")],
)
def test_reviewed_text_falls_back_to_metadata(value, expected) -> None:
    assert cards.reviewed_text(_content(last_reviewed=value), OPTS) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (0.5, 0.5)),
        ("0.2, 0.8", (0.2, 0.8)),
        ("30%,70%", (0.3, 0.7)),
        ("2,2", (0.5, 0.5)),
        ("x", (0.5, 0.5)),
    ],
)
def test_parse_focus(value, expected) -> None:
    assert cards.parse_focus(value, "a.md") == pytest.approx(expected)


def test_progress_bar_when_many_cards_render(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    jobs = CardJobs(tmp_path / "cache", 0)
    for i in range(3):
        spec = _spec(f"Card {i}")
        digest = spec_hash(spec)
        jobs.add(digest, card_name(f"c{i}", digest, "png"), f"c{i}.md", spec)
    stats = jobs.finish(tmp_path / "out", progress_min=2)
    assert stats.rendered == 3


def test_og_keys_are_declared_for_content_guard() -> None:
    """content_guard knows og_* keys from og_cards itself (and names a hyphenated spelling)."""
    from og_cards import og_cards

    names = {key.name for key in og_cards.declare_keys({})}
    assert names == {"og_title", "og_description", "og_image", "og_image_alt", "og_image_focus"}
