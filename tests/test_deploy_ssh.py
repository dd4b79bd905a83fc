"""End to end on 127.0.0.1 as production runs it: sshd with a non-root deploy user, rsync, and
nginx whose workers run as www-data. After every publish and rollback, every page answers 200
with the promised headers (support.ssh_site)."""

from __future__ import annotations

import gzip
from pathlib import Path

from support import ssh_site
from support.site import snapshot
from tools.deploy.cli import run

ssh_site.skip_without_servers()
# The shared fixtures of the ssh tests (real sshd, deploy user, www-data nginx).
accounts, srv_root, sshd, site = ssh_site.accounts, ssh_site.srv_root, ssh_site.sshd, ssh_site.site

ARTICLE = "first-aid/cpr/index.html"
OLD_CARD = "og/cpr-1a2b3c4d5e.png"
NEW_CARD = "og/cpr-99887766aa.png"
SEARCH_PLUGINS = ["link_keeper", "reader_features", "pelican.plugins.precompress"]


def change_article(content: Path, text: str) -> None:
    article = content / "articles" / "first-aid" / "cpr.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Push hard and fast", text), encoding="utf-8"
    )
    (content / OLD_CARD).rename(content / NEW_CARD)


def test_publish_serves_release_with_headers(site):
    site.publish()
    current = site.base / "current"
    assert current.is_symlink()
    assert str(current.readlink()) == f"releases/{site.releases()[0]}"
    # Production modes: nginx's workers (www-data) read the release only through them.
    for path in [current.resolve(), *current.resolve().rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path

    status, headers, body = site.nginx.get("/first-aid/cpr/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert b"Push hard and fast" in gzip.decompress(body)
    assert headers["Content-Type"].startswith("text/html")
    assert "max-age=300" in headers["Cache-Control"]
    csp = headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]

    status, headers, body = site.nginx.get("/" + OLD_CARD)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body == (site.content / OLD_CARD).read_bytes()

    status, headers, _ = site.nginx.get("/feeds/all.atom.xml")
    assert status == 200
    assert headers["Content-Type"].startswith("application/atom+xml")

    # link_keeper's map, loaded by the reload after publish: a real 301 for an alias.
    status, headers, _ = site.nginx.get("/old/cpr-guide/")
    assert status == 301
    assert headers["Location"].endswith("/first-aid/cpr/")
    status, _, body = site.nginx.get("/no/such/page/")
    assert status == 404
    assert b"could not find that page" in body


def test_second_publish_reuses_files_keeps_cards_and_rolls_back(site):
    site.publish()
    first = site.releases()[0]
    change_article(site.content, "Press hard and fast")
    result = site.publish()
    second = result.release
    assert site.releases() == [first, second]
    assert ARTICLE in result.plan.change
    old, new = site.base / "releases" / first, site.base / "releases" / second

    def same_inode(rel: str) -> bool:
        return (old / rel).stat().st_ino == (new / rel).stat().st_ino

    assert not same_inode(ARTICLE)
    for rel in ("first-aid/burns/index.html", "sleep/sleep-well/index.html", "about/index.html"):
        assert same_inode(rel), f"{rel} was re-uploaded instead of hard-linked"
    # The replaced card image is carried forward (same file) and still served.
    assert same_inode(OLD_CARD)
    assert site.nginx.get("/" + OLD_CARD)[0] == 200
    assert site.nginx.get("/" + NEW_CARD)[0] == 200
    assert b"Press hard and fast" in site.nginx.get("/first-aid/cpr/")[2]

    assert site.rollback() == (second, first)
    assert str((site.base / "current").readlink()) == f"releases/{first}"
    assert b"Push hard and fast" in site.nginx.get("/first-aid/cpr/")[2]

    # A third publish prunes to DEPLOY_SSH_KEEP_RELEASES=2 and still keeps every card image.
    third = site.publish().release
    assert site.releases() == [second, third]
    assert site.nginx.get("/" + OLD_CARD)[0] == 200


def test_dry_run_changes_nothing(site):
    site.publish()
    before = snapshot(site.base)
    change_article(site.content, "Press hard and fast")
    result = site.publish(dry_run=True)
    assert result.dry_run
    assert ARTICLE in result.plan.change
    assert NEW_CARD in result.plan.upload
    assert OLD_CARD not in result.plan.remove
    assert OLD_CARD in result.plan.keep
    assert snapshot(site.base) == before


def test_gate_content_error_and_removed_url_leave_server_identical(site):
    site.publish()
    before = snapshot(site.base)
    article = site.content / "articles" / "sleep" / "sleep.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nSee [the missing page]({filename}/nope.md).\n", encoding="utf-8")
    assert run(site.publish) == 3
    assert snapshot(site.base) == before

    article.write_text(text, encoding="utf-8")
    (site.content / "articles" / "first-aid" / "burns.md").unlink()
    assert run(site.publish) == 4
    assert snapshot(site.base) == before
    # Removing on purpose is allowed, and the URL then 404s.
    site.publish(allow_removal=["/first-aid/burns/"])
    assert site.nginx.get("/first-aid/burns/")[0] == 404


def test_current_directory_not_made_by_publish_is_refused(site):
    (site.base / "current").mkdir()
    (site.base / "current" / "index.html").write_text("hand-made site")
    before = snapshot(site.base)
    assert run(site.publish) == 5
    assert snapshot(site.base) == before


def test_no_card_that_was_ever_live_is_lost_after_publish_rollback_and_prune(site):
    """A card shared while any release was live is served by every later live release:
    publish, publish (cards renamed and dropped), rollback, publish, publish + prune."""
    og = site.content / "og"
    ever: dict[str, bytes] = {p.name: p.read_bytes() for p in og.iterdir()}

    def new_card(name: str) -> None:
        (og / name).write_bytes(b"\x89PNG card " + name.encode())
        ever[name] = (og / name).read_bytes()

    def every_card_served() -> None:
        for name, data in ever.items():
            status, headers, body = site.nginx.get(f"/og/{name}")
            assert (status, body) == (200, data), name
            assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

    site.publish()
    first = site.live()
    for path in og.iterdir():  # the next build has none of the first cards
        path.unlink()
    new_card("cpr-99887766aa.png")
    site.publish()
    every_card_served()
    assert site.rollback()[1] == first  # back to a release built before the new card
    every_card_served()
    new_card("sleep-0123456789.png")
    site.publish()  # built while an older release is live: carries from every release
    every_card_served()
    new_card("burns-abcdef0123.png")
    site.publish()  # prunes to DEPLOY_SSH_KEEP_RELEASES=2: the first two releases go
    assert first not in site.releases()
    assert len(site.releases()) == 2
    every_card_served()


def test_republishing_an_unchanged_site_with_search_changes_nothing(site, tmp_path):
    """No upload, no new release: Pagefind's new hashes are not a change (search_index.py)."""
    site.overrides.update({"PLUGINS": SEARCH_PLUGINS, "CACHE_PATH": str(tmp_path / "c1")})
    site.publish()
    assert any(p.name == "pagefind" for p in (site.base / "current").iterdir())
    before, releases = snapshot(site.base), site.releases()
    site.overrides["CACHE_PATH"] = str(tmp_path / "c2")  # a new CI runner: no cache
    result = site.publish()
    assert result.plan.empty, result.plan.summary()
    assert (result.plan.upload, result.plan.change, result.plan.remove) == ([], [], [])
    assert site.releases() == releases
    assert snapshot(site.base) == before
