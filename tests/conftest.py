"""Shared fixtures: real Pelican builds into temp dirs, signal isolation, a local
HTTP server and headless Chromium (Debian's, driven by Playwright) with axe-core.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from kernel import contents, problems
from kernel.problems import Problem
from pelican import Pelican
from pelican.plugins import signals as pelican_signals
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CHROMIUM = os.environ.get("SHAREWELL_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _all_signals():
    """Pelican's signals and any other named blinker signal (e.g. pelican-granular-signals')."""
    from blinker import Signal, default_namespace

    found = {id(s): s for s in vars(pelican_signals).values() if isinstance(s, Signal)}
    found.update({id(s): s for s in list(default_namespace.values())})
    return list(found.values())


@contextlib.contextmanager
def signals_restored() -> Iterator[None]:
    """Disconnect every receiver connected inside the block: blinker signals are global."""
    before = {id(sig): set(sig.receivers) for sig in _all_signals()}
    try:
        yield
    finally:
        for sig in _all_signals():
            for key in set(sig.receivers) - before.get(id(sig), set()):
                ref = sig.receivers.get(key)
                receiver = ref() if isinstance(ref, weakref.ref) else ref
                if receiver is not None:
                    sig.disconnect(receiver)
                else:
                    sig.receivers.pop(key, None)


@pytest.fixture(autouse=True)
def isolate_signals() -> Iterator[None]:
    """Undo the signal connections of each test (plugins connect in register())."""
    with signals_restored():
        yield


@dataclass
class BuildReport:
    """What one test build left: the output folder, every problem and every content object."""

    output: Path
    problems: list[Problem] = field(default_factory=list)
    contents: list[Any] = field(default_factory=list)

    def by_file(self) -> dict[str, list[Problem]]:
        """Return problems by file name (``bad-input.md``), in report order."""
        found: dict[str, list[Problem]] = {}
        for problem in self.problems:
            found.setdefault(Path(problem.file).name, []).append(problem)
        return found

    def content(self, name: str) -> Any:
        """Return the content object whose source file is called ``name``."""
        return next(c for c in self.contents if Path(c.source_path).name == name)


def build_report(
    output: Path,
    *,
    content_path: Path | None = None,
    settings: dict | None = None,
    config: str = "pelicanconf",
    cache: Path | None = None,
) -> BuildReport:
    """Build like ``build`` and return the problems and content objects of that build."""
    seen: list[Any] = []

    def keep(generators: list[Any]) -> None:
        seen.extend(contents.everything(generators))

    pelican_signals.all_generators_finalized.connect(keep)
    try:
        build(output, content_path=content_path, settings=settings, config=config, cache=cache)
    finally:
        pelican_signals.all_generators_finalized.disconnect(keep)
    return BuildReport(output, list(problems.current_store()), seen)


# Encoded content images are named by content hash: every build in a session may share them.
SHARED_CACHE: dict[str, Path] = {}


@pytest.fixture(scope="session", autouse=True)
def shared_image_cache(tmp_path_factory) -> Path:
    """One content_images cache for the session (tests of that cache pass their own)."""
    SHARED_CACHE["images"] = tmp_path_factory.mktemp("content-images-cache")
    return SHARED_CACHE["images"]


def build(
    output: Path,
    *,
    content_path: Path | None = None,
    settings: dict | None = None,
    config: str = "pelicanconf",
    cache: Path | None = None,
) -> Path:
    """Build a site with a real Pelican into ``output`` and return it.

    The build's problems are in ``kernel.problems.current_store()`` afterwards.
    """
    override = {
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(cache or output.parent / f"{output.name}-cache"),
        "PATH": str(content_path or CONTENT),
        "DELETE_OUTPUT_DIRECTORY": False,
    }
    if "images" in SHARED_CACHE:
        override["CONTENT_IMAGES_CACHE_PATH"] = str(SHARED_CACHE["images"])
    override.update(settings or {})
    # Session-scoped builds run before the autouse fixture: isolate each build too.
    with signals_restored():
        pelican_settings = read_settings(str(ROOT / f"{config}.py"), override=override)
        problems.new_run()
        Pelican(pelican_settings).run()
    return output


def build_served(serve: Callable[[Path], str], output: Path, **options) -> str:
    """Serve ``output`` first, then build into it with SITEURL = the server's address.

    Absolute links (stylesheets, cards, share URLs) then resolve on the test server.
    ``options`` are those of ``build``; SITEURL and FEED_DOMAIN always win over ``settings``.
    """
    output.mkdir(parents=True, exist_ok=True)
    base_url = serve(output)
    settings = {
        "SITEURL": base_url,
        "FEED_DOMAIN": base_url,
        **(options.pop("settings", None) or {}),
    }
    settings["SITEURL"] = settings["FEED_DOMAIN"] = base_url
    build(output, settings=settings, **options)
    return base_url


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., Path]:
    """Return ``build_site(content_path=None, settings=None, config="pelicanconf")``."""
    counter = {"n": 0}

    def _build(
        content_path: Path | None = None,
        settings: dict | None = None,
        config: str = "pelicanconf",
        output: Path | None = None,
    ) -> Path:
        counter["n"] += 1
        out = output or tmp_path / f"output-{counter['n']}"
        return build(
            out,
            content_path=content_path,
            settings=settings,
            config=config,
            cache=tmp_path / "cache",
        )

    return _build


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content/ built once with the development settings."""
    out = tmp_path_factory.mktemp("real-dev") / "output"
    return build(out, settings={"SITEURL": "http://127.0.0.1:8000"})


@pytest.fixture(scope="session")
def real_site_publish(tmp_path_factory) -> Path:
    """The real content/ built once with the live-site settings (publishconf.py)."""
    out = tmp_path_factory.mktemp("real-publish") / "output"
    return build(out, config="publishconf")


@pytest.fixture(scope="session")
def served_real_site(tmp_path_factory, site_server) -> tuple[str, Path]:
    """The real content/ built once per session and served: (base_url, output folder).

    Browser tests share it; they must only read it (build their own site to change anything).
    """
    output = tmp_path_factory.mktemp("served-real") / "output"
    return build_served(site_server, output), output


def copy_content(destination: Path) -> Path:
    """Copy the real content/ so a test can change it."""
    shutil.copytree(CONTENT, destination)
    return destination


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def site_server() -> Iterator[Callable[[Path], str]]:
    """Return ``serve(path) -> base_url``: a static server on 127.0.0.1, random port."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(path: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium from Debian, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM}: run `invoke test-setup`")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (run `invoke test-setup`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Return ``new_page(width=360, height=800, javascript=True)``.

    The page records every request to a host other than 127.0.0.1 in
    ``page.external_requests`` and aborts it, so nothing leaves the machine.
    """
    contexts = []

    def _new(width: int = 360, height: int = 800, javascript: bool = True, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.external_requests = []

        def route(route_obj) -> None:
            url = route_obj.request.url
            host = urlsplit(url).hostname or ""
            if url.startswith(("data:", "blob:", "about:")) or host in {"127.0.0.1", "localhost"}:
                route_obj.continue_()
            else:
                page.external_requests.append(url)
                route_obj.abort()

        context.route("**/*", route)
        return page

    yield _new
    for context in contexts:
        context.close()


AXE_SOURCE = None


def run_axe(page, *, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core (bundled by axe-playwright-python) with WCAG 2.2 AA + target-size."""
    global AXE_SOURCE  # noqa: PLW0603 - read the 500 KB script once per session
    if AXE_SOURCE is None:
        import axe_playwright_python

        AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.evaluate(AXE_SOURCE)
    options = {
        "runOnly": {"type": "tag", "values": tags or AXE_TAGS},
        "rules": {"target-size": {"enabled": True}},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("options => axe.run(document, options)", options)
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    """Describe axe violations readably for assertion messages."""
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)
