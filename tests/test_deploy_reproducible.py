"""Reproducible output: two builds of one commit are byte-identical, and republishing an
unchanged site uploads nothing, deletes nothing and makes no commit, on every target.

Pagefind names its files after hashes that change on every run; the republish tests build
with the search on and a fresh CACHE_PATH each time, as a new CI runner would, so only
keeping the live index (tools/deploy/search_index.py) makes them pass.
"""

from __future__ import annotations

import subprocess

from conftest import build
from support.site import FIXTURE_CONFIG, copy_fixture
from tools.deploy.cli import publish

# The fixture's plugins plus the site search, before precompress (which zips its files too).
SEARCH_PLUGINS = ["link_keeper", "reader_features", "pelican.plugins.precompress"]


def files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(real_site_publish, tmp_path):
    # The session's live-site build and a second one into a new folder, same cache (as two
    # publishes from one machine): every byte equal, search index and sitemap included.
    second = build(
        tmp_path / "output", config="publishconf", cache=real_site_publish.parent / "output-cache"
    )
    first_files, second_files = files(real_site_publish), files(second)
    assert sorted(first_files) == sorted(second_files)
    differ = [rel for rel in first_files if first_files[rel] != second_files[rel]]
    assert differ == []
    assert any(rel.startswith("pagefind/") for rel in first_files)
    assert "sitemap.xml" in first_files


def fresh_cache(tmp_path, n: int) -> dict:
    return {"PLUGINS": SEARCH_PLUGINS, "CACHE_PATH": str(tmp_path / f"cache-{n}")}


def git(remote, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(remote), *args], capture_output=True, text=True, check=True
    ).stdout


def test_gh_pages_republishing_an_unchanged_site_makes_no_commit(tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    content = copy_fixture(tmp_path / "content")
    env = {"DEPLOY_GH_PAGES_REMOTE": str(remote)}

    def do(n: int):
        return publish(
            "gh-pages", config=FIXTURE_CONFIG, content=content, environ=env,
            overrides=fresh_cache(tmp_path, n),
        )  # fmt: skip

    do(1)
    tip = git(remote, "rev-parse", "gh-pages")
    assert "pagefind/index-source.json" in git(remote, "ls-tree", "-r", "--name-only", "gh-pages")
    result = do(2)
    assert result.plan.empty, result.plan.summary()
    assert git(remote, "rev-parse", "gh-pages") == tip
