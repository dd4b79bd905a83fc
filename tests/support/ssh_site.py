"""Fixtures for the ssh target's tests: real sshd, deploy user, www-data nginx, a publish helper.

Bind the fixtures in a test module: ``site, sshd = ssh_site.site, ssh_site.sshd`` (and
``accounts``, ``srv_root``, which they use).
After every publish and rollback, ``SshSite`` checks the nginx configuration with ``nginx -t``,
reloads nginx (what ``sudo systemctl reload nginx`` does in production: the deploy user may
not signal a root nginx) and asserts that every page of the live release answers as promised.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tools.deploy.cli import publish, rollback

from .servers import (
    IS_ROOT,
    NginxServer,
    SshServer,
    deploy_account,
    missing_binaries,
    served_root,
    server_base,
    web_account,
)
from .site import FIXTURE_CONFIG, assert_site_served, copy_fixture

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
MISSING = missing_binaries()


def skip_without_servers() -> None:
    """Skip the calling module outside CI when sshd, nginx or rsync are missing."""
    if MISSING and not IN_CI:
        pytest.skip(
            f"needs {', '.join(MISSING)} (run `invoke test-setup`)", allow_module_level=True
        )


class SshSite:
    """One server base dir with nginx serving its ``current``, and publish/rollback helpers."""

    def __init__(self, base: Path, content: Path, nginx: NginxServer, env: dict) -> None:
        self.base = base
        self.content = content
        self.nginx = nginx
        self.env = env
        self.overrides = {"SITEURL": nginx.url, "FEED_DOMAIN": nginx.url}

    def publish(
        self, *, env: dict | None = None, content: Path | None = None, check=True, **kwargs
    ):
        """Publish the fixture content; check every page when something went live."""
        result = publish(
            "ssh",
            config=FIXTURE_CONFIG,
            content=content or self.content,
            overrides=self.overrides,
            environ={**self.env, **(env or {})},
            **kwargs,
        )
        if check and not result.dry_run:
            self.check_served()
        return result

    def rollback(self, **kwargs):
        """Roll back; check every page of the release now live."""
        result = rollback("ssh", config=FIXTURE_CONFIG, environ=self.env, **kwargs)
        self.check_served()
        return result

    def check_served(self) -> int:
        """nginx -t, reload, then every file of ``current`` answers as promised."""
        proc = subprocess.run(
            self.nginx.command("-t"),
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        self.nginx.reload()
        return assert_site_served(self.nginx, self.base / "current")

    def live(self) -> str:
        """Return the release ``current`` points to."""
        return (self.base / "current").readlink().name

    def releases(self) -> list[str]:
        """Return the release names on the server (no partial uploads)."""
        folder = self.base / "releases"
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.fixture(scope="module")
def accounts():
    """(deploy account, nginx worker account or None)."""
    if MISSING:
        pytest.fail(f"missing in CI: {', '.join(MISSING)} (install via `invoke test-setup`)")
    return deploy_account(), web_account()


@pytest.fixture(scope="module")
def srv_root():
    """A /tmp folder anyone may traverse, holding every served base dir of the module."""
    root = served_root()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def sshd(tmp_path_factory, accounts):
    """sshd letting in only the deploy account."""
    with SshServer(tmp_path_factory.mktemp("sshd"), accounts[0]) as server:
        yield server


@pytest.fixture
def site(request, tmp_path, sshd, srv_root, accounts):
    """An empty base dir owned by the deploy user, served by a www-data nginx."""
    name = request.node.name.replace("[", "-").replace("]", "")[:60]
    base = server_base(srv_root, name, accounts[0])
    content = copy_fixture(tmp_path / "content")
    with NginxServer(tmp_path / "nginx", base, accounts[1]) as nginx:
        env = sshd.env(base, DEPLOY_SSH_KEEP_RELEASES="2")
        yield SshSite(base, content, nginx, env)
    shutil.rmtree(base, ignore_errors=True)


__all__ = ["IS_ROOT", "SshSite", "accounts", "site", "skip_without_servers", "srv_root", "sshd"]
