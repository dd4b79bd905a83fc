"""deploy: settings, the removal gate, header policy, plans, errors (no servers needed)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tempfile

import pytest
from rich.console import Console
from support.servers import REPO
from support.site import FIXTURE_CONFIG, copy_fixture
from tools.deploy.build import build_for_publish, ensure_gzip
from tools.deploy.cli import main, report, with_link_keeper
from tools.deploy.config import env_name, load_target
from tools.deploy.errors import BuildError, ConfigError, GateError
from tools.deploy.gate import (
    check_removals,
    normalise,
    removed_urls,
    suggestion,
    unlisted_removals,
)
from tools.deploy.plan import (
    CACHE_LONG,
    CACHE_MEDIUM,
    CACHE_SHORT,
    Plan,
    cache_control,
    content_type,
)
from tools.deploy.s3 import _redirects


def test_env_names():
    assert env_name("ssh", "host") == "DEPLOY_SSH_HOST"
    assert env_name("gh-pages", "remote") == "DEPLOY_GH_PAGES_REMOTE"
    assert env_name("common", "manifest") == "DEPLOY_MANIFEST"


def test_missing_settings_are_all_listed_never_keyerror():
    with pytest.raises(ConfigError) as info:
        load_target("ssh", {}, {})
    text = "\n".join(info.value.hints)
    for var in ("DEPLOY_SSH_HOST", "DEPLOY_SSH_USER", "DEPLOY_SSH_PATH"):
        assert var in text
    assert "DEPLOY['ssh']['host']" in text
    assert "DEPLOY_SSH_PORT" not in text  # has a default


def test_env_wins_over_settings_block_and_types_are_converted():
    settings = {
        "SITEURL": "https://x.example/",
        "DEPLOY": {"target": "ssh", "ssh": {"host": "web", "user": "deploy", "path": "/srv/a"}},
    }
    cfg = load_target(None, settings, {"DEPLOY_SSH_PORT": "2222", "DEPLOY_SSH_HOST": "other"})
    assert cfg.target == "ssh"
    assert cfg["host"] == "other"
    assert cfg["port"] == 2222
    assert cfg["keep_releases"] == 5
    assert cfg.siteurl == "https://x.example"
    assert cfg.keep_prefixes == ["og/"]


@pytest.mark.parametrize(
    ("target", "env", "message"),
    [
        ("ftp", {}, "Unknown deploy target"),
        ("ssh", {"DEPLOY_SSH_PORT": "twenty-two"}, "DEPLOY_SSH_PORT must be a whole number"),
        ("ssh", {"DEPLOY_SSH_KEEP_RELEASES": "1"}, "at least 2"),
        ("ssh", {"DEPLOY_SSH_PATH": "srv/site"}, "must be absolute"),
        ("s3", {"DEPLOY_S3_DELETE": "maybe"}, "true or false"),
        ("s3", {"DEPLOY_MANIFEST": "ftp"}, "DEPLOY_MANIFEST"),
    ],
)
def test_bad_values_name_the_setting(target, env, message):
    base = {
        "DEPLOY_SSH_HOST": "h",
        "DEPLOY_SSH_USER": "u",
        "DEPLOY_SSH_PATH": "/srv/site",
        "DEPLOY_S3_BUCKET": "b",
    }
    with pytest.raises(ConfigError) as info:
        load_target(target, {}, {**base, **env})
    assert message in info.value.message + " ".join(info.value.hints)


def test_normalise():
    assert normalise("https://www.x.org/a/index.html") == "/a/"
    assert normalise("a/b/?q=1") == "/a/b/"
    assert normalise("/index.html") == "/"


OLD = {
    "urls": ["/", "/first-aid/burns/", "/about/", "/og/old-1a2b3c4d.png", "/feeds/all.atom.xml"],
    "redirects": {},
}


def test_gate_passes_when_moved_with_alias_and_ignores_card_images():
    new = {
        "urls": ["/", "/first-aid/burns-and-scalds/", "/about/", "/feeds/all.atom.xml"],
        "redirects": {"/first-aid/burns/": "/first-aid/burns-and-scalds/"},
    }
    assert removed_urls(OLD, new) == []
    assert check_removals(OLD, new) == []
    assert removed_urls(None, new) == []


def test_gate_refuses_with_every_url_a_suggestion_and_the_fix():
    new = {"urls": ["/", "/first-aid/burns-and-scalds/", "/info/about/"], "redirects": {}}
    with pytest.raises(GateError) as info:
        check_removals(OLD, new)
    hints = info.value.hints
    assert info.value.message.startswith("3 published URL(s)")
    assert (
        "/about/ (it looks like it moved to /info/about/: "
        "add /about/ to `aliases:` of the page at /info/about/)"
    ) in hints
    assert any(
        h.startswith("/first-aid/burns/ (it looks like it moved to /first-aid/burns-and-scalds/")
        for h in hints
    )
    assert "/feeds/all.atom.xml" in hints
    assert any("aliases" in h for h in hints)
    assert any("--allow-removal" in h for h in hints)


def test_after_a_slug_rename_the_hint_points_at_the_new_url_and_names_the_file():
    old = {
        "urls": ["/first-aid/burns/", "/first-aid/burns/cy/", "/share-kit/first-aid/burns/"],
        "redirects": {},
    }
    new = {
        "urls": ["/first-aid/burns-and-scalds/", "/first-aid/burns-and-scalds/cy/"],
        "redirects": {"/first-aid/burns/": "/first-aid/burns-and-scalds/"},
        "unlisted": ["share-kit/*", "drafts/*"],
        "sources": {"/first-aid/burns-and-scalds/cy/": "articles/first-aid/burns-cy.md"},
    }
    with pytest.raises(GateError) as info:
        check_removals(old, new)
    # The old share kit is private now: it does not block. The translation's hint follows the
    # alias to the new URL (never the old one) and names the file to add the alias to.
    assert info.value.message.startswith("1 published URL(s)")
    assert info.value.hints[0] == (
        "/first-aid/burns/cy/ (it looks like it moved to /first-aid/burns-and-scalds/cy/: "
        "add /first-aid/burns/cy/ to `aliases:` in articles/first-aid/burns-cy.md)"
    )
    new["redirects"]["/first-aid/burns/cy/"] = "/first-aid/burns-and-scalds/cy/"
    assert check_removals(old, new) == []
    assert unlisted_removals(old, new) == ["/share-kit/first-aid/burns/"]


def test_a_renamed_page_is_suggested_by_its_new_url_not_its_alias():
    old = {"urls": ["/first-aid/burns/", "/x/burns/"], "redirects": {}}
    new = {"urls": ["/y/burns-new/"], "redirects": {"/first-aid/burns/": "/y/burns-new/"}}
    assert suggestion("/x/burns/", new) == "/y/burns-new/"
    with pytest.raises(GateError) as info:
        check_removals(old, new)
    assert "moved to /y/burns-new/" in info.value.hints[0]


def test_dropping_an_alias_is_a_removal():
    old = {"urls": ["/new/"], "redirects": {"/old/": "/new/"}}
    assert removed_urls(old, {"urls": ["/new/"], "redirects": {}}) == ["/old/"]
    assert removed_urls(old, old) == []


def test_allow_removal_lets_named_urls_go():
    new = {"urls": ["/", "/about/"], "redirects": {}}
    allowed = ["https://www.x.org/first-aid/burns/index.html", "/feeds/all.atom.xml"]
    assert check_removals(OLD, new, allow=allowed) == ["/feeds/all.atom.xml", "/first-aid/burns/"]
    with pytest.raises(GateError):
        check_removals(OLD, new, allow=["/first-aid/burns/"])


@pytest.mark.parametrize(
    ("rel", "ctype", "cache"),
    [
        ("index.html", "text/html; charset=utf-8", CACHE_SHORT),
        ("first-aid/cpr/index.html", "text/html; charset=utf-8", CACHE_SHORT),
        ("og/cpr-1a2b3c4d.png", "image/png", CACHE_LONG),
        ("og/cpr.jpg", "image/jpeg", CACHE_LONG),
        ("theme/css/main.3f9a1c2b.css", "text/css; charset=utf-8", CACHE_LONG),
        ("theme/css/main.css", "text/css; charset=utf-8", CACHE_MEDIUM),
        ("theme/js/app-0123456789ab.min.js", "text/javascript; charset=utf-8", CACHE_LONG),
        ("feeds/all.atom.xml", "application/atom+xml; charset=utf-8", CACHE_SHORT),
        ("feeds/all.rss.xml", "application/rss+xml; charset=utf-8", CACHE_SHORT),
        ("sitemap.xml", "application/xml", CACHE_SHORT),
        ("published-urls.json", "application/json; charset=utf-8", CACHE_SHORT),
        ("_redirects", "text/plain; charset=utf-8", CACHE_SHORT),
        ("images/cpr.png", "image/png", CACHE_MEDIUM),
        ("robots.txt", "text/plain; charset=utf-8", CACHE_MEDIUM),
        ("theme/fonts/x.woff2", "font/woff2", CACHE_MEDIUM),
    ],
)
def test_header_policy(rel, ctype, cache):
    assert content_type(rel) == ctype
    assert cache_control(rel) == cache


def test_plan_compare_keeps_card_images():
    plan = Plan.compare(
        "s3",
        "s3://b/",
        {"a.html": "1", "b.html": "2", "og/new.png": "3"},
        {"a.html": "1", "b.html": "x", "c.html": "4", "og/old.png": "5"},
        ["og/"],
    )
    assert plan.upload == ["og/new.png"]
    assert plan.change == ["b.html"]
    assert plan.remove == ["c.html"]
    assert plan.keep == ["og/old.png"]
    assert plan.unchanged == 1
    out = io.StringIO()
    plan.render(Console(file=out, width=120))
    text = out.getvalue()
    assert "remove" in text
    assert "1 new, 1 changed, 1 removed, 1 kept (never deleted), 1 unchanged" in text


def test_report_prints_a_panel_not_a_traceback():
    out = io.StringIO()
    code = report(GateError("2 URLs [bold]gone", ["/a/", "/b/"]), Console(file=out, width=100))
    assert code == 4
    text = out.getvalue()
    assert "[bold]gone" in text  # markup in messages is shown, not interpreted
    assert "• /a/" in text
    assert "Traceback" not in text


def test_ensure_gzip_is_reproducible(tmp_path):
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>hello</p>" * 100)
    (tmp_path / "tiny.html").write_text("<p>x</p>")
    (tmp_path / "card.png").write_bytes(b"\x89PNG" * 200)
    assert ensure_gzip(tmp_path) == 1
    packed = (tmp_path / "a" / "index.html.gz").read_bytes()
    assert gzip.decompress(packed) == page.read_bytes()
    (tmp_path / "a" / "index.html.gz").unlink()
    ensure_gzip(tmp_path)
    assert (tmp_path / "a" / "index.html.gz").read_bytes() == packed
    assert not (tmp_path / "tiny.html.gz").exists()
    assert not (tmp_path / "card.png.gz").exists()


def test_with_link_keeper_adds_the_plugin_once():
    assert with_link_keeper({"PLUGINS": ["a"]}, None) == {"PLUGINS": ["a", "link_keeper"]}
    assert with_link_keeper({"PLUGINS": ["a", "link_keeper"]}, {"X": 1}) == {"X": 1}


def test_s3_redirect_locations(tmp_path):
    redirects = {"/old/": "/new/", "/a.html": "/b/", "/café/": "/été/"}
    (tmp_path / "published-urls.json").write_text(json.dumps({"urls": [], "redirects": redirects}))
    assert _redirects(tmp_path) == {
        "old/index.html": "/new/",
        "a.html": "/b/",
        "café/index.html": "/%C3%A9t%C3%A9/",
    }


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "", "/a//b/"])
def test_s3_refuses_a_redirect_to_another_host(tmp_path, target):
    from tools.deploy.errors import TargetError

    (tmp_path / "published-urls.json").write_text(
        json.dumps({"urls": [], "redirects": {"/old/": target}})
    )
    with pytest.raises(TargetError, match="not a site path"):
        _redirects(tmp_path)


def test_build_error_on_broken_content_cleans_up(tmp_path, capsys, monkeypatch):
    content = copy_fixture(tmp_path / "content")
    sleep = content / "articles" / "sleep" / "sleep.md"
    sleep.write_text(sleep.read_text() + "\n[x]({filename}/missing.md)\n")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(BuildError) as info:
        build_for_publish(FIXTURE_CONFIG, content)
    assert info.value.exit_code == 3
    assert "missing.md" in capsys.readouterr().err
    assert not list(scratch.iterdir())


def test_cli_config_error_exits_2_without_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOY_")}
    env["PYTHONPATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.deploy",
            "-s",
            str(FIXTURE_CONFIG),
            "publish",
            "--target",
            "s3",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert "DEPLOY_S3_BUCKET" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_cli_rollback_on_s3_explains_instead(monkeypatch, capsys):
    monkeypatch.setenv("DEPLOY_S3_BUCKET", "b")
    assert main(["-s", str(FIXTURE_CONFIG), "rollback", "--target", "s3"]) == 5
    assert "rollback is for the ssh target" in capsys.readouterr().err


def test_live_manifest_over_http(tmp_path, site_server):
    from support.servers import free_port
    from tools.deploy.cli import live_manifest
    from tools.deploy.errors import TargetError
    from tools.deploy.gate import fetch_http

    (tmp_path / "published-urls.json").write_text('{"urls": ["/a/"]}')
    base = site_server(tmp_path)
    cfg = load_target("s3", {"SITEURL": base}, {"DEPLOY_S3_BUCKET": "b", "DEPLOY_MANIFEST": "http"})
    manifest, where = live_manifest(cfg, target=None)
    assert manifest == {"urls": ["/a/"], "redirects": {}}
    assert where == f"{base}/published-urls.json"
    assert fetch_http(f"{base}/missing.json") is None
    (tmp_path / "bad.json").write_text("<html>")
    with pytest.raises(TargetError, match="not valid JSON"):
        fetch_http(f"{base}/bad.json")
    with pytest.raises(TargetError, match="Could not fetch"):
        fetch_http(f"http://127.0.0.1:{free_port()}/published-urls.json", timeout=2)
    with pytest.raises(TargetError, match="http"):
        fetch_http("file:///etc/passwd")


def test_unreachable_s3_endpoint_is_a_target_error(tmp_path, monkeypatch, capsys):
    from support.servers import free_port
    from tools.deploy.cli import publish as do_publish
    from tools.deploy.cli import run as do_run

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    env = {
        "DEPLOY_S3_BUCKET": "b",
        "DEPLOY_S3_REGION": "us-east-1",
        "DEPLOY_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
    }
    code = do_run(do_publish, "s3", config=FIXTURE_CONFIG, environ=env)
    assert code == 5
    assert "Traceback" not in capsys.readouterr().err


def test_broken_settings_file_is_a_config_error(tmp_path):
    from tools.deploy.config import read_pelican_settings

    config = tmp_path / "publishconf.py"
    config.write_text("SITEURL = (\n")
    with pytest.raises(ConfigError, match="Could not read"):
        read_pelican_settings(config)
    with pytest.raises(ConfigError, match="not found"):
        read_pelican_settings(tmp_path / "nope.py")


def test_invoke_publish_and_rollback_report_settings_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOY_")}
    invoke = [sys.executable, "-m", "invoke"]
    for task in (["publish", "--target", "s3", "--dry-run"], ["rollback"]):
        proc = subprocess.run(
            [*invoke, *task], cwd=REPO, capture_output=True, text=True, env=env, check=False
        )
        assert proc.returncode == 2, proc.stderr
        assert "DEPLOY_S3_BUCKET" in proc.stderr or "DEPLOY_SSH_HOST" in proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
