"""ssh target: rsync into releases/<timestamp>/, then switch the ``current`` symlink atomically.

Layout on the server (``DEPLOY_SSH_PATH``)::

    releases/20261125T024100Z/   one complete site per deploy (unchanged files hard-linked)
    releases/.partial-<name>/    an upload in progress (never served; removed by the next deploy)
    current -> releases/<name>   what nginx serves; replaced with rename(2), so readers see the
                                 old release or the new one, never a mix

Card images (``og/`` by default) are carried forward: each new release starts with hard links to
the previous release's card files, and rsync is told never to delete them.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from . import children
from .config import TargetConfig
from .errors import PostCommandError, TargetError
from .gate import Gate
from .plan import Plan, is_kept
from .ssh_errors import connection_error

RELEASE_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d{2})?$")
POST_COMMAND_HINT = (
    "Readers get the new release; what the command does (e.g. reloading nginx's redirects) "
    "has not happened. Fix it and run it by hand, or invoke rollback."
)


class SshTarget:
    """Deploy to a web server over SSH with rsync."""

    name = "ssh"

    def __init__(self, cfg: TargetConfig) -> None:
        self.cfg = cfg
        self.base = cfg["path"].rstrip("/")
        self.login = f"{cfg['user']}@{cfg['host']}"
        # One SSH connection for the whole publish (about ten commands): a private
        # ControlMaster socket, closed by close().
        self._control = children.scratch("sharewell-ssh-")
        self._lock: subprocess.Popen | None = None

    def lock(self) -> None:
        """Hold ``<path>/.publish.lock`` (flock) for this publish; refuse if another holds it.

        The lock lives in a remote ``flock ... cat`` fed by our stdin: when this process ends,
        even killed, the SSH session closes, ``cat`` sees EOF and the lock is released, so a
        crashed publish never leaves a stale lock behind.
        """
        lockfile = shlex.quote(f"{self.base}/.publish.lock")
        hold = shlex.quote("echo locked; cat >/dev/null")
        script = (
            f"umask 022; mkdir -p {shlex.quote(self.base)} && if command -v flock >/dev/null; "
            f"then exec flock -n {lockfile} sh -c {hold}; else sh -c {hold}; fi"
        )
        try:
            self._lock = children.popen(
                [*self.ssh_command(), self.login, f"sh -c {shlex.quote(script)}"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError:
            raise TargetError("ssh is not installed on this machine.") from None
        if self._lock.stdout.readline().strip() != "locked":
            lock, self._lock = self._lock, None
            lock.stdin.close()
            try:
                lock.wait(timeout=15)
                stderr = lock.stderr.read()
            finally:
                children.stop(lock)
            failure = connection_error(stderr, self.cfg) if lock.returncode == 255 else None
            raise failure or TargetError(
                f"Another publish or rollback to {self.login}:{self.base} is running.",
                [f"Wait for it to finish ({self.base}/.publish.lock), then try again."],
            )

    def unlock(self) -> None:
        """Release the publish lock."""
        if self._lock is not None:
            self._lock.stdin.close()
            try:
                self._lock.wait(timeout=15)
            except subprocess.TimeoutExpired:
                children.stop(self._lock)
            self._lock.stdout.close()
            self._lock.stderr.close()
            self._lock = None

    def close(self) -> None:
        """Release the lock and close the shared SSH connection."""
        self.unlock()
        try:
            children.run([*self.ssh_command(), "-O", "exit", self.login])
        finally:
            shutil.rmtree(self._control, ignore_errors=True)

    # -- plumbing -------------------------------------------------------------------------
    def ssh_command(self) -> list[str]:
        """Return the ssh command (without host) used for remote commands and by rsync."""
        command = ["ssh", "-p", str(self.cfg["port"]), "-o", "BatchMode=yes"]
        command += ["-o", "ControlMaster=auto", "-o", f"ControlPath={self._control}/cm"]
        command += ["-o", "ControlPersist=60"]
        # Bounded waits: a server that accepts TCP but never answers, or stops answering
        # mid-upload, is a clear error after these, never a silent hang.
        command += ["-o", f"ConnectTimeout={self.cfg['connect_timeout']}"]
        command += ["-o", f"ServerAliveInterval={self.cfg['alive_interval']}"]
        command += ["-o", f"ServerAliveCountMax={self.cfg['alive_count']}"]
        if self.cfg["key"]:
            command += ["-i", self.cfg["key"], "-o", "IdentitiesOnly=yes"]
        return command + shlex.split(self.cfg["options"])

    def run(self, script: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a POSIX shell script on the server (umask 022: the web server reads the files)."""
        script = f"umask 022; {script}"
        command = [*self.ssh_command(), self.login, f"sh -c {shlex.quote(script)}"]
        try:
            proc = children.run(command)
        except FileNotFoundError:
            raise TargetError("ssh is not installed on this machine.") from None
        if proc.returncode == 255:
            failure = connection_error(proc.stderr, self.cfg)
            if failure is not None:
                raise failure
        if check and proc.returncode != 0:
            raise TargetError(
                f"Command on {self.login} failed (exit {proc.returncode}):",
                [line for line in proc.stderr.strip().splitlines()[-10:] if line]
                or ["(no error output)"],
            )
        return proc

    def state(self) -> tuple[str | None, list[str]]:
        """Return (current release name or None, sorted release names) on the server."""
        base = shlex.quote(self.base)
        proc = self.run(
            f"cd {base} 2>/dev/null || exit 0; "
            'if [ -L current ]; then printf "current=%s\\n" "$(readlink current)"; '
            'elif [ -e current ]; then echo "current-not-a-link"; fi; '
            "ls -1 releases 2>/dev/null || true"
        )
        current = None
        releases = []
        for line in proc.stdout.splitlines():
            if line == "current-not-a-link":
                raise TargetError(
                    f"{self.base}/current on {self.login} is not a symlink made by publish.",
                    [
                        "Move that site into releases/<YYYYmmddTHHMMSSZ>/, symlink current to it,",
                        "or publish to a new DEPLOY_SSH_PATH.",
                    ],
                )
            if line.startswith("current="):
                link = line.removeprefix("current=").strip()
                current = link.rstrip("/").rsplit("/", 1)[-1] or None
                if current and not RELEASE_NAME.match(current):
                    raise TargetError(
                        f"current on {self.login} points to {link!r}, not to a release.",
                        ["Point it at releases/<name> (see invoke rollback --to NAME)."],
                    )
            elif RELEASE_NAME.match(line.strip()):
                releases.append(line.strip())
        return current, sorted(releases)

    def fetch_manifest(self, name: str) -> str | None:
        """Return the text of ``current/<name>`` or None when nothing is published yet."""
        path = shlex.quote(f"{self.base}/current/{name}")
        proc = self.run(f"if [ -f {path} ]; then cat {path}; else exit 3; fi", check=False)
        if proc.returncode == 3:
            return None
        if proc.returncode != 0:
            raise TargetError(
                f"Could not read {name} on {self.login} (ssh exit {proc.returncode}):",
                [proc.stderr.strip() or "(no error output)"],
            )
        return proc.stdout

    def fetch_tree(self, prefix: str, dest: Path) -> None:
        """Download ``current/<prefix>`` into ``dest`` (the live search index, for reuse)."""
        dest.mkdir(parents=True, exist_ok=True)
        source = f"{self.login}:{self.base}/current/{prefix.strip('/')}/"
        command = [self.cfg["rsync"], "-rlc", "-e", shlex.join(self.ssh_command()), source]
        proc = children.run([*command, f"{dest}/"])
        if proc.returncode != 0:
            raise TargetError(f"rsync from {self.login} failed:", proc.stderr.splitlines()[-5:])

    def _rsync(
        self, source: Path, dest: str, extra: list[str], protect: bool = True
    ) -> subprocess.CompletedProcess:
        command = [
            self.cfg["rsync"],
            "-rlpc",  # checksums, not mtimes: Pelican rewrites every file on each build
            "--delete",
            "--chmod=D755,F644",  # dirs 755, files 644: nginx workers (www-data) must read them
            "-e",
            shlex.join(self.ssh_command()),
            *[f"--filter=P /{p.rstrip('/')}/***" for p in self.cfg.keep_prefixes if protect],
            *extra,
            *shlex.split(self.cfg["rsync_options"]),
            f"{source}/",
            f"{self.login}:{dest}/",
        ]
        try:
            proc = children.run(command)
        except FileNotFoundError:
            raise TargetError(f"{self.cfg['rsync']} is not installed on this machine.") from None
        failure = connection_error(proc.stderr, self.cfg) if proc.returncode else None
        if failure is not None:
            raise failure
        return proc

    # -- plan / deploy / rollback ---------------------------------------------------------
    def plan(self, output: Path) -> Plan:
        """Compare the build with the current release (rsync --dry-run --itemize-changes)."""
        current, _ = self.state()
        plan = Plan(self.name, f"{self.login}:{self.base}")
        local = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
        if current is None:
            plan.upload = local
            return plan
        # Without the protect filter, so card images missing from the build show up (as kept).
        proc = self._rsync(
            output, f"{self.base}/current", ["--dry-run", "--itemize-changes"], protect=False
        )
        if proc.returncode != 0:
            raise TargetError("rsync --dry-run failed:", proc.stderr.strip().splitlines()[-10:])
        touched = set()
        for line in proc.stdout.splitlines():
            if line.startswith("*deleting"):
                rel = line.split(None, 1)[1].strip()
                if not rel.endswith("/"):
                    (plan.keep if is_kept(rel, self.cfg.keep_prefixes) else plan.remove).append(rel)
            elif len(line) > 12 and line[1] == "f" and line[0] in "<>":
                rel = line[12:].strip()
                touched.add(rel)
                (plan.upload if line[2:11] == "+++++++++" else plan.change).append(rel)
        plan.unchanged = len(set(local) - touched)
        return plan

    def _new_release_name(self, releases: list[str]) -> str:
        name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        candidate, number = name, 0
        while candidate in releases:
            number += 1
            candidate = f"{name}-{number:02d}"
        return candidate

    def deploy(self, output: Path, plan: Plan | None = None, gate: Gate | None = None) -> str:
        """Upload a new release and switch ``current`` to it; return the release name.

        Everything from here to the switch happens under the publish lock, and the removal
        gate is asked again under it: the manifest compared is the one replaced.
        """
        self.lock()
        current, releases = self.state()
        if gate is not None:
            gate.recheck()
        name = self._new_release_name(releases)
        base = shlex.quote(self.base)
        partial = f"releases/.partial-{name}"
        carry = self.carry_script(partial, releases)
        self.run(
            f"set -e; mkdir -p {base}/releases; cd {base}; rm -rf releases/.partial-*; "
            f"mkdir {partial}; {carry}"
        )
        link_dest = [f"--link-dest=../{current}"] if current else []
        proc = self._rsync(output, f"{self.base}/{partial}", link_dest)
        if proc.returncode != 0:
            raise TargetError(
                f"rsync to {self.login} failed (exit {proc.returncode}); "
                "the live site is unchanged:",
                proc.stderr.strip().splitlines()[-10:],
            )
        doomed = self.doomed([*releases, name], keep_also=name)
        # One round trip: promote the upload, switch atomically, prune, post-command.
        script = f"set -e; cd {base}; mv -T {partial} releases/{name}; {self.switch_script(name)}"
        if doomed:
            script += "; rm -rf " + " ".join(f"releases/{r}" for r in doomed)
        self.run(script)
        self.post_command(name)
        return name

    def post_command(self, live: str) -> None:
        """Run DEPLOY_SSH_POST_COMMAND after a switch; its failure is not a failed switch."""
        if not self.cfg["post_command"]:
            return
        proc = self.run(f"cd {shlex.quote(self.base)}; {self.cfg['post_command']}", check=False)
        if proc.returncode != 0:
            raise PostCommandError(
                f"Release {live} is live on {self.login}:{self.base}, but "
                f"DEPLOY_SSH_POST_COMMAND failed (exit {proc.returncode}):",
                [
                    *[line for line in proc.stderr.strip().splitlines()[-8:] if line],
                    POST_COMMAND_HINT,
                ],
            )

    def carry_script(self, partial: str, releases: list[str], skip: str = "") -> str:
        """Return shell commands hard-linking every kept file of every release into ``partial``.

        Card images are carried from *all* releases on the server, newest first, not only from
        ``current``: after a rollback, ``current`` lacks the cards of the newer releases, and
        pruning those would delete cards that had been live. Every release therefore holds
        every card any release ever had, so pruning never loses one. rsync (already needed on
        the server) hard-links (``--link-dest``) and skips names already carried.
        """
        q = shlex.quote
        commands = []
        for release in sorted(releases, reverse=True):
            if release == skip or not RELEASE_NAME.match(release):
                continue
            for prefix in (k.strip("/") for k in self.cfg.keep_prefixes):
                source = f"releases/{release}/{prefix}"
                target = f"{partial}/{prefix}"
                commands.append(
                    f"if [ -d {q(source)} ]; then mkdir -p {q(target)} && "
                    f'rsync -a --ignore-existing --link-dest="$PWD"/{q(source)} '
                    f"{q(source + '/')} {q(target + '/')}; fi;"
                )
        return " ".join(commands)

    def switch_script(self, name: str) -> str:
        """Return shell commands (run in the base dir) pointing ``current`` at ``name``."""
        if not RELEASE_NAME.match(name):
            raise TargetError(f"{name!r} is not a release name.")
        tmp = f".current-{name}"
        # rename(2) over the old link is atomic: readers see one release or the other.
        return (
            f"test -d releases/{name}; rm -f {tmp}; "
            f"ln -s releases/{name} {tmp}; mv -T {tmp} current"
        )

    def doomed(self, releases: list[str], keep_also: str) -> list[str]:
        """Return releases to delete: all but the newest ``keep_releases`` (never ``keep_also``)."""
        keep = set(sorted(releases)[-self.cfg["keep_releases"] :]) | {keep_also}
        return [r for r in sorted(releases) if r not in keep]

    def rollback(self, to: str | None = None) -> tuple[str, str]:
        """Switch ``current`` to the release before it (or ``to``); return (from, to)."""
        self.lock()
        current, releases = self.state()
        if current is None:
            raise TargetError(f"Nothing is published on {self.login}:{self.base}.")
        if to is None:
            older = [r for r in releases if r < current]
            if not older:
                raise TargetError(
                    f"No release older than {current} on the server.",
                    [f"Releases: {', '.join(releases) or 'none'}"],
                )
            to = older[-1]
        elif to not in releases:
            raise TargetError(
                f"Release {to!r} is not on the server.", [f"Releases: {', '.join(releases)}"]
            )
        # The release going live gets every card of the newer ones first: posts shared while
        # they were live keep their previews after the rollback.
        carry = self.carry_script(f"releases/{to}", releases, skip=to)
        script = f"set -e; cd {shlex.quote(self.base)}; {carry} {self.switch_script(to)}"
        self.run(script)
        self.post_command(to)
        return current, to
