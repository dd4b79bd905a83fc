"""Real servers on 127.0.0.1 for the deploy tests: sshd, nginx and moto's S3.

Each server runs from a temporary directory with its own config, on a free high port, and is
stopped by ``stop()`` (or by leaving the ``with`` block). sshd and nginx need root here (CI and
the dev machines run as root); the helpers only ever bind 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

# tests/support/servers.py -> the repository (test code only; tools get paths as arguments).
REPO = Path(__file__).resolve().parents[2]
SSHD = "/usr/sbin/sshd"
NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"


FIXTURE = REPO / "tests" / "fixtures" / "deploy"
FIXTURE_CONFIG = FIXTURE / "publishconf.py"


def copy_fixture(destination: Path) -> Path:
    """Copy the tiny deploy fixture site's content/ so a test can change it."""
    shutil.copytree(FIXTURE / "content", destination)
    return destination


def snapshot(root: Path) -> dict[str, tuple]:
    """Return every path under ``root`` with its kind, inode, size, mtime and link target."""
    result: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        link = str(path.readlink()) if path.is_symlink() else ""
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        result[path.relative_to(root).as_posix()] = (
            stat.st_mode,
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
            link,
            hashlib.sha256(data).hexdigest(),
        )
    return result


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_binaries() -> list[str]:
    """Return the tools the end-to-end tests need that this machine lacks."""
    needed = {"sshd": SSHD, "nginx": NGINX, "rsync": "rsync", "ssh": "ssh", "git": "git"}
    needed["ssh-keygen"] = "ssh-keygen"
    return [name for name, path in needed.items() if not shutil.which(path)]


def wait_for_port(port: int, timeout: float = 10.0, process=None) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class _Server:
    process: subprocess.Popen | None = None

    def stop(self) -> None:
        """Stop the server process (and wait for it)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SshServer(_Server):
    """sshd on 127.0.0.1 accepting one generated key for the current user."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.user = (
            os.environ.get("USER")
            or subprocess.run(
                ["id", "-un"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
        self.host_key = workdir / "host_ed25519"
        self.user_key = workdir / "user_ed25519"
        for key in (self.host_key, self.user_key):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True
            )
        (workdir / "authorized_keys").write_text(
            self.user_key.with_suffix(".pub").read_text(), encoding="utf-8"
        )
        config = workdir / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {workdir / 'sshd.pid'}",
                    f"AuthorizedKeysFile {workdir / 'authorized_keys'}",
                    "PermitRootLogin yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "LogLevel ERROR",
                    # Sessions of a killed client end within seconds, not at TCP timeout.
                    "ClientAliveInterval 2",
                    "ClientAliveCountMax 2",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
        self.log = (workdir / "sshd.log").open("w")
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_for_port(self.port, process=self.process)

    @property
    def ssh_options(self) -> str:
        """Return ssh options trusting the throwaway host key without a known_hosts file."""
        return "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"

    def env(self, base: Path, **extra: str) -> dict[str, str]:
        """Return DEPLOY_SSH_* variables for publishing into ``base``."""
        values = {
            "DEPLOY_SSH_HOST": "127.0.0.1",
            "DEPLOY_SSH_PORT": str(self.port),
            "DEPLOY_SSH_USER": self.user,
            "DEPLOY_SSH_PATH": str(base),
            "DEPLOY_SSH_KEY": str(self.user_key),
            "DEPLOY_SSH_OPTIONS": self.ssh_options,
        }
        values.update(extra)
        return values

    def stop(self) -> None:
        """Stop sshd and close its log."""
        super().stop()
        self.log.close()


def nginx_maps(base: Path) -> str:
    """Return the http-context maps of deploy/nginx.conf with /srv/sharewell replaced."""
    text = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    start = text.index("# --- maps")
    end = text.index("# --- end maps ---")
    return text[start:end].replace("/srv/sharewell", str(base))


class NginxServer(_Server):
    """nginx on 127.0.0.1 serving ``<base>/current`` with deploy/sharewell-site.conf."""

    def __init__(self, workdir: Path, base: Path) -> None:
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        site = REPO / "deploy" / "sharewell-site.conf"
        temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        self.config = workdir / "nginx.conf"
        self.config.write_text(
            f"""user root;
worker_processes 1;
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    {nginx_maps(base)}
    server {{
        listen 127.0.0.1:{self.port};
        server_name localhost;
        root {base / "current"};
        include {site};
    }}
}}
""",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [NGINX, "-p", str(workdir), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def reload(self) -> None:
        """Re-read the configuration (and the redirects map)."""
        subprocess.run(
            [NGINX, "-p", str(self.dir), "-c", str(self.config), "-s", "reload"], check=True
        )
        time.sleep(0.3)

    def get(self, path: str, headers: dict[str, str] | None = None):
        """Return (status, headers, body bytes) for GET path, without following redirects."""

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()


class MotoS3Server(_Server):
    """moto's S3 (and CloudFront) in server mode on 127.0.0.1."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the moto server."""
        self._server.stop()
