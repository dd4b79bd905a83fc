"""The ssh target when things go wrong: killed and overlapping publishes, races between two
checkouts, unresponsive servers, signals, failing post-commands. Real sshd, rsync and nginx
(support.ssh_site); after every publish that goes live every page is checked."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
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


def WIDE():  # noqa: N802 - a console wide enough that messages are not wrapped
    from rich.console import Console

    return Console(stderr=True, width=300)


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
    # The killed publish cannot remove its build: keep it in a short scratch dir of ours.
    scratch = Path(tempfile.mkdtemp(prefix="sw-kill-", dir="/tmp"))
    proc = start_slow_publish(site, scratch)
    try:
        wait_for_upload(site, proc)
        # Readers mid-upload still get the previous release.
        assert b"Push hard and fast" in site.nginx.get("/first-aid/cpr/")[2]
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
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


# --- honest failure: bounded waits, signals, post-commands ------------------------------------


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word (a hung sshd)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_is_a_clear_error_not_a_hang(site, silent_server, capsys):
    env = {"DEPLOY_SSH_PORT": str(silent_server), "DEPLOY_SSH_CONNECT_TIMEOUT": "2"}
    started = time.monotonic()
    assert run(site.publish, env=env, console=WIDE()) == 5
    assert time.monotonic() - started < 60  # bounded by ConnectTimeout, not forever
    err = capsys.readouterr().err
    assert f"on port {silent_server}: no SSH answer within 2 s" in err
    assert "DEPLOY_SSH_CONNECT_TIMEOUT" in err
    assert "Traceback" not in err


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().split(b"\0")
            if any(text.encode() in arg for arg in argv):
                found.append(b" ".join(argv).decode(errors="replace"))
    return found


def start_slow_publish(site, scratch, **env: str) -> subprocess.Popen:
    """Start a real publish (its own process) whose upload takes a while."""
    change_article(site.content, "Press hard and fast")
    (site.content / "extra").mkdir(exist_ok=True)
    (site.content / "extra" / "padding.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    environ = cli_env(site, DEPLOY_SSH_RSYNC_OPTIONS="--bwlimit=200", TMPDIR=str(scratch), **env)
    return subprocess.Popen(
        cli_publish(site, site.content),
        env={**environ, "COLUMNS": "300"},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_upload(site, proc) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if next((site.base / "releases").glob(".partial-*/extra"), None) is not None:
            time.sleep(0.3)
            return
        time.sleep(0.1)
    raise AssertionError(f"the upload never started: {proc.poll()}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_child_and_removes_temporary_files(site, sig):
    site.publish()
    live = site.live()
    scratch = Path(tempfile.mkdtemp(prefix="sw-sig-", dir="/tmp"))
    proc = start_slow_publish(site, scratch)
    try:
        wait_for_upload(site, proc)
        os.kill(proc.pid, sig)  # the publisher only, as systemd or a CI runner would
        output, _ = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == 128 + sig, output
    assert f"{signal.Signals(sig).name} stopped it" in output
    assert "Traceback" not in output
    assert processes_mentioning(str(scratch)) == []  # no rsync, ssh or build left running
    assert list(scratch.iterdir()) == []  # no temporary build, no SSH socket folder
    shutil.rmtree(scratch)
    assert site.live() == live
    assert b"Push hard and fast" in site.nginx.get("/first-aid/cpr/")[2]
    site.publish()  # the lock was released; the partial upload is cleaned up
    assert not list((site.base / "releases").glob(".partial-*"))


def test_sigkill_takes_its_children_along_and_the_next_publish_sweeps_its_files(site, monkeypatch):
    site.publish()
    live = site.live()
    scratch = Path(tempfile.mkdtemp(prefix="sw-kill9-", dir="/tmp"))
    proc = start_slow_publish(site, scratch)
    try:
        wait_for_upload(site, proc)
        os.kill(proc.pid, signal.SIGKILL)  # no code runs: the kernel kills the children
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and [
            p for p in processes_mentioning(str(scratch)) if "rsync" in p.split(" ", 1)[0]
        ]:
            time.sleep(0.2)
        assert not [p for p in processes_mentioning(str(scratch)) if "rsync" in p.split()[0]]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert site.live() == live
    assert [p.name for p in scratch.iterdir() if p.name.startswith("sharewell-publish-")]
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    site.publish()
    assert not [p for p in scratch.iterdir() if p.name.startswith("sharewell-publish-")]
    shutil.rmtree(scratch, ignore_errors=True)


def test_a_failing_post_command_after_go_live_says_so_with_its_own_exit_code(site, capsys):
    site.publish()
    change_article(site.content, "Press hard and fast")
    env = {"DEPLOY_SSH_POST_COMMAND": "echo 'nginx: reload failed' >&2; exit 7"}
    assert run(site.publish, env=env, console=WIDE()) == 6
    err = capsys.readouterr().err
    live = site.live()
    assert f"Release {live} is live" in err
    assert "failed (exit 7)" in err
    assert "nginx: reload failed" in err
    assert "Published, but the post-command failed" in err
    site.check_served()  # the new release really is live
    assert b"Press hard and fast" in site.nginx.get("/first-aid/cpr/")[2]


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = Path(f"/proc/{todo[0]}/task/{todo[0]}/children")
        todo = todo[1:]
        with contextlib.suppress(OSError):
            kids = [int(child) for child in children.read_text().split()]
            found += kids
            todo += kids
    return found


def test_a_server_that_stops_answering_mid_upload_is_a_clear_error(site, sshd):
    """Keep-alives: the sshd serving the upload freezes; publish gives up within seconds."""
    site.publish()
    live = site.live()
    scratch = Path(tempfile.mkdtemp(prefix="sw-alive-", dir="/tmp"))
    proc = start_slow_publish(
        site, scratch, DEPLOY_SSH_ALIVE_INTERVAL="1", DEPLOY_SSH_ALIVE_COUNT="2"
    )
    frozen: list[int] = []
    try:
        wait_for_upload(site, proc)
        # sshd's session processes (privilege-separated: monitor and session, and below)
        frozen = descendants(sshd.process.pid)
        assert frozen
        for pid in frozen:  # the server side of this publish's connection stops dead
            os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        output, _ = proc.communicate(timeout=90)
        assert time.monotonic() - started < 60
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    assert proc.returncode == 5, output
    assert "was lost: the server stopped answering" in output
    assert "Traceback" not in output
    assert site.live() == live
