"""`invoke bench`'s report: tables, noise and the scaling plot from measured pairs (no timing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from tools.bench import whole_site
from tools.bench.suite import Pair, Series

ROOT = Path(__file__).resolve().parent.parent


def _run(wall: float, rss: float = 100.0, **reports: dict) -> dict:
    return {"wall": wall, "process": wall + 2, "cpu_main": wall, "cpu_workers": 1.0,
            "rss_main_mb": rss, "rss_child_mb": 50.0, **reports}  # fmt: skip


def _series(config: str, n: int, scale: float, *, edit: bool = True) -> Series:
    series = Series(config, n, n + 22)
    for bare, plugins in ((10.0, 11.0), (10.0, 12.0), (12.0, 12.0)):
        series.pairs.append(Pair("cold", _run(bare * scale), _run(plugins * scale), (1.0, 1, 1)))
    warm = _run(5.0 * scale, cards={"rendered": 0}, readability={"scored": 0})
    series.pairs.append(Pair("warm", _run(5.0 * scale), warm, (3.5, 1, 1)))
    edited = _run(6.0 * scale, cards={"rendered": 1}, readability={"scored": 1},
                content_cache={"read": 1})  # fmt: skip
    if edit:
        series.pairs.append(Pair("edit", _run(5.0 * scale), edited, (2.0, 1, 1)))
    return series


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    doc = (
        "# Performance\n\n"
        + whole_site.START
        + "\nNot measured yet.\n"
        + whole_site.END
        + "\n\nafter\n"
    )
    (tmp_path / "docs" / "performance.md").write_text(doc, encoding="utf-8")
    font = tmp_path / whole_site.FONT
    font.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / whole_site.FONT, font)
    return tmp_path


def test_the_report_states_noise_load_counts_and_draws_the_scaling_plot(project: Path):
    series = [_series("dev", 1000, 0.4, edit=False), _series("dev", 3000, 1.0)]
    wait = {"preview": _run(3.0, content_cache={"read": 1}), "full": _run(20.0), "load": (4, 1, 1)}
    section = whole_site.write_report(project, series, wait, "invoke bench --number 3000")
    text = (project / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "Not measured yet." not in text and text.endswith("after\n") and section in text
    assert "invoke bench --number 3000" in section and "cores" in section
    assert "1.0–3.5" in section  # the load average during the runs
    assert "1.10× (1.00–1.20)" in section  # median (min–max) of three cold pairs
    assert "| one article edited | 1 |" in section
    assert "6.0 s" in section and "60% of a cold bare build" in section  # (3+2+1) / 10
    plot = project / "docs" / "images" / "bench-scaling-dev.png"
    assert "](images/bench-scaling-dev.png)" in section
    with Image.open(plot) as image:
        assert image.size == (960, 540)


def test_a_document_without_the_markers_is_not_overwritten(project: Path):
    doc = project / "docs" / "performance.md"
    doc.write_text("# Performance\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="markers"):
        whole_site.write_report(project, [_series("dev", 3000, 1.0)], None, "invoke bench")
    assert doc.read_text(encoding="utf-8") == "# Performance\n"


@pytest.mark.parametrize(
    "args", [["--configs", "staging"], ["--number", "0"], ["--sizes", "10,-5"], ["--rounds", "0"]]
)
def test_bad_options_stop_before_anything_is_built(args: list[str], tmp_path: Path):
    with pytest.raises(SystemExit) as stopped:
        whole_site.main(["--root", str(tmp_path), "--workdir", str(tmp_path / "work"), *args])
    assert stopped.value.code == 2
    assert not (tmp_path / "work").exists()


def test_the_synthetic_corpus_passes_every_content_rule(tmp_path: Path):
    # A corpus the writer checks reject measures a smaller site than bare Pelican builds.
    from conftest import build
    from kernel import problems
    from tools.bench.corpus import make_corpus, synthetic_articles

    content = make_corpus(tmp_path / "content", 60, source=ROOT / "content")
    assert len(synthetic_articles(content)) == 60
    counted: list[int] = []

    def count(generator) -> None:
        counted.append(len(generator.articles) + len(generator.translations))

    from pelican import signals

    signals.article_generator_finalized.connect(count)
    build(tmp_path / "out", content_path=content,
          settings={"READER_FEATURES_SEARCH": False, "SHAREWELL_TODAY": "2026-11-01"})  # fmt: skip
    found = [p for p in problems.current_store().problems if p.severity.name == "ERROR"]
    assert found == []
    assert counted == [60 + len(list((ROOT / "content" / "articles").rglob("*.md")))]


def test_a_pair_whose_sides_built_different_sites_stops_the_bench(monkeypatch, tmp_path: Path):
    from tools.bench import suite

    def fake(root, settings, override, *, label):
        return {"wall": 1.0, "articles": 10 if override.get("PLUGINS") == [] else 7}

    monkeypatch.setattr(suite, "measure", fake)
    with pytest.raises(RuntimeError, match="built 7 articles and bare Pelican 10"):
        suite.run_pair(ROOT, ROOT / "pelicanconf.py", tmp_path, tmp_path, "cold",
                       plugins_first=False)  # fmt: skip
