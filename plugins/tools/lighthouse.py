"""Lighthouse (mobile) on the built site: `invoke lighthouse` or `python -m tools.lighthouse`.

Builds the site with the live-site settings (publishconf.py, plus the `.gz` twins a publish
adds) for a local address, serves it the way the shipped nginx config does (gzip twins, the same
Cache-Control and Content-Type policy as `tools.deploy.plan`), then runs npm's `lighthouse`
(`npm ci` installs the pinned version from package.json) against Debian's Chromium
(`CHROME_PATH`, default /usr/bin/chromium; nothing downloads a browser). Each page is measured
`--runs` times; the table shows the median score of each category and the median metrics.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools.build import run_build
from tools.deploy.build import ensure_gzip
from tools.deploy.plan import cache_control, content_type

PAGES = {
    "home": "/",
    "advice article": "/first-aid/how-to-do-cpr/",
    "search": "/search/?q=burns",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with nginx's gzip_static, Content-Type and Cache-Control policy."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        root = Path(self.directory)
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        path = (root / rel).resolve()
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                self.send_response(301)
                self.send_header("Location", self.path.split("?")[0] + "/")
                self.end_headers()
                return
            path /= "index.html"
            rel = (rel.rstrip("/") + "/index.html").lstrip("/")
        if not path.is_relative_to(root) or not path.is_file():
            path, rel, status = root / "404.html", "404.html", 404
        else:
            status = 200
        body_file = path
        gz = path.with_name(path.name + ".gz")
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and gz.is_file()
        if gzipped:
            body_file = gz
        data = body_file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", content_type(rel))
        self.send_header("Cache-Control", cache_control(rel))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(data)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``site`` on a free port of 127.0.0.1; return the server and its address."""
    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build(root: Path, site: Path, siteurl: str) -> None:
    """Build root's publishconf.py for ``siteurl`` into ``site`` (a failing build stops here)."""
    override = {"SITEURL": siteurl, "FEED_DOMAIN": siteurl, "CACHE_PATH": str(root / ".cache")}
    result = run_build(root / "publishconf.py", output=site, override=override, quiet=True)
    if result.code:
        sys.exit(f"lighthouse: the build failed ({len(result.problems)} problem(s))")
    ensure_gzip(site)  # the .gz twins a publish adds, served as nginx's gzip_static does


def lighthouse(root: Path, url: str, report: Path) -> dict:
    """Run one mobile Lighthouse pass (root's node_modules) and return its JSON report."""
    binary = root / "node_modules" / ".bin" / "lighthouse"
    if not binary.is_file():
        sys.exit("lighthouse: run `npm ci` first (package.json pins lighthouse)")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def measure(root: Path, base_url: str, runs: int, work: Path) -> dict[str, dict]:
    """Return, per page, the median category scores and metrics over ``runs`` runs."""
    results: dict[str, dict] = {}
    for name, path in PAGES.items():
        scores: dict[str, list[float]] = {c: [] for c in CATEGORIES}
        metrics: dict[str, list[float]] = {m: [] for m in METRICS}
        for run in range(runs):
            name_ = name.replace(" ", "-")
            report = lighthouse(root, base_url + path, work / f"{name_}-{run}.json")
            for category in CATEGORIES:
                scores[category].append(report["categories"][category]["score"])
            for metric in METRICS:
                metrics[metric].append(report["audits"][metric]["numericValue"])
        results[name] = {
            "path": path,
            "scores": {c: statistics.median(v) for c, v in scores.items()},
            "all": scores,
            "metrics": {m: statistics.median(v) for m, v in metrics.items()},
        }
    return results


def table(results: dict[str, dict]) -> str:
    """Return the results as a Markdown table."""
    head = "| page | " + " | ".join(CATEGORIES) + " | " + " | ".join(METRICS.values()) + " |"
    lines = [head, "|" + "---|" * (1 + len(CATEGORIES) + len(METRICS))]
    for name, result in results.items():
        scores = [f"{result['scores'][c]:.2f}" for c in CATEGORIES]
        m = result["metrics"]
        values = [
            f"{m['first-contentful-paint'] / 1000:.1f} s",
            f"{m['largest-contentful-paint'] / 1000:.1f} s",
            f"{m['total-blocking-time']:.0f} ms",
            f"{m['cumulative-layout-shift']:.3f}",
            f"{m['speed-index'] / 1000:.1f} s",
        ]
        lines.append(f"| {name} (`{result['path']}`) | " + " | ".join(scores + values) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build, serve, run Lighthouse and print the Markdown table (and optionally JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median)")
    parser.add_argument("--json", type=Path, help="also write every score to this file")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project (default: .)")
    args = parser.parse_args(argv)
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        sys.exit("lighthouse: no Chromium at $CHROME_PATH (run `invoke test-setup`)")
    with tempfile.TemporaryDirectory(prefix="sharewell-lighthouse-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server, base_url = serve(site)
        try:
            build(args.root.resolve(), site, base_url)
            results = measure(args.root.resolve(), base_url, args.runs, Path(tmp))
        finally:
            server.shutdown()
            server.server_close()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
