"""Live reload for ``invoke livereload``: rebuild on every change, and pages reload themselves.

The local server (``tools.devserver``) adds a small script to every page; the script asks for
the build number each second and reloads the page when it changes. Changes are watched with
watchfiles (what Pelican's own ``--autoreload`` uses), so no extra package is needed.

A full build of a large site takes minutes, most of it rewriting pages that did not change.
When only writers' Markdown files changed, the saved pages come first: a *preview* build
(``SHAREWELL_PREVIEW``, see ``kernel.preview``) reads the site from Pelican's content cache,
writes just those pages and the browser reloads; then a full build brings listings, feeds,
search and the desk up to date and the page reloads once more. Anything else (the theme, a
plugin, the settings, an image, a deleted file) gets the full build straight away.
Each preview prints one line with its time (``livereload: preview of x.md ready in 4.2 s``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tools.devserver import DevServer, Site, announce, stop_on_terminate

# Live reload (`invoke livereload`): pages ask for the build number and reload when it changes.
RELOAD_SCRIPT = "/_dev/reload.js"
RELOAD_STATE = "/_dev/build"
RELOAD_JS = """(() => {
  let seen = null;
  const ask = async () => {
    try {
      const answer = await fetch("STATE", { cache: "no-store" });
      const build = await answer.text();
      if (seen !== null && build !== seen) { location.reload(); return; }
      seen = build;
    } catch (error) { /* the server is rebuilding or stopped: ask again */ }
    setTimeout(ask, 1000);
  };
  ask();
})();
""".replace("STATE", RELOAD_STATE)


def _nothing() -> None:
    return


class Live:
    """The build number pages compare, and the addresses that serve it."""

    def __init__(self, site: Site) -> None:
        self.build = 0
        site.routes[RELOAD_SCRIPT] = lambda: (RELOAD_JS.encode(), "text/javascript")
        site.routes[RELOAD_STATE] = lambda: (str(self.build).encode(), "text/plain")
        site.page_filter = with_reload_script


def with_reload_script(page: bytes) -> bytes:
    """Return ``page`` with the reload script before ``</body>``."""
    tag = f'<script src="{RELOAD_SCRIPT}" defer></script>'.encode()
    end = page.lower().rfind(b"</body>")
    return page[:end] + tag + page[end:] if end >= 0 else page + tag


SOURCE_SUFFIXES = frozenset({".md", ".markdown", ".mkd", ".mdown"})


def saved_sources(changed: Iterable[Path], content: Path | None) -> list[Path] | None:
    """Return the saved Markdown files when nothing else changed, else None (full build).

    A deleted or new folder, an image, a file outside ``content`` or a symlink leaving it can
    change other pages too (listings, picture markup), so it gets the full build.
    """
    if content is None:
        return None
    found: list[Path] = []
    for path in changed:
        if path.suffix.lower() not in SOURCE_SUFFIXES or not path.is_file():
            return None
        if not path.resolve().is_relative_to(content.resolve()):
            return None
        found.append(path)
    return sorted(set(found)) or None


def _names(paths: Iterable[Path]) -> str:
    names = sorted({path.name for path in paths})
    return ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")


def watch(
    rebuild: Callable[..., object],
    watched: Iterable[Path],
    after: Callable[[], object] = _nothing,
    ready: Callable[[], object] = _nothing,
    who: str = "livereload",
    *,
    content: Path | None = None,
) -> None:
    """Rebuild whenever a watched file changes (``after`` each rebuild), until Ctrl-C.

    ``ready`` is called once the watcher is listening, so nothing changed before it is missed.
    With ``content``, saved Markdown files there are previewed first (``rebuild(preview=[...])``,
    then ``after``), then the whole site is built (``rebuild()``, ``after``).
    """
    import watchfiles  # Pelican's own autoreload library

    stop = threading.Event()
    listening = False
    try:
        for changes in watchfiles.watch(
            *watched, stop_event=stop, raise_interrupt=False, yield_on_timeout=True,
            rust_timeout=500,
        ):  # fmt: skip
            if not listening:
                listening = True
                ready()
            if not changes:
                continue  # the watcher's heartbeat: nothing changed
            paths = {Path(name) for _, name in changes}
            saved = saved_sources(paths, content)
            first = " (the saved page first)" if saved else ""
            print(f"{who}: {_names(paths)} changed; rebuilding{first}", flush=True)
            if saved:
                started = time.perf_counter()
                rebuild(preview=saved)
                after()
                print(f"{who}: preview of {_names(saved)} ready in "
                      f"{time.perf_counter() - started:.1f} s; updating the rest of the site",
                      flush=True)  # fmt: skip
            started = time.perf_counter()
            rebuild()
            after()
            if saved:
                print(f"{who}: site up to date in {time.perf_counter() - started:.1f} s",
                      flush=True)  # fmt: skip
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()


def run_live(
    server: DevServer,
    rebuild: Callable[..., object],
    watched: Iterable[Path],
    *,
    content: Path | None = None,
) -> None:
    """Build, serve, and rebuild whenever a watched file changes; pages reload themselves.

    With ``content``, a saved article's page is written and reloaded first (see ``watch``).
    """
    site: Site = server.RequestHandlerClass.site  # type: ignore[attr-defined]
    live = Live(site)
    stop_on_terminate()
    try:
        rebuild()
    except KeyboardInterrupt:  # stopped during the first build: nothing was served yet
        server.server_close()
        print("\nserve: stopped.")
        return
    site.refresh()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    announce(server, "the site with live reload")

    def rebuilt() -> None:
        site.refresh()
        live.build += 1

    def listening() -> None:
        print("livereload: watching content/, theme/ and plugins/", flush=True)

    try:
        watch(rebuild, watched, rebuilt, listening, content=content)
    finally:
        print("\nserve: stopped.")
        server.shutdown()
        server.server_close()
