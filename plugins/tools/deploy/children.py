"""Child processes (build, ssh, rsync, git) that never outlive publish, and scratch folders
that never outlive it for long.

Every child runs in its own process group and, through util-linux's ``setpriv --pdeathsig``,
is told by the kernel to die with its parent: a publish stopped by SIGINT or SIGTERM stops the
whole group of each child (rsync *and* the ssh it started) before it unwinds; one killed by
SIGKILL, which runs no code at all, still takes its children with it (rsync's own ssh then
sees its pipes close and exits). Its scratch folders carry an owner file, so
the next publish removes those of publishes that no longer run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

OWNER_FILE = ".sharewell-owner"
PREFIXES = ("sharewell-publish-", "sharewell-ssh-", "sharewell-ghpages-")
# Not a preexec_fn: forking a threaded process (boto3, test servers) must not run Python.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


def popen(command: list[str], **kwargs) -> subprocess.Popen:
    """Start a child in its own process group that dies with this process."""
    if not shutil.which(command[0]):
        raise FileNotFoundError(command[0])
    return subprocess.Popen([*_DIE_WITH_PARENT, *command], start_new_session=True, **kwargs)


def stop(process: subprocess.Popen, grace: float = 3.0) -> None:
    """Stop a child's whole process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(command: list[str], *, text: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(capture_output=True)``, stopping the child's group on any exit."""
    process = popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text, **kwargs)
    try:
        stdout, stderr = process.communicate()
    except BaseException:  # KeyboardInterrupt, SystemExit: never leave rsync uploading
        stop(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _start_time(pid: int) -> str:
    try:
        # Field 22 of /proc/<pid>/stat: when the process started (so a reused pid differs).
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def scratch(prefix: str) -> Path:
    """Create a private temporary folder owned by this process (see ``sweep``)."""
    base = tempfile.gettempdir()
    if prefix == "sharewell-ssh-" and len(base) > 60 and Path("/tmp").is_dir():  # noqa: S108
        base = "/tmp"  # noqa: S108 - Unix socket paths are limited to about 100 bytes
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    pid = os.getpid()
    (folder / OWNER_FILE).write_text(f"{pid} {_start_time(pid)}\n", encoding="utf-8")
    return folder


def _owner_alive(folder: Path) -> bool:
    try:
        pid_text, _, started = (folder / OWNER_FILE).read_text().strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        # No owner file: being created right now, or not ours. Leave young ones alone.
        try:
            return time.time() - folder.stat().st_mtime < 3600
        except OSError:
            return True
    if not Path(f"/proc/{pid}").exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir()
    return _start_time(pid) == started


def sweep() -> list[Path]:
    """Remove scratch folders of publishes that no longer run (killed with SIGKILL)."""
    removed = []
    bases = {Path(tempfile.gettempdir()), Path("/tmp")}  # noqa: S108
    for base in bases:
        with contextlib.suppress(OSError):
            for folder in base.iterdir():
                ours = folder.name.startswith(PREFIXES) and folder.is_dir()
                if ours and not _owner_alive(folder):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    return removed
