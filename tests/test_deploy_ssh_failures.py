"""The ssh target when things go wrong: killed and overlapping publishes, races between two
checkouts, unresponsive servers, signals, failing post-commands. Real sshd, rsync and nginx
(support.ssh_site); after every publish that goes live every page is checked."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from support import ssh_site
from support.servers import REPO
from support.site import FIXTURE_CONFIG, add_article, git_checkouts, snapshot
from tools.deploy.cli import run

ssh_site.skip_without_servers()
accounts, srv_root, sshd, site = ssh_site.accounts, ssh_site.srv_root, ssh_site.sshd, ssh_site.site


def change_article(content, text: str) -> None:
    article = content / "articles" / "first-aid" / "cpr.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Push hard and fast", text), encoding="utf-8"
    )


def cli_env(site, **extra: str) -> dict[str, str]:
    """Environment for running ``python -m tools.deploy`` against ``site`` as a process."""
    return {**os.environ, **site.env, "PYTHONPATH": str(REPO / "plugins"), **extra}


def cli_publish(site, content) -> list[str]:
    command = [sys.executable, "-m", "tools.deploy", "-s", str(FIXTURE_CONFIG)]
    command += ["-e", f"SITEURL={site.nginx.url}", "-e", f"FEED_DOMAIN={site.nginx.url}"]
    return [*command, "publish", "--target", "ssh", "--content", str(content)]


def test_killed_deploy_leaves_previous_release_live(site):
    site.publish()
    live = str((site.base / "current").readlink())
    change_article(site.content, "Press hard and fast")
    # Incompressible padding plus a bandwidth limit keep rsync busy long enough to kill it.
    (site.content / "extra").mkdir()
    (site.content / "extra" / "padding.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    scratch = tempfile.mkdtemp(prefix="sw-kill-", dir="/tmp")
    env = {
        **os.environ,
        **site.env,
        "DEPLOY_SSH_RSYNC_OPTIONS": "--bwlimit=200",
        "PYTHONPATH": str(REPO / "plugins"),
        # The killed publish cannot remove its build or SSH socket dir: keep them in a short
        # scratch dir of ours (socket paths must stay under ~100 bytes).
        "TMPDIR": scratch,
    }
    command = [sys.executable, "-m", "tools.deploy", "-s", str(FIXTURE_CONFIG)]
    command += ["-e", f"SITEURL={site.nginx.url}", "publish", "--target", "ssh"]
    command += ["--content", str(site.content)]
    proc = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        partial = None
        while time.monotonic() < deadline and proc.poll() is None:
            partial = next((site.base / "releases").glob(".partial-*/extra"), None)
            if partial is not None:
                break
            time.sleep(0.1)
        assert partial is not None, "the upload never started"
        time.sleep(0.5)
        # Readers mid-upload still get the previous release.
        assert b"Push hard and fast" in site.nginx.get("/first-aid/cpr/")[2]
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        shutil.rmtree(scratch, ignore_errors=True)
    assert str((site.base / "current").readlink()) == live
    assert b"Push hard and fast" in site.nginx.get("/first-aid/cpr/")[2]
    assert site.nginx.get("/extra/padding.bin")[0] == 404

    # The next publish cleans the partial upload and goes live.
    site.publish()
    assert not list((site.base / "releases").glob(".partial-*"))
    assert b"Press hard and fast" in site.nginx.get("/first-aid/cpr/")[2]


def test_concurrent_publish_is_refused(site, capsys):
    site.publish()
    lockfile = site.base / ".publish.lock"
    holder = subprocess.Popen(
        ["flock", str(lockfile), "sh", "-c", "echo held; exec sleep 60"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = snapshot(site.base)
        change_article(site.content, "Press hard and fast")
        assert run(site.publish) == 5
        assert "Another publish" in capsys.readouterr().err
        assert snapshot(site.base) == before
    finally:
        os.killpg(holder.pid, signal.SIGKILL)  # flock and the sleep holding its descriptor
        holder.wait()
        holder.stdout.close()
    site.publish()
    assert b"Press hard and fast" in site.nginx.get("/first-aid/cpr/")[2]


def test_an_older_checkout_racing_a_newer_one_is_refused_under_the_lock(site, tmp_path, capsys):
    """Two real clones: B (older) builds; meanwhile A publishes a new article; B must not go
    live and remove it. B's gate passed before the lock, so only the re-check under the lock
    catches it."""
    clones = git_checkouts(tmp_path / "git")
    site.publish(content=clones["b"])
    live_before = site.live()
    new_url = add_article(clones["a"], "choking", "Helping someone who is choking")
    # B has a change of its own (an older checkout with an edit, not a no-op).
    sleep = clones["b"] / "articles" / "sleep" / "sleep.md"
    sleep.write_text(sleep.read_text(encoding="utf-8") + "\nAvoid screens late.\n")
    other: list[subprocess.CompletedProcess] = []

    def a_publishes_while_b_builds(output) -> None:
        # B's build is done and its first gate check is next; A goes live now, as its own
        # process, exactly as an overlapping CI run or a second publisher would.
        other.append(
            subprocess.run(
                cli_publish(site, clones["a"]),
                env=cli_env(site),
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        )

    code = run(site.publish, content=clones["b"], checks=a_publishes_while_b_builds)
    assert other[0].returncode == 0, other[0].stderr
    assert code == 4
    err = capsys.readouterr().err
    assert "changed while this publish was building" in err
    assert new_url in err
    assert "git pull" in err
    # A's release is live and untouched; the new article and every page are served.
    assert site.live() != live_before
    site.check_served()
    assert site.nginx.get(new_url)[0] == 200
    assert not list((site.base / "releases").glob(".partial-*"))
