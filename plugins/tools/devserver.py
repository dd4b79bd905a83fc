"""The local server of ``invoke serve``, ``preview``, ``reserve`` and ``desk``.

It answers the way the live nginx does (``deploy/sharewell-site.conf``): a folder's
``index.html``, a redirect to add the slash a folder address lacks, the site's own
``404.html`` with status 404 for anything else, never a directory listing, a hidden file or
the build's server configuration. The build's private folder (share kits, exports) is at
``/_private/`` in development.

A build bakes its ``SITEURL`` into absolute URLs (stylesheets, cards, og:url, feeds,
sitemap). The server maps that origin, in every text response, to the address the browser
used, so a site built for ``http://127.0.0.1:8000`` or for the live domain is styled and
complete on any host and port, offline (docs/decisions.md, issue 19).
"""

from __future__ import annotations

import errno
import html.parser
import io
import json
import mimetypes
import posixpath
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BUILD_INFO = "build.json"  # in the private folder: the origins a build baked in
PRIVATE_PREFIX = "/_private/"
# The build's server configuration (link_keeper): never served, as on the live server.
SERVER_FILES = {"redirects.nginx.map", "_redirects"}
# A language site's folder (``cy``, ``pt-br``): a missing page there gets that folder's 404.html.
LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
TEXT_TYPES = {
    "application/javascript", "application/json", "application/xml", "application/atom+xml",
    "application/rss+xml", "application/manifest+json", "image/svg+xml", "text/javascript",
}  # fmt: skip
TYPES = {
    ".atom.xml": "application/atom+xml",
    ".rss.xml": "application/rss+xml",
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
}
# What a browser may send as Host (it is written into pages: nothing else gets through).
HOST_HEADER = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?"
)
REWRITE_MAX_BYTES = 32 * 1024 * 1024  # larger text files are sent as built


class ServeError(Exception):
    """The port is taken (or may not be used); the message is one line saying what to do."""


@dataclass
class Site:
    """What one server serves: the built site, its private folder, and the origins to map.

    ``routes`` answer extra addresses and ``page_filter`` changes every HTML page before it is
    sent (live reload, ``tools.livereload``).
    """

    root: Path
    private: Path | None = None
    origins: list[str] = field(default_factory=list)
    log_requests: bool = False
    routes: dict[str, Callable[[], tuple[bytes, str]]] = field(default_factory=dict)
    page_filter: Callable[[bytes], bytes] | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.use_origins(self.origins)

    def use_origins(self, origins: Iterable[str]) -> None:
        """Map these origins (longest first, so no origin is cut by a shorter one)."""
        self.origins = sorted({o.rstrip("/") for o in origins if o}, key=len, reverse=True)
        self._pattern = (
            re.compile(
                "|".join(re.escape(o) for o in self.origins).encode()
                # not the start of a longer host name or a different port
                + rb"(?![\w-]|\.[\w-]|:\d)"
            )
            if self.origins
            else None
        )

    def refresh(self) -> None:
        """Read the origins of the build now in ``root`` (after each build)."""
        self.use_origins(built_origins(self.root, self.private))

    def map_origins(self, data: bytes, served: str) -> bytes:
        """Return ``data`` with every built-in origin replaced by ``served``."""
        if self._pattern is None:
            return data
        return self._pattern.sub(served.encode("ascii"), data)


def built_origins(root: Path, private: Path | None = None) -> list[str]:
    """Return the origins the build in ``root`` baked in (its SITEURL and FEED_DOMAIN).

    Read from the build's record (written by ``tools.build``); a site built otherwise is
    asked through its home page's canonical link. Relative SITEURLs need no mapping.
    """
    private = private or root.with_name(f"{root.name}-private")
    try:
        info = json.loads((private / BUILD_INFO).read_text(encoding="utf-8"))
        if Path(info.get("output", "")).resolve() == root.resolve():
            return [o for o in info.get("origins", []) if _is_origin(o)]
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    canonical = _canonical(root / "index.html")
    if canonical:
        parts = urlsplit(canonical)
        return [f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"] if parts.netloc else []
    return []


def _is_origin(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


class _Canonical(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "canonical" and self.href is None:
            self.href = values.get("href")


def _canonical(index: Path) -> str | None:
    try:
        text = index.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return None
    parser = _Canonical()
    parser.feed(text)
    href = parser.href or ""
    # The home page's canonical URL is the site's own address plus "/".
    return href if _is_origin(href) else None


def content_type(path: Path) -> str:
    """Return the type nginx's rules give ``path`` (feeds keep their own types)."""
    name = path.name.lower()
    for suffix, kind in TYPES.items():
        if name.endswith(suffix):
            return kind
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _is_text(kind: str) -> bool:
    return kind.startswith("text/") or kind in TEXT_TYPES


class SiteHandler(SimpleHTTPRequestHandler):
    """One request against a ``Site`` (set by ``make_server``)."""

    site: Site
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "Sharewell development server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if self.site.log_requests:
            super().log_message(format, *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if isinstance(code, int) else 0
        if self.site.log_requests or status >= 400:
            sys.stderr.write(f"serve: {status} {self.path}\n")

    def _served_origin(self) -> str:
        host = self.headers.get("Host", "")
        return f"http://{host}" if HOST_HEADER.fullmatch(host) else address(self.server)

    def _file_for(self, url_path: str) -> tuple[Path | None, str | None]:
        """Return (file to send, redirect target); both None: not found."""
        try:
            return self._lookup(url_path)
        except (OSError, ValueError):  # a name too long, a NUL byte: not a file of the site
            return None, None

    def _lookup(self, url_path: str) -> tuple[Path | None, str | None]:
        root, rel = self.site.root, url_path
        if self.site.private is not None and url_path.startswith(PRIVATE_PREFIX):
            root, rel = self.site.private.resolve(), url_path[len(PRIVATE_PREFIX) - 1 :]
        name = unquote(rel)
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            return None, None
        parts = [p for p in posixpath.normpath(name).split("/") if p]
        if any(p.startswith(".") and p != ".well-known" for p in parts) or ".." in parts:
            return None, None
        if parts and parts[-1] in SERVER_FILES and root == self.site.root:
            return None, None
        target = root.joinpath(*parts)
        try:
            target.resolve().relative_to(root)
        except (ValueError, OSError):
            return None, None  # a symlink out of the site
        if target.is_dir():
            if not url_path.endswith("/"):
                return None, url_path + "/"
            target = target / "index.html"
        return (target, None) if target.is_file() else (None, None)

    def send_head(self) -> io.BytesIO | None:  # type: ignore[override]
        url = urlsplit(self.path)
        if url.path in self.site.routes:
            return self._send_bytes(HTTPStatus.OK, *self.site.routes[url.path]())
        target, redirect = self._file_for(url.path or "/")
        if redirect is not None:
            location = redirect + (f"?{url.query}" if url.query else "")
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return io.BytesIO(b"")
        status = HTTPStatus.OK
        if target is None:
            status = HTTPStatus.NOT_FOUND
            target = self._not_found_page(url.path)
            if not target.is_file():
                return self._plain_404()
        return self._send_file(target, status)

    def _not_found_page(self, url_path: str) -> Path:
        """Return the 404 page: a language site's own (``/cy/404.html``), else the site's."""
        first = unquote(url_path).lstrip("/").split("/", 1)[0]
        if LANGUAGE_FOLDER.fullmatch(first):
            own = self.site.root / first / "404.html"
            if own.is_file() and own.resolve().is_relative_to(self.site.root.resolve()):
                return own
        return self.site.root / "404.html"

    def _send_file(self, target: Path, status: HTTPStatus) -> io.BytesIO | None:
        kind = content_type(target)
        try:
            data = target.read_bytes()
        except OSError:
            return self._plain_404()
        if _is_text(kind) and len(data) <= REWRITE_MAX_BYTES:
            data = self.site.map_origins(data, self._served_origin())
            if kind == "text/html" and self.site.page_filter is not None:
                data = self.site.page_filter(data)
        return self._send_bytes(status, data, kind)

    def _send_bytes(self, status: HTTPStatus, data: bytes, kind: str) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if _is_text(kind) else kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a rebuild shows at once
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        return io.BytesIO(data)

    def _plain_404(self) -> io.BytesIO:
        body = b"<!doctype html><title>Not found</title><h1>Not found</h1>\n"
        return self._send_bytes(HTTPStatus.NOT_FOUND, body, "text/html")

    def do_POST(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)


class DevServer(ThreadingHTTPServer):
    """A threaded server whose dropped connections are not printed as tracebacks."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the browser went away mid-response: nothing to fix
        sys.stderr.write(f"serve: error answering {client_address[0]}: {error!r}\n")


def make_server(site: Site, host: str, port: int) -> DevServer:
    """Bind the server; raise ServeError with one line when the address cannot be used."""
    handler = type("Handler", (SiteHandler,), {"site": site})
    server_class = DevServer
    if ":" in host:
        server_class = type("DevServer6", (DevServer,), {"address_family": socket.AF_INET6})
    try:
        return server_class((host, port), handler)
    except OSError as error:
        raise ServeError(_why(error, host, port)) from None


def _why(error: OSError, host: str, port: int) -> str:
    other = port + 1 if 0 < port < 65535 else 8001
    if error.errno == errno.EADDRINUSE:
        return (
            f"serve: port {port} on {host} is already in use (another `invoke serve`?). "
            f"Choose another: --port {other} (or SHAREWELL_PORT={other})"
        )
    if error.errno == errno.EACCES:
        return (
            f"serve: port {port} needs administrator rights. "
            f"Choose a port above 1023: --port {other if other > 1023 else 8000}"
        )
    if error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return (
            f"serve: cannot listen on {host!r}: it is not an address of this machine. "
            "Use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (your network)"
        )
    return f"serve: cannot listen on {host}:{port}: {error.strerror or error}"


def bind(root: Path, host: str | None = None, port: object = None, *, private: bool = True):
    """Bind a server for the site in ``root``: host and port from the arguments, else
    SHAREWELL_HOST / SHAREWELL_PORT, else 127.0.0.1:8000; the private folder at /_private/.

    Raise ServeError (one line) for a bad or busy address.
    """
    import os

    from kernel.contents import private_folder

    host = host or os.environ.get("SHAREWELL_HOST") or "127.0.0.1"
    try:
        number = check_port(port if port is not None else os.environ.get("SHAREWELL_PORT", "8000"))
    except ValueError as error:
        raise ServeError(str(error)) from None
    folder = private_folder({"OUTPUT_PATH": str(root)}) if private else None
    return make_server(Site(root, private=folder), host, number)


def check_port(value: object) -> int:
    """Return ``value`` as a port number, or raise ValueError with a one-line reason."""
    try:
        port = int(str(value))
    except ValueError:
        raise ValueError(f"serve: --port {value!r} is not a number (e.g. --port 8001)") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"serve: --port {port} is out of range (1-65535, e.g. --port 8001)")
    return port


def address(server: DevServer) -> str:
    """Return the http:// address a browser on this machine uses for ``server``."""
    host, port = server.server_address[:2]
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - naming the address, not binding to it
        host = "[::1]" if host == "::" else "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def announce(server: DevServer, what: str, path: str = "") -> None:
    """Say where the site is, and which built-in addresses are mapped to it."""
    site: Site = server.RequestHandlerClass.site  # type: ignore[attr-defined]
    base = address(server)
    print(f"Serving {what} at {base}/{path} (Ctrl-C to stop)", flush=True)
    live = [o for o in site.origins if o != base]
    if live:
        print(f"  links to {', '.join(live)} are served from here", flush=True)


def stop_on_terminate() -> None:
    """Let SIGTERM (a process manager, `kill`) stop the server as Ctrl-C does."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def run(server: DevServer, what: str, path: str = "") -> None:
    """Serve until Ctrl-C, having said where."""
    server.RequestHandlerClass.site.refresh()  # type: ignore[attr-defined]
    stop_on_terminate()
    announce(server, what, path)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nserve: stopped.")
    finally:
        server.server_close()


def has_gui_browser() -> bool:
    """Return whether webbrowser can open a graphical browser (not a terminal one)."""
    import os
    import webbrowser

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False  # only terminal browsers would start, and they would take over the shell
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True
