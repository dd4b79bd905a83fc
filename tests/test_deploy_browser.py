"""The real site behind the shipped nginx config in Chromium: no Content-Security-Policy breaks."""

from __future__ import annotations

import os
import shutil

import pytest
from pelican.settings import read_settings
from support.servers import NGINX, REPO, NginxServer, served_copy

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if not shutil.which(NGINX) and not IN_CI:
    pytest.skip("nginx is not installed (run `invoke test-setup`)", allow_module_level=True)

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def pages_to_visit(site) -> list[str]:
    paths = ["/", "/404.html"]
    for page in sorted(site.glob("*/*/index.html")):
        if 'property="og:type" content="article"' in page.read_text(encoding="utf-8"):
            paths.append("/" + page.parent.relative_to(site).as_posix() + "/")
            break
    if (site / "search" / "index.html").is_file():
        paths.append("/search/")
    return paths


@pytest.fixture
def served_base(real_site_publish):
    """A copy of the built site where www-data can read it (pytest's tmp dirs are 0700 root)."""
    with served_copy(real_site_publish) as base:
        yield base


def test_real_site_runs_under_the_shipped_csp(real_site_publish, served_base, browser, tmp_path):
    siteurl = read_settings(str(REPO / "publishconf.py"))["SITEURL"]
    with NginxServer(tmp_path / "nginx", served_base) as nginx:
        context = browser.new_context()
        context.add_init_script(WATCH_CSP)
        external: list[str] = []

        def route(route_obj) -> None:
            url = route_obj.request.url
            if url.startswith(siteurl + "/"):
                # The built site links to its public address: answer from nginx instead, with
                # nginx's own headers (CSP included), so the browser enforces the real policy.
                response = route_obj.fetch(url=nginx.url + url[len(siteurl) :])
                route_obj.fulfill(response=response)
            elif url.startswith(("data:", "blob:", "about:")):
                route_obj.continue_()
            else:
                external.append(url)
                route_obj.abort()

        context.route("**/*", route)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        violations: list[str] = []
        try:
            for path in pages_to_visit(real_site_publish):
                page.goto(siteurl + path)
                page.wait_for_load_state("networkidle")
                violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        finally:
            context.close()
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m]
    assert external == []
