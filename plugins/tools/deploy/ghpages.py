"""gh-pages target: ghp-import the site onto a branch of a git remote, keeping old card images.

Works in a throwaway repository: the remote branch is fetched (shallow), card images of the
previous commit are merged into the new tree, and ghp-import commits on top of the fetched tip
and pushes (a fast-forward: a concurrent publish makes the push fail instead of losing work).
``rollback`` publishes an earlier commit's tree again as a new commit, keeping every card.
Precompressed twins (.gz/.br/.zst) are left out: GitHub Pages compresses by itself.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

from . import children
from .config import TargetConfig
from .errors import ConfigError, TargetError
from .gate import RACE_HINT, Gate
from .plan import COMPRESSED_SUFFIXES, Plan, git_blob_sha

REMOTE = "publish-target"


class GhPagesTarget:
    """Publish to a git branch with ghp-import."""

    name = "gh-pages"

    def __init__(self, cfg: TargetConfig) -> None:
        if importlib.util.find_spec("ghp_import") is None:  # before the build, not after it
            raise ConfigError(
                "The gh-pages target needs ghp-import, which the `deploy` extra installs.",
                ["pip install -e '.[deploy]'  (from the project folder, in its environment)"],
            )
        self.cfg = cfg
        self.branch = cfg["branch"]
        self.repo: Path | None = None
        self.tip: str | None = None

    def _git(
        self, *args: str, check: bool = True, cwd: Path | None = None, env: dict | None = None
    ) -> str:
        command = ["git", *args]
        try:
            proc = children.run(command, cwd=cwd or self._repo(), env=env)
        except FileNotFoundError:
            raise TargetError("git is not installed on this machine.") from None
        if check and proc.returncode != 0:
            raise TargetError(
                f"git {args[0]} failed for {self.cfg['remote']}:",
                proc.stderr.strip().splitlines()[-8:] or ["(no error output)"],
            )
        return proc.stdout

    def _repo(self) -> Path:
        """Create (once) the throwaway repository and fetch the remote branch tip."""
        if self.repo is not None:
            return self.repo
        self.repo = children.scratch("sharewell-ghpages-")
        self._git("init", "-q", cwd=self.repo)
        self._git("remote", "add", REMOTE, self.cfg["remote"])
        self._fetch_tip()
        if not self._git("config", "user.name", check=False).strip():
            self._git("config", "user.name", "Sharewell publisher")
        if not self._git("config", "user.email", check=False).strip():
            self._git("config", "user.email", "publisher@localhost")
        return self.repo

    def _fetch_tip(self) -> None:
        """Fetch the branch tip (shallow) into the throwaway repository."""
        heads = self._git("ls-remote", "--heads", REMOTE, self.branch)
        if heads.strip():
            ref = f"refs/remotes/{REMOTE}/{self.branch}"
            self._git("fetch", "-q", "--depth=1", REMOTE, f"+refs/heads/{self.branch}:{ref}")
            self.tip = self._git("rev-parse", ref).strip()

    def close(self) -> None:
        """Delete the throwaway repository."""
        if self.repo is not None:
            shutil.rmtree(self.repo, ignore_errors=True)
            self.repo = None

    def fetch_manifest(self, name: str) -> str | None:
        """Return the manifest text on the published branch, or None."""
        self._repo()
        if self.tip is None:
            return None
        listed = self._git("ls-tree", "--name-only", self.tip, "--", name).strip()
        return self._git("show", f"{self.tip}:{name}") if listed else None

    def _remote_files(self) -> dict[str, str]:
        self._repo()
        if self.tip is None:
            return {}
        files = {}
        for line in self._git("ls-tree", "-r", "-z", self.tip).split("\0"):
            if line.strip():
                meta, path = line.split("\t", 1)
                files[path] = meta.split()[2]
        return files

    def _blob(self, blob: str, rel: str) -> bytes:
        proc = children.run(["git", "cat-file", "blob", blob], cwd=self._repo(), text=False)
        if proc.returncode != 0:
            raise TargetError(f"Could not read {rel} from the published branch.")
        return proc.stdout

    def fetch_tree(self, prefix: str, dest: Path) -> None:
        """Write the branch tip's files under ``prefix`` into ``dest`` (for reuse)."""
        for rel, blob in self._remote_files().items():
            if rel.startswith(prefix):
                path = dest / rel[len(prefix) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(self._blob(blob, rel))

    def stage(self, output: Path) -> Path:
        """Return a copy of the site to commit: no compressed twins, old card images merged."""
        stage = self._repo() / "stage"
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(
            output, stage, ignore=shutil.ignore_patterns(*(f"*{s}" for s in COMPRESSED_SUFFIXES))
        )
        (stage / ".nojekyll").touch()
        if self.cfg["cname"]:
            (stage / "CNAME").write_text(self.cfg["cname"].strip() + "\n", encoding="utf-8")
        remote = self._remote_files()
        for rel in remote:
            if (
                any(rel.startswith(p) for p in self.cfg.keep_prefixes)
                and not (stage / rel).exists()
            ):
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                (stage / rel).write_bytes(self._blob(remote[rel], rel))
        return stage

    def plan(self, output: Path) -> Plan:
        """Compare the staged tree with the branch tip by git blob ids."""
        stage = self.stage(output)
        local = {
            p.relative_to(stage).as_posix(): git_blob_sha(p)
            for p in stage.rglob("*")
            if p.is_file()
        }
        return Plan.compare(
            self.name,
            f"{self.cfg['remote']} ({self.branch})",
            local,
            self._remote_files(),
            self.cfg.keep_prefixes,
        )

    def deploy(self, output: Path, plan: Plan | None = None, gate: Gate | None = None) -> str:
        """Commit the staged tree on the branch and push it; return the new commit id.

        The commit's parent is the tip whose manifest the gate read, and the push is a
        fast-forward: if another publish moved the branch meanwhile, git refuses it (the
        branch tip is the lock). ``gate`` is asked again first, so that refusal is explained.
        """
        plan = plan or self.plan(output)
        if plan.empty:
            return self.tip or ""
        heads = self._git("ls-remote", "--heads", REMOTE, self.branch).split()
        if (heads[0] if heads else None) != self.tip:
            self._fetch_tip()
            if gate is not None:
                gate.recheck()  # says which URLs the other publish added, if any
            raise TargetError(
                f"{self.cfg['remote']} ({self.branch}) changed while this publish was building.",
                [RACE_HINT],
            )
        stage = self._repo() / "stage"
        command = [sys.executable, "-m", "ghp_import", "-m", self.cfg["message"]]
        command += ["-b", self.branch, "-r", REMOTE, "-p", str(stage)]
        proc = children.run(command, cwd=self._repo())
        if proc.returncode != 0:
            raise TargetError(
                f"ghp-import could not publish to {self.cfg['remote']} ({self.branch}):",
                [
                    *(proc.stderr or proc.stdout).strip().splitlines()[-8:],
                    "If someone else published meanwhile, run publish again.",
                ],
            )
        return self._git("rev-parse", f"refs/heads/{self.branch}").strip()

    def rollback(self, to: str | None = None) -> tuple[str, str]:
        """Publish an earlier commit's site again, as a new commit; return (from, to).

        Rolling back is rolling forward: the branch gets a new commit (a fast-forward, so the
        history stays and a concurrent publish is refused) whose tree is the earlier commit's,
        plus every card image of the current tip, so no card that has been live disappears.
        ``to`` is a commit of the branch (default: the one before the tip).
        """
        self._repo()
        if self.tip is None:
            raise TargetError(f"Nothing is published on {self.cfg['remote']} ({self.branch}).")
        ref = f"refs/remotes/{REMOTE}/{self.branch}"
        self._git("fetch", "-q", "--depth=200", REMOTE, f"+refs/heads/{self.branch}:{ref}")
        wanted = to or f"{self.tip}^"
        target = self._git("rev-parse", "--verify", "-q", f"{wanted}^{{commit}}", check=False)
        target = target.strip()
        ancestor = target and children.run(
            ["git", "merge-base", "--is-ancestor", target, self.tip], cwd=self._repo()
        )
        if not target or ancestor.returncode != 0 or target == self.tip:
            recent = self._git("log", "--format=%h %s (%cr)", "-n", "5", self.tip).splitlines()
            raise TargetError(
                f"{wanted!r} is not an earlier commit of {self.branch}.",
                ["Recent commits:", *recent],
            )
        # A private index: the new tree is the earlier commit's plus the tip's card images.
        env = {**os.environ, "GIT_INDEX_FILE": str(self._repo() / "rollback.index")}
        self._git("read-tree", target, env=env)
        present = set(self._git("ls-files", env=env).splitlines())
        for rel, blob in self._remote_files().items():
            if any(rel.startswith(p) for p in self.cfg.keep_prefixes) and rel not in present:
                self._git("update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=env)
        tree = self._git("write-tree", env=env).strip()
        short = target[:12]
        message = f"{self.cfg['message']}: roll back to {short} (card images kept)"
        commit = self._git("commit-tree", tree, "-p", self.tip, "-m", message, env=env).strip()
        self._git("push", "-q", REMOTE, f"{commit}:refs/heads/{self.branch}")
        previous, self.tip = self.tip, commit
        return previous[:12], short
