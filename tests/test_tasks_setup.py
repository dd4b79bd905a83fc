"""`invoke test-setup` on a busy machine: it waits for apt's locks, says so, and gives up in time.

The lock is held with util-linux `flock`, as a boot-time package run would hold it; apt-get,
dpkg-query and sudo are stand-ins on PATH that record what they were asked, so nothing is
installed and the tests need no root.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tools import system_packages
from tools.system_packages import AptBusyError, InstallError, holders, wait_for_apt

ROOT = Path(__file__).resolve().parent.parent
FLOCK = "/usr/bin/flock"
pytestmark = pytest.mark.skipif(not Path(FLOCK).exists(), reason="util-linux flock missing")


def hold(path: Path, seconds: float) -> subprocess.Popen:
    """Hold ``path`` with `flock` for ``seconds``; return once the lock is taken."""
    path.touch()
    # Its own session, so `release` ends flock and the `sleep` that inherited the lock.
    proc = subprocess.Popen([FLOCK, str(path), "sleep", str(seconds)], start_new_session=True)
    for _ in range(200):
        if holders([str(path)]):
            return proc
        time.sleep(0.02)
    release(proc)
    pytest.fail("flock did not take the lock")


def release(proc: subprocess.Popen) -> None:
    """End a `hold` (flock and its child) and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture
def fakes(tmp_path: Path) -> dict:
    """Stand-ins for dpkg-query (nothing installed), apt-get (records its arguments), sudo."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"
    scripts = {
        "dpkg-query": "#!/bin/sh\nexit 1\n",
        "apt-get": f'#!/bin/sh\necho "$*" >> "{log}"\n',
        "sudo": '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n',
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    lock = tmp_path / "lock-frontend"
    lock.touch()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "SHAREWELL_APT_LOCKS": str(lock),
    }
    env.pop("SHAREWELL_APT_LOCK_TIMEOUT", None)
    return {"env": env, "log": log, "lock": lock, "bin": bin_dir}


def test_setup(fakes: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "test-setup", *args],
        cwd=ROOT, env=fakes["env"], capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


test_setup.__test__ = False  # a helper, not a test


def test_a_flock_lock_and_an_fcntl_lock_are_both_seen(tmp_path):
    free = tmp_path / "free"
    free.touch()
    assert holders([str(free), str(tmp_path / "absent")]) == []
    flocked = tmp_path / "flocked"
    proc = hold(flocked, 30)
    try:
        [found] = holders([str(flocked)])
        assert found.pid == proc.pid
        assert "held by process" in found.describe()
        assert "(flock)" in found.describe() or "(sleep)" in found.describe()
    finally:
        release(proc)
    # The `sleep` that inherited flock's lock dies a moment after flock (a busy machine may
    # take a while); the lock is gone once it has.
    deadline = time.monotonic() + 10
    while holders([str(flocked)]):
        assert time.monotonic() < deadline, holders([str(flocked)])
        time.sleep(0.05)
    # apt and dpkg take fcntl (POSIX) locks: another process holds this one.
    posix = tmp_path / "posix"
    posix.touch()
    script = (
        "import fcntl, os, time\n"
        f"fd = os.open({str(posix)!r}, os.O_RDWR)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(30)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        assert [h.pid for h in holders([str(posix)])] == [child.pid]
        fd = os.open(posix, os.O_RDWR)  # and it really is held: we cannot take it
        with pytest.raises(OSError, match=r"Resource temporarily unavailable|Permission denied"):
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    finally:
        child.kill()
        child.wait()


def test_setup_waits_says_so_and_gives_up_with_one_line(fakes):
    proc = hold(fakes["lock"], 60)
    try:
        started = time.monotonic()
        result = test_setup(fakes, "--lock-timeout", "2")
        took = time.monotonic() - started
    finally:
        release(proc)
    assert result.returncode == 1, result.stdout + result.stderr
    assert took >= 2
    assert "waiting for apt" in result.stdout
    assert f"held by process {proc.pid}" in result.stdout
    assert "giving up in 2 s" in result.stdout
    error = result.stderr.strip().splitlines()
    assert len(error) == 1, result.stderr
    assert error[0].startswith("test-setup: gave up after 2 s waiting for apt:")
    assert str(fakes["lock"]) in error[0]
    assert "invoke test-setup --lock-timeout" in error[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert not fakes["log"].exists(), "apt-get ran although apt was busy"


def test_setup_goes_on_when_apt_is_free_again(fakes):
    proc = hold(fakes["lock"], 1.5)
    try:
        result = test_setup(fakes, "--lock-timeout", "60")
    finally:
        release(proc)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "waiting for apt" in result.stdout
    assert "apt is free after" in result.stdout
    calls = fakes["log"].read_text().splitlines()
    assert calls[0].startswith("-o DPkg::Lock::Timeout=") and calls[0].endswith("update -qq")
    assert "install -y -qq --no-install-recommends chromium" in calls[1]
    assert "nginx" in calls[1] and "rsync" in calls[1]


def test_setup_tries_again_when_apt_get_loses_the_race(fakes):
    # apt-get refuses once, as if another program took the lock after we looked.
    once = fakes["log"].with_name("refused-once")
    (fakes["bin"] / "apt-get").write_text(
        f'#!/bin/sh\nif [ ! -e "{once}" ]; then touch "{once}"\n'
        'echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1" >&2\n'
        f'exit 100; fi\necho "$*" >> "{fakes["log"]}"\n'
    )
    result = test_setup(fakes, "--lock-timeout", "30")
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(fakes["log"].read_text().splitlines()) == 2


def test_setup_reports_a_failing_apt_get_in_one_line(fakes):
    (fakes["bin"] / "apt-get").write_text(
        '#!/bin/sh\necho "E: Unable to locate package chromium" >&2\nexit 100\n'
    )
    result = test_setup(fakes, "--lock-timeout", "5")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("test-setup: `")
    assert "Unable to locate package chromium" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_setup_rejects_a_timeout_that_is_not_a_number(fakes):
    result = test_setup(fakes, "--lock-timeout", "soon")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "test-setup: --lock-timeout 'soon' is not a number of seconds (e.g. 600)"
    )


def test_present_packages_need_no_apt(monkeypatch):
    monkeypatch.setattr(system_packages, "missing", lambda packages: [])
    said = []
    assert system_packages.ensure(["rsync"], lock_timeout=1, say=said.append) == []
    assert said == ["test-setup: system packages present: rsync"]


def test_without_root_or_sudo_it_names_the_command_to_run(monkeypatch):
    monkeypatch.setattr(system_packages, "missing", lambda packages: ["nginx"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: None)
    with pytest.raises(InstallError) as caught:
        system_packages.ensure(["nginx", "rsync"], lock_timeout=1)
    assert "sudo apt-get update && sudo apt-get install -y nginx" in str(caught.value)


def test_wait_reminds_while_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(system_packages, "REMIND_EVERY", 0.3)
    lock = tmp_path / "lock"
    proc = hold(lock, 60)
    said: list[str] = []
    try:
        with pytest.raises(AptBusyError):
            wait_for_apt(1.2, paths=[str(lock)], say=said.append, poll=0.05)
    finally:
        release(proc)
    assert said[0].startswith("test-setup: waiting for apt")
    assert any(line.startswith("test-setup: still waiting for apt") for line in said[1:])
