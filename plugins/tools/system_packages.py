"""Install Debian packages, waiting for apt when the machine is busy: ``invoke test-setup``.

A fresh machine is often still installing packages at boot (cloud-init, unattended-upgrades)
when the README's second command runs; apt then refuses with "Could not get lock
/var/lib/dpkg/lock-frontend". Instead of failing, we wait for apt's locks with a message
naming who holds them, and give up after a bounded time with one line that says what to do.

Locks are read from ``/proc/locks`` (readable by every user, and it lists both the fcntl locks
apt takes and ``flock`` locks), so checking needs no root. ``SHAREWELL_APT_LOCKS`` (paths
separated by ``:``) replaces the list of lock files, for tests and unusual systems.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# The locks apt-get and dpkg take, in the order apt takes them.
APT_LOCKS = (
    "/var/lib/dpkg/lock-frontend",
    "/var/lib/dpkg/lock",
    "/var/lib/apt/lists/lock",
    "/var/cache/apt/archives/lock",
)
# System packages the test suite drives for real (browser, deploy targets).
TEST_PACKAGES = [
    "chromium",
    "fonts-liberation",  # metric-stable fonts, so page layout in the browser tests is repeatable
    "rsync",
    "openssh-server",
    "openssh-client",
    "nginx",
    "openssl",
    "git",
]
DEFAULT_LOCK_TIMEOUT = 300  # seconds: boot-time package runs usually finish well within this
REMIND_EVERY = 15  # seconds between "still waiting" lines
LOCK_REFUSALS = ("Could not get lock", "Unable to acquire the dpkg frontend lock", "Unable to lock")


class InstallError(Exception):
    """apt-get ran and failed (or cannot run here); the message says what to do."""


class AptBusyError(InstallError):
    """apt's locks stayed held past the timeout."""


@dataclass(frozen=True)
class Holder:
    """Who holds a lock file."""

    path: str
    pid: int | None

    def describe(self) -> str:
        if not self.pid:
            return f"{self.path} is locked"
        try:
            name = Path(f"/proc/{self.pid}/comm").read_text(encoding="utf-8").strip()
        except OSError:
            name = ""
        return f"{self.path} is held by process {self.pid}" + (f" ({name})" if name else "")


def lock_files() -> list[str]:
    """Return the lock files to wait for (``SHAREWELL_APT_LOCKS`` or apt's own)."""
    configured = os.environ.get("SHAREWELL_APT_LOCKS")
    return [p for p in configured.split(os.pathsep) if p] if configured else list(APT_LOCKS)


def _proc_locks() -> dict[tuple[int, int, int], int]:
    """Return {(major, minor, inode): pid} for every lock the kernel lists."""
    held: dict[tuple[int, int, int], int] = {}
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return held
    for line in lines:
        words = line.split()  # "1: FLOCK ADVISORY WRITE <pid> <maj>:<min>:<inode> 0 EOF"
        if len(words) < 6 or words[1] == "->":  # "->": a process waiting, not holding
            continue
        try:
            major, minor, inode = words[5].split(":")
            held.setdefault((int(major, 16), int(minor, 16), int(inode)), int(words[4]))
        except ValueError:
            continue
    return held


def holders(paths: Iterable[str]) -> list[Holder]:
    """Return the lock files among ``paths`` that some process holds right now."""
    held = _proc_locks()
    found = []
    for path in paths:
        try:
            stat = Path(path).stat()
        except OSError:
            continue  # no lock file: nobody can hold it
        key = (os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino)
        if key in held:
            found.append(Holder(path, held[key]))
    return found


def wait_for_apt(
    timeout: float,
    *,
    paths: Sequence[str] | None = None,
    say: Callable[[str], None] = print,
    poll: float = 0.5,
) -> float:
    """Wait until no apt lock is held; return the seconds left (AptBusyError at the timeout)."""
    paths = lock_files() if paths is None else paths
    started = time.monotonic()
    reminded = None
    while True:
        busy = holders(paths)
        waited = time.monotonic() - started
        if not busy:
            if reminded is not None:
                say(f"test-setup: apt is free after {waited:.0f} s; going on.")
            return max(0.0, timeout - waited)
        if waited >= timeout:
            raise AptBusyError(
                f"test-setup: gave up after {timeout:.0f} s waiting for apt: "
                f"{busy[0].describe()}. Let it finish (or stop it), then run this again; "
                f"to wait longer: invoke test-setup --lock-timeout {max(60, int(timeout) * 2)}"
            )
        if reminded is None:
            say(
                f"test-setup: waiting for apt, which another program is using: "
                f"{busy[0].describe()}; giving up in {timeout:.0f} s."
            )
            reminded = waited
        elif waited - reminded >= REMIND_EVERY:
            say(f"test-setup: still waiting for apt ({waited:.0f} s of {timeout:.0f} s)...")
            reminded = waited
        time.sleep(min(poll, max(0.01, timeout - waited)))


def missing(packages: Iterable[str]) -> list[str]:
    """Return the packages dpkg does not list as installed."""
    if shutil.which("dpkg-query") is None:
        return list(packages)
    absent = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if "install ok installed" not in result.stdout:
            absent.append(package)
    return absent


def _as_root() -> list[str] | None:
    """Return the prefix that runs a command as root ([] when we are root; None: cannot)."""
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        return ["sudo", "-n"]  # passwordless sudo (CI runners): never prompts
    return None


def _apt_get(prefix: list[str], args: list[str], deadline: float, say) -> None:
    """Run one apt-get command, waiting again if another program takes apt's lock first."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    while True:
        left = wait_for_apt(max(0.0, deadline - time.monotonic()), say=say)
        # Between our check and apt-get's own, another program may take the lock: apt then
        # waits for the frontend lock itself, up to what is left of our time.
        command = [*prefix, "apt-get", "-o", f"DPkg::Lock::Timeout={int(left)}", *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        sys.stdout.write(result.stdout)
        if result.returncode == 0:
            return
        refused = any(r in result.stderr for r in LOCK_REFUSALS)
        if refused and time.monotonic() < deadline:
            time.sleep(1)  # taken and released again between our look and apt-get's
            continue
        sys.stderr.write(result.stderr)
        last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise InstallError(
            f"test-setup: `{shlex.join(command)}` failed ({last}); fix that, then run this again"
        )


def ensure(
    packages: Sequence[str], *, lock_timeout: float, say: Callable[[str], None] = print
) -> list[str]:
    """Install the missing ``packages`` with apt-get; return the ones installed."""
    absent = missing(packages)
    if not absent:
        say("test-setup: system packages present: " + ", ".join(packages))
        return []
    prefix = _as_root()
    if prefix is None:
        raise InstallError(
            "test-setup: these system packages are missing: " + " ".join(absent)
            + "\nInstall them as root, then run this again:\n"
            "  sudo apt-get update && sudo apt-get install -y " + " ".join(absent)
        )  # fmt: skip
    deadline = time.monotonic() + lock_timeout
    say("test-setup: installing " + ", ".join(absent) + " with apt-get")
    _apt_get(prefix, ["update", "-qq"], deadline, say)
    _apt_get(prefix, ["install", "-y", "-qq", "--no-install-recommends", *absent], deadline, say)
    return absent


def install_test_packages(lock_timeout: object = None) -> list[str]:
    """Install what the test suite drives (``invoke test-setup``); raise InstallError."""
    raw = lock_timeout or os.environ.get("SHAREWELL_APT_LOCK_TIMEOUT") or DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(str(raw))
    except ValueError:
        raise InstallError(
            f"test-setup: --lock-timeout {raw!r} is not a number of seconds (e.g. 600)"
        ) from None
    return ensure(TEST_PACKAGES, lock_timeout=seconds, say=lambda line: print(line, flush=True))
