"""`invoke bench`: build a synthetic corpus bare and with cards (cold, warm); report the cost.

    from tools.bench.site import run_bench
    run_bench(3000, root=Path("."))  # -> results; prints the Markdown for performance.md

Each build runs in a fresh Python process (`pelican` as a library) so that wall time and peak RSS
are measured per build. Not a timed test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

SITEURL = "http://127.0.0.1:8000"
RUNNER = """
import json, logging, resource, sys, time
args = json.loads(sys.argv[1])
from pelican import Pelican
from pelican.log import init
from pelican.settings import read_settings
init(logging.ERROR)
settings = read_settings(args["settings"], override=args["override"])
started = time.perf_counter()
Pelican(settings).run()
wall = time.perf_counter() - started
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
out = {"wall": wall, "rss_main_mb": me.ru_maxrss / 1024, "rss_child_mb": kids.ru_maxrss / 1024,
       "cpu_main": me.ru_utime + me.ru_stime, "cpu_workers": kids.ru_utime + kids.ru_stime}
cards = sys.modules.get("og_cards.og_cards")
if cards is not None:
    report = cards.last_build_stats(settings["CACHE_PATH"])
    out.update(rendered=report["rendered"], cached=report["cached"])
print("BENCH " + json.dumps(out))
"""


def _build(
    work: Path,
    name: str,
    *,
    root: Path,
    content: Path,
    settings: Path,
    plugins: list | None,
    cache: str,
):
    # Like `invoke build`: the output folder is reused (not deleted) between builds of a variant,
    # so a warm rebuild finds its cards already linked in place.
    override: dict[str, Any] = {
        "PATH": str(content),
        "OUTPUT_PATH": str(work / f"out-{cache}"),
        "CACHE_PATH": str(work / f"cache-{cache}"),
        "SITEURL": SITEURL,
        "DELETE_OUTPUT_DIRECTORY": False,
    }
    if plugins is not None:
        override["PLUGINS"] = plugins
    args = {
        "path": [str(root / "plugins"), str(root)],
        "settings": str(settings),
        "override": override,
    }
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(args["path"])}
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"bench build {name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    result["process"] = time.perf_counter() - started
    result["output"] = override["OUTPUT_PATH"]
    return result


def _card_sizes(output: Path) -> dict[str, float]:
    sizes = sorted(p.stat().st_size for p in (output / "og").glob("*.*"))
    if not sizes:
        return {"cards": 0, "median_kb": 0.0, "max_kb": 0.0}
    return {
        "cards": len(sizes),
        "median_kb": statistics.median(sizes) / 1000,
        "max_kb": sizes[-1] / 1000,
    }


def render_throughput(titles: list[str]) -> dict[str, float]:
    """Return cards/s for our renderer and a raw Pillow draw-and-encode loop, one process each."""
    from og_cards import render
    from og_cards.og_cards import get_settings
    from og_cards.spec import build_spec
    from PIL import Image, ImageDraw, ImageFont

    opts = get_settings({"SITENAME": "Sharewell"})
    texts = [
        {"title": t, "section": "First aid", "site_name": "Sharewell", "reviewed": ""}
        for t in titles
    ]
    specs = [build_spec(opts, "text", t, "#007f3b") for t in texts]
    render.draw_card(specs[0])  # warm the font caches, as a worker would after its first card
    started = time.perf_counter()
    for spec in specs:
        card = render.draw_card(spec)
        render.encode(card, "png", spec["max_bytes"], 85, spec["png_colours"])
    ours = len(specs) / (time.perf_counter() - started)

    bold = ImageFont.truetype(opts["OG_CARDS_FONTS"][0], 72)
    small = ImageFont.truetype(opts["OG_CARDS_FONTS"][0], 34)
    started = time.perf_counter()
    for title in titles:
        card = Image.new("RGB", (1200, 630), "#f0f4f5")
        draw = ImageDraw.Draw(card)
        draw.rectangle((0, 0, 1200, 30), fill="#007f3b")
        draw.text((60, 62), "First aid", font=small, fill="#007f3b")
        draw.multiline_text(
            (60, 130), "\n".join(textwrap.wrap(title, 26)[:4]), font=bold, fill="#212b32"
        )
        draw.text((126, 530), "Sharewell", font=small, fill="#212b32")
        # The same encoder as ours (palette from a quarter-size copy, zlib level 3).
        palette = card.reduce(4).quantize(256, Image.Quantize.FASTOCTREE)
        card = card.quantize(palette=palette, dither=Image.Dither.NONE)
        card.save(io.BytesIO(), "PNG", compress_level=3)
    raw = len(titles) / (time.perf_counter() - started)
    return {"ours_per_s": ours, "raw_per_s": raw, "ratio": ours / raw}


def run_bench(
    n: int = 3000,
    *,
    root: Path,
    workdir: str | Path | None = None,
    seed: int = 2026,
    settings: str | Path | None = None,
    all_plugins: bool = True,
    sample: int = 100,
) -> dict[str, Any]:
    """Build N synthetic articles bare and with cards (cold, warm); print and return the results.

    ``root`` is the project (its content/ seeds the corpus; its plugins/ are imported).
    """
    from tools.bench.corpus import _title, make_corpus

    root = Path(root).resolve()
    work = Path(workdir or tempfile.mkdtemp(prefix="og-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    content = make_corpus(work / "content", n, seed, root / "content")
    runs: dict[str, dict[str, Any]] = {}
    common = {
        "root": root,
        "content": content,
        "settings": Path(settings or root / "pelicanconf.py"),
    }
    for stale in [*work.glob("out-*"), *work.glob("cache-*")]:
        shutil.rmtree(stale)  # cold means cold: no cards or pages from an earlier bench
    # Bare twice: the first run also pays for cold imports and file-system caches.
    first = _build(work, "bare", **common, plugins=[], cache="bare")
    again = _build(work, "bare", **common, plugins=[], cache="bare")
    runs["bare"] = min(first, again, key=lambda run: run["wall"])
    runs["og_cold"] = _build(work, "og-cold", **common, plugins=["og_cards"], cache="og")
    runs["og_warm"] = _build(work, "og-warm", **common, plugins=["og_cards"], cache="og")
    if all_plugins:
        runs["all_cold"] = _build(work, "all-cold", **common, plugins=None, cache="all")
        runs["all_warm"] = _build(work, "all-warm", **common, plugins=None, cache="all")
    rng = random.Random(seed)  # noqa: S311 - reproducible sample titles, not security
    results = {
        "n": n,
        "work": str(work),
        "runs": runs,
        "cards": _card_sizes(Path(runs["og_cold"]["output"])),
        "throughput": render_throughput([_title(rng) for _ in range(sample)]),
    }
    print(to_markdown(results))
    return results


def to_markdown(results: dict[str, Any]) -> str:
    """Return the results as the Markdown table kept in docs/performance.md."""
    runs, bare = results["runs"], results["runs"]["bare"]
    rows = [
        (
            "| build | Pelican run (s) | ratio to bare | CPU main + workers (s) | rendered | "
            "cached | cards/s | peak RSS main (MB) | RSS ratio | peak RSS worker (MB) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        rendered = run.get("rendered", "")
        rate = f"{rendered / run['wall']:.0f}" if rendered else ""
        rows.append(
            f"| {name} | {run['wall']:.1f} | {run['wall'] / bare['wall']:.2f}× | "
            f"{run['cpu_main']:.0f} + {run['cpu_workers']:.0f} | {rendered} | "
            f"{run.get('cached', '')} | {rate} | {run['rss_main_mb']:.0f} | "
            f"{run['rss_main_mb'] / bare['rss_main_mb']:.2f}× | {run['rss_child_mb']:.0f} |"
        )
    cards, speed = results["cards"], results["throughput"]
    rows += [
        "",
        (
            f"Cards: {cards['cards']}, median {cards['median_kb']:.0f} KB, "
            f"max {cards['max_kb']:.0f} KB."
        ),
        (
            f"Renderer alone (one process): {speed['ours_per_s']:.0f} cards/s; raw Pillow "
            f"draw-and-encode loop of the same card: {speed['raw_per_s']:.0f} cards/s "
            f"({speed['ratio']:.0%})."
        ),
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    run_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3000, root=Path.cwd())
