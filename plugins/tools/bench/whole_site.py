"""`invoke bench`: every plugin against bare Pelican, and the writer's wait, into performance.md.

    python -m tools.bench.whole_site --number 3000 --sizes 1000,3000,10000 --rounds 3

For each corpus size (our content plus N synthetic articles, ``tools.bench.corpus``) and each
settings file (``dev`` = pelicanconf.py, ``live`` = publishconf.py), ``tools.bench.suite``
runs paired cold and warm builds against ``PLUGINS=[]``; at the main size (``--number``) with
``--rounds`` pairs each (min, median and max of the ratios are the noise) and one edited
article, at the other sizes ``--scaling-rounds`` pairs. At the main size with the development
settings it then measures what a writer waits for under `invoke livereload`: the preview build
of one saved article (``kernel.preview``), then the full build after it.

After every series the tables in docs/performance.md (between the ``bench:whole-site`` markers)
and the scaling plot are rewritten from everything measured so far, and the raw numbers are kept
in ``<workdir>/results.json``: a run stopped half-way keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tools.bench.corpus import TODAY, make_corpus
from tools.bench.measure import measure
from tools.bench.report import conditions, plot_scaling, scaling_rows, scaling_table, series_table
from tools.bench.suite import CONFIGS, Series, _override, edit_one_article, run_series

START, END = "<!-- bench:whole-site -->", "<!-- /bench:whole-site -->"
PLOT = Path("docs") / "images" / "bench-scaling-{config}.png"
FONT = Path("plugins") / "og_cards" / "fonts" / "NotoSans-Regular.ttf"
RELOAD_POLL_S = 1.0  # tools.livereload's page asks for the build number once a second


def writers_wait(root: Path, content: Path, work: Path) -> dict[str, Any]:
    """Save one article on a built site and time the preview and the full build after it.

    Both run as `invoke livereload` runs them (a fresh process each, the development settings,
    the warm content cache of the series just measured). The saved page must show the edit.
    """
    settings = root / CONFIGS["dev"]
    edited, before = edit_one_article(content)
    title = edited.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("Title: ")
    try:
        # The series' settings exactly (any other setting would discard the content cache).
        base = {"PATH": str(content), **_override(work, "plugins", warm=True)}
        shown = measure(root, settings, {**base, "SHAREWELL_PREVIEW": [str(edited)]},
                        label="preview")  # fmt: skip
        page = next(Path(base["OUTPUT_PATH"]).rglob(f"{edited.stem}/index.html"))
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if escaped not in page.read_text(encoding="utf-8"):
            raise RuntimeError(f"the preview did not write the edited title into {page}")
        full = measure(root, settings, base, label="full build after the preview")
    finally:
        edited.write_text(before, encoding="utf-8")
    return {"preview": shown, "full": full, "load": os.getloadavg()}


def _wait_table(wait: dict[str, Any], series: Series) -> str:
    bare = series.median("cold", "bare", "wall")
    shown, full = wait["preview"], wait["full"]
    saved = shown["process"] + RELOAD_POLL_S
    title = (
        f"**Writer's wait, dev settings, N = {series.n:,}** (one article saved under "
        f"`invoke livereload`, warm content cache; load {wait['load'][0]:.1f} after the runs)"
    )
    header = (
        "| step | Pelican run (s) | process, with start-up (s) | sources read | "
        "cards rendered | texts scored |"
    )
    rows = [title, "", header, "|---|---|---|---|---|---|"]
    for label, run in (
        ("preview of the saved article (the page reloads)", shown),
        ("full build after it (listings, feeds, search, desk)", full),
    ):
        rows.append(
            f"| {label} | {run['wall']:.1f} | {run['process']:.1f} | "
            f"{_get(run, 'content_cache', 'read')} | {_get(run, 'cards', 'rendered')} | "
            f"{_get(run, 'readability', 'scored')} |"
        )
    rows += [
        "",
        (
            f"From saving to the updated page: at most {saved:.1f} s (the preview process plus "
            f"the page's {RELOAD_POLL_S:.0f} s poll), {saved / bare:.0%} of a cold bare build "
            f"({bare:.1f} s, median of the cold pairs above); target ≤ 25 %."
        ),
    ]
    return "\n".join(rows)


def _get(run: dict[str, Any], report: str, key: str) -> str:
    value = (run.get(report) or {}).get(key)
    return "–" if value is None else str(value)


def write_report(
    root: Path, all_series: list[Series], wait: dict[str, Any] | None, command: str
) -> str:
    """Rewrite the whole-site section of docs/performance.md and the plots; return the section."""
    loads = [pair.load for series in all_series for pair in series.pairs]
    parts = [conditions(loads, command), ""]
    for series in sorted(all_series, key=lambda s: (-len(s.pairs), s.n, s.config)):
        parts += [series_table(series), ""]
    main = next((s for s in all_series if s.config == "dev" and s.of("edit")), None)
    if wait is not None and main is not None:
        parts += [_wait_table(wait, main), ""]
    rows = scaling_rows(all_series)
    if len({row["n"] for row in rows}) > 1:
        parts += ["**Scaling** (median wall time per source file, ms)", "", scaling_table(rows), ""]
        for config in sorted({row["config"] for row in rows}):
            target = plot_scaling(rows, root / str(PLOT).format(config=config), root / FONT, config)
            name = target.relative_to(root / "docs").as_posix()
            parts += [f"![Build time per source file against N, {config} settings]({name})", ""]
    section = "\n".join(parts).rstrip() + "\n"
    doc = root / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise RuntimeError(f"{doc} has no {START} … {END} markers for the bench's tables")
    doc.write_text(pattern.sub(lambda _: f"{START}\n{section}{END}", text), encoding="utf-8")
    return section


def run(
    root: Path,
    *,
    number: int = 3000,
    sizes: Sequence[int] = (1000, 3000, 10000),
    configs: Sequence[str] = ("dev", "live"),
    rounds: int = 3,
    scaling_rounds: int = 1,
    workdir: Path | None = None,
    command: str = "invoke bench",
    progress: Callable[[str], None] = print,
) -> list[Series]:
    """Run every series (main size first), rewriting the report after each; return them."""
    root = root.resolve()
    work = Path(workdir or tempfile.mkdtemp(prefix="sharewell-bench-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["SHAREWELL_TODAY"] = TODAY.isoformat()  # every build, both sides, the same day
    ordered = [number, *sorted(size for size in set(sizes) if size != number)]
    done: list[Series] = []
    wait = None
    for size in ordered:
        content = make_corpus(work / f"content-{size}", size, 2026, root / "content")
        for config in configs:
            main = size == number
            started = time.perf_counter()
            series = run_series(
                root, config, content, work / f"{config}-{size}", n=size,
                rounds=rounds if main else scaling_rounds, edit=main, progress=progress,
            )  # fmt: skip
            done.append(series)
            if main and config == "dev":
                wait = writers_wait(root, content, work / f"{config}-{size}")
                progress(f"bench: writer's wait: preview {wait['preview']['process']:.1f} s, "
                         f"full build after it {wait['full']['process']:.1f} s")  # fmt: skip
            (work / "results.json").write_text(
                json.dumps({"series": [asdict(s) for s in done], "wait": wait}, default=str),
                encoding="utf-8",
            )
            write_report(root, done, wait, command)
            progress(f"bench: {config} N={size} done in {time.perf_counter() - started:.0f} s; "
                     "docs/performance.md updated")  # fmt: skip
    return done


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (what `invoke bench` runs)."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench.whole_site", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder")
    parser.add_argument("--number", type=int, default=3000, help="main corpus size")
    parser.add_argument("--sizes", default="1000,3000,10000", help="scaling sizes, comma-separated")
    parser.add_argument("--configs", default="dev,live", help="dev, live or both")
    parser.add_argument("--rounds", type=int, default=3, help="pairs at the main size")
    parser.add_argument("--scaling-rounds", type=int, default=1, help="pairs at other sizes")
    parser.add_argument("--workdir", type=Path, help="keep corpora and outputs here")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    configs = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = [name for name in configs if name not in CONFIGS]
    if unknown or args.number <= 0 or any(size <= 0 for size in sizes) or args.rounds < 1:
        parser.error(f"--configs takes {', '.join(CONFIGS)}; sizes and rounds must be positive")
    command = "invoke bench " + " ".join(
        f"--{key.replace('_', '-')} {value}"
        for key, value in (
            ("number", args.number),
            ("sizes", args.sizes),
            ("configs", args.configs),
            ("rounds", args.rounds),
            ("scaling_rounds", args.scaling_rounds),
        )
    )
    run(args.root, number=args.number, sizes=sizes, configs=configs, rounds=args.rounds,
        scaling_rounds=args.scaling_rounds, workdir=args.workdir, command=command)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
