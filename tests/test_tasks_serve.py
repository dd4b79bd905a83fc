"""`invoke serve`, `preview` and `livereload` as a newcomer runs them: real builds, any port.

A development build is made for http://127.0.0.1:8000; served on another port, every
stylesheet, script, image and card still loads (from this server), the page is styled in
Chromium, unknown addresses get the site's 404 page, and a port in use is one line.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
INVOKE = [sys.executable, "-m", "invoke"]
ARTICLE = "/first-aid/how-to-do-cpr/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    env["PYTHONPATH"] = str(ROOT / "plugins")  # this checkout's tools, not the venv's
    for name in ("SHAREWELL_HOST", "SHAREWELL_PORT", "SHAREWELL_SITEURL"):
        env.pop(name, None)
    return {**env, **extra}


def copy_project(destination: Path) -> Path:
    destination.mkdir()
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, destination / name)
    for name in ("theme", "content", "plugins"):
        shutil.copytree(
            ROOT / name, destination / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return destination


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project, built once with the development settings (`invoke build`)."""
    copy = copy_project(tmp_path_factory.mktemp("serve") / "project")
    result = subprocess.run(
        [*INVOKE, "build"], cwd=copy, env=environment(), capture_output=True, text=True,
        timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return copy


class Served:
    """A running `invoke ...` server process and its address."""

    def __init__(
        self, project: Path, *args: str, port: int | None, ready: str = "Serving ",
        timeout: float = 600,
    ) -> None:  # fmt: skip
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        options = ["--port", str(port)] if port is not None else []
        self.proc = subprocess.Popen(
            [*INVOKE, *args, *options], cwd=project, env=environment(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                pytest.fail("the server stopped:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith(ready):
                return
        self.stop()
        pytest.fail("the server did not start:\n" + "".join(self.lines))

    def next_line(self) -> str:
        self.lines.append(self.proc.stdout.readline())
        return self.lines[-1]

    def get(self, path: str) -> tuple[int, bytes, str]:
        try:
            with urllib.request.urlopen(urljoin(self.base, path), timeout=30) as response:
                return response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers["Content-Type"]

    def stop(self) -> str:
        self.proc.terminate()  # the server stops on SIGTERM as on Ctrl-C
        out, _ = self.proc.communicate(timeout=30)
        return "".join(self.lines) + (out or "")


@pytest.fixture
def served(project) -> Iterator:
    running: list[Served] = []

    def start(*args: str) -> Served:
        server = Served(project, *args, port=free_port())
        running.append(server)
        return server

    yield start
    for server in running:
        if server.proc.poll() is None:
            server.stop()


def same_site_assets(base: str, html: bytes) -> set[str]:
    """Return every same-site URL a page loads or announces (styles, scripts, images, cards)."""
    soup = BeautifulSoup(html, "html.parser")
    found = set()
    for tag in soup.find_all(["link", "script", "img", "source", "meta"]):
        values = [tag.get("href"), tag.get("src")]
        card = {"og:image", "og:image:url", "og:image:secure_url", "twitter:image"}
        if tag.name == "meta" and (tag.get("property") or tag.get("name")) in card:
            values.append(tag.get("content"))
        for srcset in (tag.get("srcset"), tag.get("imagesrcset")):
            values += [part.split()[0] for part in (srcset or "").split(",") if part.strip()]
        for value in filter(None, values):
            url = urljoin(base + "/", value)
            if urlsplit(url).netloc == urlsplit(base).netloc:
                found.add(url)
    return found


def assert_every_asset_loads(server: Served, path: str) -> set[str]:
    status, html, _ = server.get(path)
    assert status == 200
    assert b"127.0.0.1:8000" not in html, "the page still points at the port it was built for"
    assets = same_site_assets(server.base, html)
    paths = [urlsplit(a).path for a in assets]
    assert any(p.endswith(".css") for p in paths), paths
    assert any(p.endswith(".js") for p in paths), paths
    assert any(p.startswith("/og/") for p in paths), paths  # the link-preview card
    assert any(p.startswith("/images/") for p in paths), paths
    broken = [a for a in sorted(assets) if server.get(a)[0] != 200]
    assert not broken, f"these do not load from {server.base}: {broken}"
    return assets


def test_serve_on_any_port_loads_every_asset_and_answers_404s(served):
    server = served("serve")
    assert server.next_line().strip() == "links to http://127.0.0.1:8000 are served from here"
    assets = assert_every_asset_loads(server, ARTICLE)
    assert any(urlsplit(a).path.endswith(".css") for a in assets)
    _, css, kind = server.get(next(a for a in sorted(assets) if a.endswith(".css")))
    assert kind.startswith("text/css")
    assert b"127.0.0.1:8000" not in css
    status, body, kind = server.get("/no-such-page/")
    assert status == 404
    assert kind == "text/html; charset=utf-8"
    assert b"Page not found" in body
    # The desk's share-kit links go to the private folder, served at /_private/ in development.
    assert server.get("/_private/")[0] == 404  # no listing
    out = server.stop()
    assert "serve: 404 /no-such-page/" in out
    assert "Traceback" not in out, out
    assert "serve: stopped." in out


@pytest.mark.browser
def test_serve_on_another_port_is_styled_in_chromium(served, new_page):
    server = served("serve")
    page = new_page(width=1280, height=800)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(server.base + ARTICLE, wait_until="load")
    assert failed == []
    assert page.external_requests == []
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || 'inline')")
    assert any(str(s).startswith(server.base + "/theme/") for s in sheets), sheets
    # Styled: the theme's layout, not the browser's default serif body at 8px margins.
    margin = page.evaluate("getComputedStyle(document.body).margin")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert (margin, family) != ("8px", "Times New Roman"), (margin, family)
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")


def test_a_port_in_use_is_one_line_and_no_traceback(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for task in ("serve", "reserve", "preview", "livereload", "desk"):
            result = subprocess.run(
                [*INVOKE, task, "--port", str(port), *(["--no-open"] if task == "desk" else [])],
                cwd=project, env=environment(), capture_output=True, text=True, timeout=120,
                check=False,
            )  # fmt: skip
            assert result.returncode == 1, (task, result.stdout, result.stderr)
            expected = (
                f"serve: port {port} on 127.0.0.1 is already in use (another `invoke serve`?). "
                f"Choose another: --port {port + 1} (or SHAREWELL_PORT={port + 1})"
            )
            assert result.stderr.strip().splitlines() == [expected], task
            assert "build" not in result.stdout.lower(), f"{task} built before binding"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--port", "http"], {}, "serve: --port 'http' is not a number (e.g. --port 8001)"),
        ([], {"SHAREWELL_PORT": "eighty"}, "serve: --port 'eighty' is not a number"),
        (["--host", "192.0.2.1"], {}, "serve: cannot listen on '192.0.2.1'"),
    ],
)
def test_bad_addresses_are_one_line(project, args, env, message):
    result = subprocess.run(
        [*INVOKE, "serve", *args], cwd=project, env=environment(**env),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(message)


def test_serve_without_a_build_says_what_to_run(tmp_path):
    copy = tmp_path / "empty"
    copy.mkdir()
    shutil.copy2(ROOT / "tasks.py", copy / "tasks.py")
    result = subprocess.run(
        [*INVOKE, "serve", "--port", "0"], cwd=copy, env=environment(),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "serve: output/ has no site yet: run `invoke build` first (or `invoke reserve`)"
    )


@pytest.mark.browser
def test_preview_serves_the_live_build_from_its_own_folder_offline(project, served, new_page):
    output = project / "output"
    before = {p: p.stat().st_mtime_ns for p in (output / "index.html", output / "_desk")}
    server = served("preview")
    assert server.next_line().strip() == (
        "links to https://www.sharewell.org.uk are served from here"
    )
    assert (project / "preview" / "index.html").is_file()
    assert not (project / "preview" / "_desk").exists()  # the live site has no desk
    assert (project / "preview" / "index.html.gz").is_file()  # exactly what goes live
    # The development build and its desk are untouched.
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert (output / "_desk" / "index.html").is_file()
    built = (project / "preview" / ARTICLE.strip("/") / "index.html").read_text("utf-8")
    assert 'content="https://www.sharewell.org.uk/first-aid/how-to-do-cpr/"' in built
    status, html, _ = server.get(ARTICLE)
    assert status == 200
    assert f'content="{server.base}/first-aid/how-to-do-cpr/"'.encode() in html
    assert b"https://www.sharewell.org.uk/" not in html.replace(b"%3A%2F%2F", b"")
    assert_every_asset_loads(server, ARTICLE)
    page = new_page(width=1280, height=800)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(server.base + ARTICLE, wait_until="load")
    assert failed == []
    assert page.external_requests == []  # offline: nothing leaves this machine
    assert page.evaluate("getComputedStyle(document.body).margin") != "8px"
    assert server.get("/_private/")[0] == 404  # the live site has no private folder
    assert server.get("/no-such-page/")[0] == 404


def builds_running(project: Path) -> list[str]:
    """The command lines of `tools.build` processes building ``project`` now."""
    settings = str(project / "pelicanconf.py")
    running = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        line = " ".join(word.decode(errors="replace") for word in words)
        if "tools.build" in line and settings in line:
            running.append(line)
    return running


def test_regenerate_rebuilds_on_a_change_and_stops_cleanly_mid_build(project):
    watcher = Served(project, "regenerate", port=None, ready="regenerate: watching")
    about = project / "content" / "pages" / "about.md"
    original = about.read_text(encoding="utf-8")
    built = project / "output" / "about" / "index.html"
    try:
        about.write_text(original + "\nA sentence added while watching.\n", encoding="utf-8")
        deadline = time.monotonic() + 600
        while "A sentence added while watching." not in built.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "no rebuild after a content change"
            assert watcher.proc.poll() is None, "".join(watcher.lines)
            time.sleep(0.5)
    finally:
        about.write_text(original, encoding="utf-8")
    # The restore starts another rebuild: stopping now (SIGTERM, as a process manager does)
    # must end that build too, quietly.
    while sum("changed; rebuilding" in line for line in watcher.lines) < 2:
        assert watcher.proc.poll() is None, "".join(watcher.lines)
        watcher.next_line()
    deadline = time.monotonic() + 10
    while not builds_running(project):  # the line is printed just before the build starts
        assert time.monotonic() < deadline, "the second rebuild did not start"
        time.sleep(0.1)
    out = watcher.stop()
    assert watcher.proc.returncode == 0, out
    assert out.count("regenerate: about.md changed; rebuilding") == 2, out
    assert out.count("reading  ") >= 2  # the first build and the rebuild, each one line
    assert "Traceback" not in out, out
    deadline = time.monotonic() + 10
    while builds_running(project):
        assert time.monotonic() < deadline, builds_running(project)
        time.sleep(0.2)


def test_livereload_rebuilds_and_tells_the_page(project, served):
    server = served("livereload")
    while not server.next_line().startswith("livereload: watching"):
        assert server.proc.poll() is None, "".join(server.lines)
    status, html, _ = server.get("/about/")
    assert status == 200
    assert b'<script src="/_dev/reload.js" defer></script>' in html
    assert server.get("/_dev/build")[1] == b"0"
    about = project / "content" / "pages" / "about.md"
    original = about.read_text(encoding="utf-8")
    try:
        about.write_text(original + "\nA sentence added while serving.\n", encoding="utf-8")
        deadline = time.monotonic() + 600
        while server.get("/_dev/build")[1] == b"0":
            assert time.monotonic() < deadline, "no rebuild after a content change"
            assert server.proc.poll() is None, "".join(server.lines)
            time.sleep(0.5)
        # The saved page is shown first (a preview build), then the whole site is rebuilt.
        assert b"A sentence added while serving." in server.get("/about/")[1]
        while not server.next_line().startswith("livereload: site up to date in "):
            assert time.monotonic() < deadline, "".join(server.lines)
            assert server.proc.poll() is None, "".join(server.lines)
        assert int(server.get("/_dev/build")[1]) >= 2  # the page reloads again after the full build
        assert b"A sentence added while serving." in server.get("/about/")[1]
    finally:
        about.write_text(original, encoding="utf-8")
    out = server.stop()
    assert "about.md changed; rebuilding (the saved page first)" in out
    assert "livereload: preview of about.md ready in " in out
    assert "Traceback" not in out, out
