"""theme_assets: hashed CSS/JS names, the inlined first-screen CSS, and nginx's caching of them."""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from kernel.settings import SettingsError
from support.servers import NGINX, NginxServer, served_copy
from theme_assets.theme_assets import (
    ThemeAssetError,
    ThemeAssets,
    compact_css,
    get_settings,
    hashed_name,
)

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "theme"
ASSET = re.compile(r"/theme/((?:css|js)/[^\"'?#]+)")


def test_hashed_name_follows_the_bytes():
    one = hashed_name("css/main.css", b"a{}")
    assert re.fullmatch(r"css/main\.[0-9a-f]{8}\.css", one)
    assert one == f"css/main.{hashlib.sha256(b'a{}').hexdigest()[:8]}.css"
    assert hashed_name("css/main.css", b"b{}") != one
    assert hashed_name("js/app.min.js", b"x", 12).count(".") == 3


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("THEME_ASSETS_ENABLED", "yes"),
        ("THEME_ASSETS_HASH_LENGTH", 4),
        ("THEME_ASSETS_HASH_LENGTH", True),
        ("THEME_ASSETS_INLINE_MAX_BYTES", 0),
    ],
)
def test_bad_settings_name_the_key(key, value):
    with pytest.raises(SettingsError, match=key):
        get_settings({key: value})


def assets_for(tmp_path: Path, **settings) -> ThemeAssets:
    theme = tmp_path / "theme"
    (theme / "static" / "css").mkdir(parents=True)
    return ThemeAssets(
        {"THEME": str(theme), "OUTPUT_PATH": str(tmp_path / "out"), "SITEURL": "https://x.test"}
        | settings
    )


@pytest.mark.parametrize("path", ["../pelicanconf.py", "/etc/passwd", "css/missing.css", ""])
def test_only_files_inside_the_theme_are_served(tmp_path, path):
    assets = assets_for(tmp_path)
    with pytest.raises(ThemeAssetError):
        assets.url(path)


def test_url_writes_the_hashed_copy_once(tmp_path):
    assets = assets_for(tmp_path)
    source = tmp_path / "theme" / "static" / "css" / "main.css"
    source.write_text("body{color:red}", encoding="utf-8")
    url = assets.url("css/main.css")
    name = hashed_name("css/main.css", source.read_bytes())
    assert url == f"https://x.test/theme/{name}"
    assert (tmp_path / "out" / "theme" / name).read_bytes() == source.read_bytes()
    assert assets.url("css/main.css") == url
    assert assets.written == 1
    plain = assets_for(tmp_path / "plain", THEME_ASSETS_ENABLED=False)
    (tmp_path / "plain" / "theme" / "static" / "css" / "main.css").write_text("x", "utf-8")
    assert plain.url("css/main.css") == "https://x.test/theme/css/main.css"


def test_inline_refuses_markup_and_warns_over_budget(tmp_path, caplog):
    assets = assets_for(tmp_path, THEME_ASSETS_INLINE_MAX_BYTES=20)  # compressed bytes
    folder = tmp_path / "theme" / "static" / "css"
    (folder / "bad.css").write_text("a::after{content:'</style><script>'}", encoding="utf-8")
    with pytest.raises(ThemeAssetError, match="</"):
        assets.inline("css/bad.css")
    rules = "".join(f"/* why */\n  .r{n} {{ color: #{n:06x}; }}\n" for n in range(40))
    (folder / "big.css").write_text(rules, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        text = assets.inline("css/big.css")
    assert "why" not in text and "\n  " not in text
    assert "css/big.css" in caplog.text and "THEME_ASSETS_INLINE_MAX_BYTES" in caplog.text


def test_compact_css_keeps_rules():
    assert (
        compact_css("/* a */\n:root {\n  --x: 1;\n}\n\n/* b\n c */a{b:c}")
        == ":root {\n--x: 1;\n}\na{b:c}"
    )


def test_real_site_links_only_hashed_assets_and_inlines_the_first_screen(real_site):
    critical = compact_css((THEME / "static" / "css" / "critical.css").read_text("utf-8"))
    pages = [real_site / "index.html", real_site / "first-aid" / "how-to-do-cpr" / "index.html"]
    pages.append(real_site / "search" / "index.html")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        style = soup.head.find("style")
        assert style is not None and style.string == critical, page
        # Nothing in <head> blocks the first paint but the inlined CSS.
        assert soup.head.select('link[rel="stylesheet"][href*="/theme/"]') == []
        assert soup.body.select('link[rel="stylesheet"][href*="/theme/css/main."]')
        for rel in ASSET.findall(html):
            source = THEME / "static" / re.sub(r"\.[0-9a-f]{8}(\.\w+)$", r"\1", rel)
            assert rel == hashed_name(
                source.relative_to(THEME / "static").as_posix(), source.read_bytes()
            )
            assert (real_site / "theme" / rel).read_bytes() == source.read_bytes()


def test_a_changed_stylesheet_gets_a_new_name(build_site, tmp_path):
    theme = shutil.copytree(THEME, tmp_path / "theme")
    settings = {"THEME": str(theme), "READER_FEATURES_SEARCH": False, "OG_CARDS_ENABLED": False}
    first = build_site(settings=settings)
    main = theme / "static" / "css" / "main.css"
    main.write_text(main.read_text("utf-8") + "\n.x { color: red; }\n", encoding="utf-8")
    second = build_site(settings=settings)

    def linked(output: Path) -> str:
        return re.search(
            r"/theme/(css/main\.[0-9a-f]{8}\.css)", (output / "index.html").read_text()
        ).group(1)

    assert linked(first) != linked(second)
    assert (second / "theme" / linked(second)).read_bytes() == main.read_bytes()


@pytest.mark.skipif(not shutil.which(NGINX), reason="nginx is not installed")
def test_nginx_caches_hashed_assets_for_a_year_and_revalidates_html(real_site_publish, tmp_path):
    html = (real_site_publish / "index.html").read_text(encoding="utf-8")
    hashed = sorted(set(ASSET.findall(html)))
    assert any(h.startswith("css/main.") for h in hashed)
    # nginx's workers run as www-data: serve a copy they can read (pytest's tmp is 0700).
    with served_copy(real_site_publish) as base, NginxServer(tmp_path / "nginx", base) as nginx:

        def cache_control(path: str) -> str:
            with urllib.request.urlopen(nginx.url + path, timeout=10) as response:
                assert response.status == 200
                return response.headers["Cache-Control"]

        for rel in hashed:
            assert cache_control(f"/theme/{rel}") == "public, max-age=31536000, immutable", rel
        assert cache_control("/") == "public, max-age=300, must-revalidate"
        assert cache_control("/first-aid/how-to-do-cpr/") == "public, max-age=300, must-revalidate"
        # The unhashed copy Pelican also writes is never immutable.
        assert "immutable" not in cache_control("/theme/css/main.css")


def test_the_real_first_screen_css_fits_its_budget(caplog):
    assets = ThemeAssets(
        {"THEME": str(THEME), "OUTPUT_PATH": "/nonexistent", "SITEURL": "https://x.test"}
    )
    with caplog.at_level(logging.WARNING):
        text = assets.inline("css/critical.css")
    assert caplog.text == ""
    assert len(gzip.compress(text.encode(), 6)) <= 6000
