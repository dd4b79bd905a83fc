"""gh-pages target into a local bare repository (ghp-import), plus the gate on that target."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.site import FIXTURE_CONFIG, add_article, copy_fixture, git_checkouts, snapshot
from tools.deploy.cli import publish, rollback, run

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if not shutil.which("git") and not IN_CI:
    pytest.skip("git is not installed", allow_module_level=True)

OLD_CARD = "og/cpr-1a2b3c4d5e.png"
NEW_CARD = "og/cpr-99887766aa.png"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def remote(tmp_path):
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


@pytest.fixture
def content(tmp_path):
    return copy_fixture(tmp_path / "content")


def do(remote: Path, content: Path, **kwargs):
    env = {"DEPLOY_GH_PAGES_REMOTE": str(remote), "DEPLOY_GH_PAGES_CNAME": "www.example.org"}
    return publish("gh-pages", config=FIXTURE_CONFIG, content=content, environ=env, **kwargs)


def tree(remote: Path) -> set[str]:
    return set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split())


def test_publish_to_branch_keeps_history_and_card_images(remote, content):
    do(remote, content)
    files = tree(remote)
    assert {"first-aid/cpr/index.html", OLD_CARD, "published-urls.json", ".nojekyll"} <= files
    assert "CNAME" in files
    assert not [f for f in files if f.endswith(".gz")]
    first = git(remote, "rev-parse", "gh-pages").strip()

    article = content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text().replace("Push hard", "Press hard"), encoding="utf-8")
    (content / OLD_CARD).rename(content / NEW_CARD)
    result = do(remote, content)
    assert "first-aid/cpr/index.html" in result.plan.change
    assert NEW_CARD in result.plan.upload
    assert OLD_CARD not in result.plan.remove
    files = tree(remote)
    assert {OLD_CARD, NEW_CARD} <= files
    second = git(remote, "rev-parse", "gh-pages").strip()
    assert git(remote, "rev-parse", "gh-pages^").strip() == first
    assert "Press hard" in git(remote, "show", "gh-pages:first-aid/cpr/index.html")

    # Nothing changed: no new commit.
    result = do(remote, content)
    assert result.plan.empty
    assert git(remote, "rev-parse", "gh-pages").strip() == second


def test_dry_run_and_gate_leave_the_remote_identical(remote, content):
    do(remote, content)
    before = snapshot(remote)

    article = content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text().replace("Push hard", "Press hard"), encoding="utf-8")
    result = do(remote, content, dry_run=True)
    assert "first-aid/cpr/index.html" in result.plan.change
    assert snapshot(remote) == before

    broken = content / "articles" / "sleep" / "sleep.md"
    broken.write_text(broken.read_text() + "\n[x]({filename}/missing.md)\n", encoding="utf-8")
    assert run(do, remote, content) == 3
    assert snapshot(remote) == before

    broken.write_text(broken.read_text().replace("\n[x]({filename}/missing.md)\n", ""))
    (content / "articles" / "first-aid" / "burns.md").unlink()
    assert run(do, remote, content) == 4
    assert snapshot(remote) == before


def test_removed_url_is_listed_with_a_fix(remote, content, capsys):
    do(remote, content)
    (content / "articles" / "first-aid" / "burns.md").unlink()
    (content / "pages" / "about.md").unlink()
    from rich.console import Console

    console = Console(file=None, width=200, stderr=True)
    assert run(do, remote, content, console=console) == 4
    err = capsys.readouterr().err
    assert "/first-aid/burns/" in err
    assert "/about/" in err
    assert "aliases" in err
    assert "--allow-removal" in err
    assert "Traceback" not in err


def test_moved_article_with_alias_passes_the_gate(remote, content):
    do(remote, content)
    burns = content / "articles" / "first-aid" / "burns.md"
    text = burns.read_text().replace("Slug: burns", "Slug: burns-and-scalds")
    burns.write_text(text.replace("Summary:", "Aliases: /first-aid/burns/\nSummary:"))
    do(remote, content)
    page = git(remote, "show", "gh-pages:first-aid/burns/index.html")
    assert 'http-equiv="refresh"' in page
    assert "/first-aid/burns-and-scalds/" in page
    assert "/first-aid/burns/ /first-aid/burns-and-scalds/ 301" in git(
        remote, "show", "gh-pages:_redirects"
    )


def test_an_older_checkout_racing_a_newer_one_is_refused(remote, tmp_path, capsys):
    clones = git_checkouts(tmp_path / "git")
    do(remote, clones["b"])
    new_url = add_article(clones["a"], "choking", "Helping someone who is choking")
    # B has a change of its own (an older checkout with an edit, not a no-op).
    sleep = clones["b"] / "articles" / "sleep" / "sleep.md"
    sleep.write_text(sleep.read_text(encoding="utf-8") + "\nAvoid screens late.\n")

    def a_publishes_while_b_builds(output) -> None:
        do(remote, clones["a"])

    assert run(do, remote, clones["b"], checks=a_publishes_while_b_builds) == 4
    err = capsys.readouterr().err
    assert "changed while this publish was building" in err
    assert new_url in err
    assert "first-aid/choking/index.html" in tree(remote)


def test_rollback_is_a_new_commit_and_no_card_that_was_ever_live_is_lost(remote, content):
    og = content / "og"
    ever = {f"og/{p.name}" for p in og.iterdir()}
    do(remote, content)
    first = git(remote, "rev-parse", "gh-pages").strip()
    for path in og.iterdir():
        path.unlink()
    (og / "cpr-99887766aa.png").write_bytes(b"\x89PNG new card")
    ever.add("og/cpr-99887766aa.png")
    article = content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text().replace("Push hard", "Press hard"), encoding="utf-8")
    do(remote, content)
    second = git(remote, "rev-parse", "gh-pages").strip()

    env = {"DEPLOY_GH_PAGES_REMOTE": str(remote)}
    assert rollback("gh-pages", config=FIXTURE_CONFIG, environ=env) == (second[:12], first[:12])
    tip = git(remote, "rev-parse", "gh-pages").strip()
    assert git(remote, "rev-parse", "gh-pages^").strip() == second  # history kept, fast-forward
    assert "Push hard" in git(remote, "show", "gh-pages:first-aid/cpr/index.html")
    assert ever <= tree(remote)

    (og / "sleep-0123456789.png").write_bytes(b"\x89PNG third card")
    ever.add("og/sleep-0123456789.png")
    do(remote, content)
    assert git(remote, "rev-parse", "gh-pages^").strip() == tip
    assert ever <= tree(remote)
    # Rolling back to a commit that is not on the branch is refused, naming recent commits.
    assert run(rollback, "gh-pages", "0" * 40, config=FIXTURE_CONFIG, environ=env) == 5


def test_following_the_gates_advice_after_a_slug_rename_gets_the_publish_through(
    remote, content, capsys
):
    from rich.console import Console

    do(remote, content)
    burns = content / "articles" / "first-aid" / "burns.md"
    burns.write_text(burns.read_text().replace("Slug: burns", "Slug: burns-and-scalds"))
    assert run(do, remote, content, console=Console(stderr=True, width=300)) == 4
    err = capsys.readouterr().err
    advice = (
        "/first-aid/burns/ (it looks like it moved to /first-aid/burns-and-scalds/: "
        "add /first-aid/burns/ to `aliases:` in articles/first-aid/burns.md)"
    )
    assert advice in err
    # Do exactly what it says: the publish goes through and the old URL redirects.
    burns.write_text(burns.read_text().replace("Summary:", "Aliases: /first-aid/burns/\nSummary:"))
    assert run(do, remote, content) == 0
    assert "/first-aid/burns-and-scalds/" in git(
        remote, "show", "gh-pages:first-aid/burns/index.html"
    )
