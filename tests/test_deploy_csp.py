"""Readers are protected on every host: every page carries the Content-Security-Policy itself.

GitHub Pages, S3 and `invoke serve` send no security headers, so the policy is a <meta> element
in every page (theme/templates/base.html, from CONTENT_SECURITY_POLICY); nginx sends the same
policy as a header plus frame-ancestors. The theme has no inline script or handler to allow.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from pelican.settings import read_settings
from test_reader_features_site import unique_word

POLICY = read_settings(str(ROOT / "pelicanconf.py"))["CONTENT_SECURITY_POLICY"]
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def directives(policy: str) -> dict[str, list[str]]:
    result = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def first_article(site: Path) -> Path:
    """An article page of the public site (not the dev-only desk)."""
    return next(
        p
        for p in sorted(site.glob("*/*/index.html"))
        if p.relative_to(site).parts[0] != "_desk"
        and 'property="og:type" content="article"' in p.read_text(encoding="utf-8")
    )


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_desk")


def test_the_policy_is_strict_and_nginx_sends_the_same_one():
    parsed = directives(POLICY)
    assert parsed["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert parsed["default-src"] == ["'self'"]
    assert parsed["object-src"] == ["'none'"]
    assert parsed["base-uri"] == ["'self'"]
    assert "frame-ancestors" not in parsed  # ignored (with a console warning) in a <meta>
    conf = (ROOT / "deploy" / "sharewell-site.conf").read_text(encoding="utf-8")
    header = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', conf).group(1)
    assert header == POLICY + "; frame-ancestors 'none'"


@pytest.mark.parametrize("which", ["real_site", "real_site_publish"])
def test_every_page_carries_the_policy_first_and_has_no_inline_script(which, request):
    site = request.getfixturevalue(which)
    checked = 0
    for path in pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert [m["content"] for m in metas] == [POLICY], path
        # Before anything it governs: only <meta charset> may come first.
        first = soup.head.find_all(True)[:2]
        assert first[0].name == "meta" and first[0].get("charset"), path
        assert first[1] is metas[0], path
        checked += 1
    assert checked > 20  # link_keeper's redirect pages included
    for path in pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if not script.get("src"):
                assert script.get("type") in DATA_SCRIPT_TYPES, f"{path}: inline script"
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{path}: <{tag.name} {handlers}>"
            for attr in ("href", "src", "action", "formaction"):
                value = str(tag.get(attr, "")).strip().lower()
                assert not value.startswith("javascript:"), f"{path}: {attr}={value}"


@pytest.mark.browser
def test_an_injected_script_does_not_run_on_a_host_without_headers(
    served_real_site, site_server, browser, tmp_path
):
    """A plain static server (as GitHub Pages, S3 or `invoke serve`): the meta policy blocks
    an injected inline script, an inline handler and a third-party script."""
    _, output = served_real_site
    article = first_article(output)
    html = article.read_text(encoding="utf-8")
    injected = (
        "<script>window.__pwned = 'inline'</script>"
        '<img src="data:," onerror="window.__pwned = \'handler\'">'
        '<script src="https://evil.example/x.js"></script>'
    )
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "index.html").write_text(html.replace("</main>", injected + "</main>", 1))
    url = site_server(hostile)
    context = browser.new_context()
    context.add_init_script(WATCH_CSP)
    requests: list[str] = []

    def route(route_obj) -> None:  # nothing may leave the machine, even if CSP failed
        requests.append(route_obj.request.url)
        if "127.0.0.1" in route_obj.request.url or route_obj.request.url.startswith("data:"):
            route_obj.continue_()
        else:
            route_obj.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None
        violations = page.evaluate("window.__csp")
    finally:
        context.close()
    assert any(v.startswith("script-src") for v in violations), violations
    assert not [r for r in requests if "evil.example" in r]


@pytest.mark.browser
def test_the_real_site_works_under_its_own_policy_without_headers(served_real_site, browser):
    """Home, an article, the 404 page and search (Pagefind's WebAssembly) on a plain server:
    no violation, and search still finds an article."""
    base_url, output = served_real_site
    context = browser.new_context()
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    article = first_article(output)
    paths = ["/", "/" + article.parent.relative_to(output).as_posix() + "/", "/404.html"]
    violations: list[str] = []
    try:
        for path in paths:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        word, url = unique_word(output)
        page.goto(f"{base_url}/search/?q={word}")
        page.wait_for_load_state("networkidle")
        try:
            page.locator(".search-result__title a").first.wait_for(timeout=20000)
        except Exception as error:
            raise AssertionError(f"search found nothing: {console}") from error
        hrefs = page.locator(".search-result__title a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert url in hrefs
        violations += [f"/search/: {v}" for v in page.evaluate("window.__csp")]
    finally:
        context.close()
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m]
