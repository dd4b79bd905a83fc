"""Live reload for ``invoke livereload``: rebuild on every change, and pages reload themselves.

The local server (``tools.devserver``) adds a small script to every page; the script asks for
the build number each second and reloads the page when it changes. Changes are watched with
watchfiles (what Pelican's own ``--autoreload`` uses), so no extra package is needed.
"""

from __future__ import annotations

import threading
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


def watch(
    rebuild: Callable[[], object],
    watched: Iterable[Path],
    after: Callable[[], object] = _nothing,
    ready: Callable[[], object] = _nothing,
    who: str = "livereload",
) -> None:
    """Rebuild whenever a watched file changes (``after`` each rebuild), until Ctrl-C.

    ``ready`` is called once the watcher is listening, so nothing changed before it is missed.
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
            names = sorted({Path(name).name for _, name in changes})
            more = " ..." if len(names) > 3 else ""
            print(f"{who}: {', '.join(names[:3])}{more} changed; rebuilding", flush=True)
            rebuild()
            after()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()


def run_live(server: DevServer, rebuild: Callable[[], object], watched: Iterable[Path]) -> None:
    """Build, serve, and rebuild whenever a watched file changes; pages reload themselves."""
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
        watch(rebuild, watched, rebuilt, listening)
    finally:
        print("\nserve: stopped.")
        server.shutdown()
        server.server_close()
