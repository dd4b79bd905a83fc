"""The Markdown tables and the scaling plot `invoke bench` writes (docs/performance.md)."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tools.bench.suite import Series

KINDS = {
    "cold": "cold (empty caches)",
    "warm": "warm (content cache)",
    "edit": "one article edited",
}


def conditions(loads: Iterable[tuple[float, float, float]], command: str) -> str:
    """Return one paragraph: when, where, how loaded, and the command that measured it."""
    loads = list(loads)
    low = min(load[0] for load in loads) if loads else os.getloadavg()[0]
    high = max(load[0] for load in loads) if loads else os.getloadavg()[0]
    import pelican

    return (
        f"Measured {dt.date.today().isoformat()} with `{command}` on {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()}, Pelican "
        f"{pelican.__version__}); 1-minute load average {low:.1f}–{high:.1f} during the runs "
        "(other work shares the machine: a load above the core count slows both sides of a pair)."
    )


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def _count(run: dict[str, Any], report: str, key: str) -> str:
    value = (run.get(report) or {}).get(key)
    return "" if value is None else str(value)


def series_table(series: Series) -> str:
    """Return the table of one settings file at one size: medians, noise, memory, counts."""
    rows = [
        (
            f"**{series.config} settings, N = {series.n:,} synthetic articles "
            f"({series.sources:,} sources with our content)**"
        ),
        "",
        (
            "| build | pairs | bare (s) | plugins (s) | ratio median (min–max) | CPU main + "
            "workers, bare → plugins (s) | peak RSS bare → plugins (MB) | cards rendered | "
            "texts scored | share texts fitted | sources read |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, label in KINDS.items():
        pairs = series.of(kind)
        if not pairs:
            continue
        low, mid, high = series.noise(kind)
        last = pairs[-1].plugins
        cpu_bare = series.median(kind, "bare", "cpu_main") + series.median(
            kind, "bare", "cpu_workers"
        )
        rows.append(
            f"| {label} | {len(pairs)} | {_fmt(series.median(kind, 'bare', 'wall'))} | "
            f"{_fmt(series.median(kind, 'plugins', 'wall'))} | "
            f"{mid:.2f}× ({low:.2f}–{high:.2f}) | {cpu_bare:.0f} → "
            f"{series.median(kind, 'plugins', 'cpu_main'):.0f} + "
            f"{series.median(kind, 'plugins', 'cpu_workers'):.0f} | "
            f"{series.median(kind, 'bare', 'rss_main_mb'):.0f} → "
            f"{series.median(kind, 'plugins', 'rss_main_mb'):.0f} "
            f"({max(p.rss_ratio for p in pairs):.2f}×) | "
            f"{_count(last, 'cards', 'rendered')} | {_count(last, 'readability', 'scored')} | "
            f"{_count(last, 'share', 'fitted')} | {_count(last, 'content_cache', 'read')} |"
        )
    return "\n".join(rows)


def scaling_rows(all_series: list[Series]) -> list[dict[str, Any]]:
    """Return per-article costs (ms) by settings file and size, cold and warm medians."""
    rows = []
    for series in sorted(all_series, key=lambda s: (s.config, s.n)):
        row: dict[str, Any] = {"config": series.config, "n": series.n, "sources": series.sources}
        for kind in ("cold", "warm"):
            if not series.of(kind):
                continue
            for side in ("bare", "plugins"):
                row[f"{kind}_{side}"] = 1000 * series.median(kind, side, "wall") / series.sources
        rows.append(row)
    return rows


def scaling_table(rows: list[dict[str, Any]]) -> str:
    """Return the scaling table: ms per source file, bare and with plugins, and the ratio."""
    lines = [
        (
            "| settings | N | sources | cold bare (ms/source) | cold plugins | cold ratio | "
            "warm bare | warm plugins | warm ratio |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row["config"], f"{row['n']:,}", f"{row['sources']:,}"]
        for kind in ("cold", "warm"):
            bare, plugins = row.get(f"{kind}_bare"), row.get(f"{kind}_plugins")
            if bare is None or plugins is None:
                cells += ["", "", ""]
                continue
            cells += [_fmt(bare), _fmt(plugins), f"{plugins / bare:.2f}×"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


COLOURS = {"cold_bare": "#7a7a7a", "cold_plugins": "#005eb8", "warm_bare": "#b0b0b0",
           "warm_plugins": "#00703c"}  # fmt: skip
LABELS = {"cold_bare": "cold, bare Pelican", "cold_plugins": "cold, our plugins",
          "warm_bare": "warm, bare Pelican", "warm_plugins": "warm, our plugins"}  # fmt: skip


def plot_scaling(rows: list[dict[str, Any]], target: Path, font_file: Path, config: str) -> Path:
    """Draw ms per source against N (log scale) for one settings file; return the PNG."""
    rows = [r for r in rows if r["config"] == config]
    width, height, left, right, top, bottom = 960, 540, 90, 250, 50, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_file), 16)
    small = ImageFont.truetype(str(font_file), 14)
    sizes = [r["sources"] for r in rows] or [1, 10]
    values = [r[k] for r in rows for k in COLOURS if k in r] or [1.0]
    x_lo, x_hi = math.log10(min(sizes) / 1.3), math.log10(max(sizes) * 1.3)
    y_hi = max(values) * 1.15

    def xy(sources: float, ms: float) -> tuple[float, float]:
        x = left + (math.log10(sources) - x_lo) / (x_hi - x_lo) * (width - left - right)
        return x, height - bottom - ms / y_hi * (height - top - bottom)

    draw.rectangle((left, top, width - right, height - bottom), outline="#333333")
    for step in range(6):
        ms = y_hi * step / 5
        _, y = xy(sizes[0], ms)
        draw.line((left - 5, y, left, y), fill="#333333")
        draw.text((left - 10, y), f"{ms:.0f}", fill="#333333", font=small, anchor="rm")
    for sources in sorted(set(sizes)):
        x, _ = xy(sources, 0)
        draw.line((x, height - bottom, x, height - bottom + 5), fill="#333333")
        draw.text((x, height - bottom + 8), f"{sources:,}", fill="#333333", font=small, anchor="ma")
    draw.text((width - right, height - 28), "source files (log scale)", fill="#333333",
              font=font, anchor="rm")  # fmt: skip
    draw.text((left, 18), f"Build time per source file, ms ({config} settings)", fill="#111111",
              font=font)  # fmt: skip
    for number, (key, colour) in enumerate(COLOURS.items()):
        points = [xy(r["sources"], r[key]) for r in rows if key in r]
        if len(points) > 1:
            draw.line(points, fill=colour, width=3)
        for x, y in points:
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=colour)
        legend_y = top + 10 + number * 26
        legend = (width - right + 20, legend_y, width - right + 50, legend_y)
        draw.line(legend, fill=colour, width=3)
        draw.text((width - right + 58, legend_y), LABELS[key], fill="#111111", font=small,
                  anchor="lm")  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    return target
