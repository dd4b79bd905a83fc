"""The local server (tools.devserver) against a small built tree: answers as the live nginx does.

Real sockets on 127.0.0.1; `invoke serve` / `preview` on real builds are in test_tasks_serve.py.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tools import devserver
from tools.devserver import ServeError, Site, built_origins, check_port, make_server

BUILT = "http://127.0.0.1:8000"
PAGE = (
    '<!doctype html><html><head><link rel="canonical" href="{o}/">'
    '<link rel="stylesheet" href="{o}/theme/css/main.css">'
    '<meta property="og:url" content="{o}/">'
    '</head><body><a href="{o}/first-aid/">First aid</a>'
    "<p>Read more at {o}. Not ours: {o}1/x and {o}.evil.example/x</p></body></html>"
)


@pytest.fixture
def site_tree(tmp_path: Path) -> Path:
    root = tmp_path / "output"
    (root / "theme" / "css").mkdir(parents=True)
    (root / "first-aid").mkdir()
    (root / "empty-folder").mkdir()
    (root / "feeds").mkdir()
    (root / "index.html").write_text(PAGE.format(o=BUILT), encoding="utf-8")
    (root / "first-aid" / "index.html").write_text("<h1>First aid</h1>", encoding="utf-8")
    (root / "404.html").write_text("<title>Page not found</title>", encoding="utf-8")
    (root / "theme" / "css" / "main.css").write_text(
        f"body{{background:url({BUILT}/bg.png)}}", encoding="utf-8"
    )
    (root / "feeds" / "all.atom.xml").write_text(f"<feed><id>{BUILT}/</id></feed>")
    (root / "feeds" / "all.rss.xml").write_text("<rss/>")
    (root / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + BUILT.encode() + b"\x00")
    (root / "_redirects").write_text("/old /new 301\n")
    (root / "redirects.nginx.map").write_text("/old /new;\n")
    (root / ".htpasswd").write_text("secret")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside the site")
    (root / "escape.txt").symlink_to(outside)
    private = tmp_path / "output-private"
    (private / "share-kit").mkdir(parents=True)
    (private / "share-kit" / "index.html").write_text("<p>kit</p>")
    return root


@pytest.fixture
def serve(site_tree: Path) -> Iterator:
    """Return ``serve(**site_options) -> port`` on a free port of 127.0.0.1."""
    servers = []

    def start(**options) -> int:
        options.setdefault("origins", [BUILT])
        server = make_server(Site(site_tree, **options), "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def get(port: int, path: str, method: str = "GET", host: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host} if host is not None else {}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_pages_carry_the_address_they_were_fetched_from(serve):
    port = serve()
    response, body = get(port, "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Cache-Control") == "no-store"
    here = f"http://127.0.0.1:{port}"
    text = body.decode()
    assert f'<link rel="stylesheet" href="{here}/theme/css/main.css">' in text
    assert f'<meta property="og:url" content="{here}/">' in text
    assert f"Read more at {here}." in text
    # Longer host names and other ports are other sites: never rewritten.
    assert f"{BUILT}1/x" in text
    assert f"{BUILT}.evil.example/x" in text
    _, css = get(port, "/theme/css/main.css")
    assert css.decode() == f"body{{background:url({here}/bg.png)}}"
    # A phone on the network asks with the machine's address: it gets that address back.
    _, phone = get(port, "/", host="192.168.1.20:8123")
    assert 'href="http://192.168.1.20:8123/theme/css/main.css"' in phone.decode()


@pytest.mark.parametrize(
    "host", ['"><script>alert(1)</script>', "a b", "", "x" * 300, "host:99999999"]
)
def test_a_strange_host_header_is_never_written_into_pages(serve, host):
    port = serve()
    _, body = get(port, "/", host=host)
    assert f'href="http://127.0.0.1:{port}/theme/css/main.css"' in body.decode()
    assert "<script>" not in body.decode()


def test_binary_files_are_sent_as_built(serve, site_tree):
    port = serve()
    response, body = get(port, "/card.png")
    assert response.getheader("Content-Type") == "image/png"
    assert body == (site_tree / "card.png").read_bytes()


def test_feeds_keep_their_own_types_and_are_mapped(serve):
    port = serve()
    atom, body = get(port, "/feeds/all.atom.xml")
    assert atom.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
    assert f"<id>http://127.0.0.1:{port}/</id>" in body.decode()
    rss, _ = get(port, "/feeds/all.rss.xml")
    assert rss.getheader("Content-Type") == "application/rss+xml; charset=utf-8"


def test_a_folder_without_its_slash_is_redirected_with_the_query(serve):
    port = serve()
    response, body = get(port, "/first-aid?utm_source=x")
    assert response.status == 301
    assert response.getheader("Location") == "/first-aid/?utm_source=x"
    assert body == b""
    response, body = get(port, "/first-aid/")
    assert (response.status, body) == (200, b"<h1>First aid</h1>")


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-page/",
        "/empty-folder/",  # never a directory listing
        "/_redirects",  # the build's server configuration
        "/redirects.nginx.map",
        "/.htpasswd",  # hidden files
        "/escape.txt",  # a symlink out of the site
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/%00",
        "/a%0d%0aSet-Cookie:%20x",
        "/" + "a" * 10_000,
        "/_private/share-kit/",  # no private folder configured
    ],
)
def test_anything_else_is_the_sites_404_page_with_status_404(serve, path):
    port = serve()
    response, body = get(port, path)
    assert response.status == 404
    assert body == b"<title>Page not found</title>"
    head, head_body = get(port, path, method="HEAD")
    assert head.status == 404
    assert head_body == b""


def test_a_language_site_answers_with_its_own_404_page(serve, site_tree, tmp_path):
    (site_tree / "cy").mkdir()
    (site_tree / "cy" / "404.html").write_text("<title>Heb ddod o hyd</title>", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "ab").mkdir(parents=True)
    (elsewhere / "ab" / "404.html").write_text("outside the site", encoding="utf-8")
    (site_tree / "ab").symlink_to(elsewhere / "ab")
    port = serve()
    for path in ("/cy/no/such/page/", "/cy/missing.html", "/%63y/x"):
        response, body = get(port, path)
        assert (response.status, body) == (404, b"<title>Heb ddod o hyd</title>"), path
    # Other folders, a look-alike, a symlink out of the site: the site's own 404 page.
    for path in ("/first-aid/missing/", "/cymraeg/x", "/ab/x", "/../cy/x"):
        response, body = get(port, path)
        assert (response.status, body) == (404, b"<title>Page not found</title>"), path


def test_without_a_404_page_there_is_still_a_404(serve, site_tree):
    (site_tree / "404.html").unlink()
    port = serve()
    response, body = get(port, "/missing")
    assert response.status == 404
    assert b"Not found" in body


def test_the_private_folder_is_served_at_private_when_asked(serve, site_tree):
    port = serve(private=site_tree.with_name("output-private"))
    response, body = get(port, "/_private/share-kit/")
    assert (response.status, body) == (200, b"<p>kit</p>")
    assert get(port, "/_private/share-kit")[0].getheader("Location") == "/_private/share-kit/"


def test_live_reload_adds_a_script_and_a_build_number(serve, site_tree):
    from tools.livereload import Live

    site = Site(site_tree, origins=[BUILT])
    live = Live(site)
    server = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    _, page = get(port, "/")
    assert page.decode().endswith('<script src="/_dev/reload.js" defer></script></body></html>')
    script, js = get(port, "/_dev/reload.js")
    assert script.getheader("Content-Type") == "text/javascript; charset=utf-8"
    assert b'fetch("/_dev/build"' in js
    assert get(port, "/_dev/build")[1] == b"0"
    live.build += 1
    assert get(port, "/_dev/build")[1] == b"1"
    server.shutdown()
    server.server_close()
    # Without live reload those addresses are not the site's.
    plain = serve()
    assert get(plain, "/_dev/reload.js")[0].status == 404
    assert b"reload.js" not in get(plain, "/")[1]


def test_the_build_record_names_the_origins_else_the_home_page_does(site_tree):
    assert built_origins(site_tree) == [BUILT]  # from the canonical link
    private = site_tree.with_name("output-private")
    record = {"output": str(site_tree), "origins": ["https://www.example.org"]}
    (private / devserver.BUILD_INFO).write_text(json.dumps(record))
    assert built_origins(site_tree) == ["https://www.example.org"]
    # A record of another output folder (the private folder was shared) is not believed.
    record["output"] = str(site_tree.with_name("elsewhere"))
    (private / devserver.BUILD_INFO).write_text(json.dumps(record))
    assert built_origins(site_tree) == [BUILT]
    (private / devserver.BUILD_INFO).write_text("{not json")
    assert built_origins(site_tree) == [BUILT]


def test_a_port_in_use_is_one_line_naming_it_and_how_to_choose_another():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError) as caught:
            make_server(Site(Path()), "127.0.0.1", port)
    message = str(caught.value)
    assert "\n" not in message
    assert f"port {port} on 127.0.0.1 is already in use" in message
    assert f"--port {port + 1}" in message
    assert f"SHAREWELL_PORT={port + 1}" in message


def test_an_address_of_another_machine_is_one_line():
    with pytest.raises(ServeError) as caught:
        make_server(Site(Path()), "192.0.2.1", 0)  # TEST-NET-1: never this machine's
    assert "is not an address of this machine" in str(caught.value)
    assert "--host 127.0.0.1" in str(caught.value)
    with pytest.raises(ServeError, match="not an address of this machine"):
        make_server(Site(Path()), "no-such-host.invalid", 0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "serve: --port 'abc' is not a number (e.g. --port 8001)"),
        ("70000", "serve: --port 70000 is out of range (1-65535, e.g. --port 8001)"),
        ("-1", "serve: --port -1 is out of range (1-65535, e.g. --port 8001)"),
    ],
)
def test_a_bad_port_is_one_line(value, message):
    with pytest.raises(ValueError, match="serve: --port") as caught:
        check_port(value)
    assert str(caught.value) == message


def test_ports_are_numbers_from_zero_to_65535():
    assert [check_port(v) for v in ("0", 8000, "65535")] == [0, 8000, 65535]
