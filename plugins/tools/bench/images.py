"""Measure content_images on the real content: `python -m tools.bench.images [avif webp]`.

Plans every image under content/images/, encodes all copies into an empty cache (cold), then
again with that cache (warm), and prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from content_images.content_images import ImageRun, get_settings


def main(argv: list[str], root: Path) -> int:
    """Print cold and warm costs and the bytes a phone downloads per image of ``root``."""
    formats = argv or ["webp"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = {
            "PATH": str(root / "content"),
            "OUTPUT_PATH": str(Path(tmp) / "out"),
            "CACHE_PATH": str(Path(tmp) / "cache"),
            "CONTENT_IMAGES_FORMATS": formats,
        }
        get_settings(settings)
        rows = []
        for label in ("cold", "warm"):
            run = ImageRun(settings)
            for path in sorted((root / "content" / "images").glob("*")):
                run.plan(path)
            started = time.perf_counter()
            stats = run.publish()
            rows.append((label, stats, time.perf_counter() - started))
        print(f"formats {formats} + fallback; widths {run.opts['CONTENT_IMAGES_WIDTHS']}")
        print("| build | images | copies | encoded | seconds |")
        print("|---|---|---|---|---|")
        for label, stats, seconds in rows:
            row = (label, stats["images"], stats["copies"], stats["encoded"], f"{seconds:.2f}")
            print("| " + " | ".join(map(str, row)) + " |")
        print("\n| image | original | 480w (phone 1x) | 800w (phone 2x) | largest fallback |")
        print("|---|---|---|---|---|")
        out = Path(settings["OUTPUT_PATH"]) / run.opts["CONTENT_IMAGES_OUTPUT_DIR"]
        for path, plan in sorted(run.plans.items()):
            if plan is None:
                continue
            modern = plan.copies[plan.modern()[0]] if plan.modern() else plan.copies[plan.fallback]
            size = {c.width: (out / c.name).stat().st_size for c in modern}
            largest = (out / plan.largest().name).stat().st_size
            print(
                f"| {path.name} | {path.stat().st_size // 1000} KB | {size.get(480, 0) // 1000} KB"
                f" | {size.get(800, 0) // 1000} KB | {largest // 1000} KB |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Path.cwd()))
