"""One measured build in a fresh Python process: `python -m tools.bench.measure '<json>'`.

The argument names the settings file and the overrides; the last line printed is
``BENCH {json}`` with the build's wall time, CPU time of the process and of its children
(worker pools, Pagefind), peak resident memory of each, and what the plugins report
(cards rendered, texts scored, sources read). ``measure()`` runs it and returns that dict.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MARK = "BENCH "


def _reports(settings: dict[str, Any]) -> dict[str, Any]:
    """Return what each plugin's last-build report in CACHE_PATH says (missing: not run)."""
    cache = Path(settings["CACHE_PATH"])
    found: dict[str, Any] = {}
    for name, path in (
        ("cards", cache / "og_cards" / "last-build.json"),
        ("readability", cache / "health_review" / "last-build.json"),
        ("share", cache / "share_snippets" / "last-build.json"),
        ("content_cache", cache / "kernel" / "content-cache.json"),
    ):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found[name] = data.get("last_build", data) if name == "content_cache" else data
    return found


def run_one(args: dict[str, Any]) -> dict[str, Any]:
    """Build once in this process and return the measurements (the child's side).

    The plugins are importable through PYTHONPATH (``measure`` sets it), the project through
    the working directory (``python -m``), as in a real build.
    """
    from pelican import Pelican, signals
    from pelican.log import init
    from pelican.settings import read_settings

    init(logging.ERROR)
    built: dict[str, int] = {}

    def count(generator: Any) -> None:  # a bench where articles were left out measures less
        built["articles"] = len(generator.articles) + len(generator.translations)

    signals.article_generator_finalized.connect(count)
    settings = read_settings(args["settings"], override=args["override"])
    for stale in ("og_cards", "health_review", "share_snippets"):
        (Path(settings["CACHE_PATH"]) / stale / "last-build.json").unlink(missing_ok=True)
    started = time.perf_counter()
    Pelican(settings).run()
    wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        "cpu_main": me.ru_utime + me.ru_stime,
        "cpu_workers": kids.ru_utime + kids.ru_stime,
        "rss_main_mb": me.ru_maxrss / 1024,
        "rss_child_mb": kids.ru_maxrss / 1024,
        "articles": built.get("articles", 0),
        **_reports(settings),
    }


def measure(
    root: Path, settings: Path, override: dict[str, Any], *, label: str = "build"
) -> dict[str, Any]:
    """Run one build in a fresh process and return its measurements (the parent's side)."""
    args = {"settings": str(settings), "override": override}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tools.bench.measure", json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=root,
        env=_env(root),
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"bench build {label} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    result = json.loads(lines[-1].removeprefix(MARK))
    result["process"] = time.perf_counter() - started
    return result


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    plugins = str(root / "plugins")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [plugins, env.get("PYTHONPATH")]))
    return env


if __name__ == "__main__":
    print(MARK + json.dumps(run_one(json.loads(sys.argv[1]))))
