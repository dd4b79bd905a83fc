"""Real servers on 127.0.0.1 for the deploy tests, run the way production runs them.

- **sshd** starts as root (as the system's sshd does) but lets in only an unprivileged deploy
  account: ``sharewell-deploy``, created with ``useradd`` when the tests run as root; as any
  other user, that user is the deploy account (it is unprivileged already) and sshd runs as it.
- **nginx**: master as root, workers as ``www-data`` (``user www-data;``, as Debian runs it), with
  ``deploy/sharewell-site.conf`` and the maps of ``deploy/nginx.conf`` included unchanged (only
  the base path ``/srv/sharewell`` is replaced). Served trees live under a folder of ``/tmp``
  that anyone may traverse (pytest's own temp folders are 0700 root), so the workers reach files
  only through the modes publish gives them.
- **ShippedNginx**: the whole shipped ``deploy/nginx.conf`` (HTTP, bare domain, www, TLS), with
  only certificate paths, ports and the base path replaced.
- **moto** in server mode for S3 and CloudFront.

Each server runs from a temporary directory on a free high port and is stopped by ``stop()``
(or by leaving its ``with`` block). Everything binds 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# tests/support/servers.py -> the repository (test code only; tools get paths as arguments).
REPO = Path(__file__).resolve().parents[2]
SSHD = "/usr/sbin/sshd"
NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
SITE_CONF = REPO / "deploy" / "sharewell-site.conf"
NGINX_CONF = REPO / "deploy" / "nginx.conf"
PRODUCTION_BASE = "/srv/sharewell"
IS_ROOT = os.geteuid() == 0
DEPLOY_USER = "sharewell-deploy"
WEB_USER = "www-data"


@dataclass(frozen=True)
class Account:
    """A local user account: who deploys, or who nginx's workers run as."""

    name: str
    uid: int
    gid: int
    home: Path


def _account(name: str) -> Account:
    entry = pwd.getpwnam(name)
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def deploy_account() -> Account:
    """Return the unprivileged account publish logs in as (created when running as root)."""
    if not IS_ROOT:
        return _account(pwd.getpwuid(os.geteuid()).pw_name)
    if not _exists(DEPLOY_USER):
        made = subprocess.run(
            ["useradd", "--system", "--create-home", "--shell", "/bin/sh", "-U", DEPLOY_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode not in (0, 9):  # 9: another test run created it meanwhile
            raise RuntimeError(f"useradd {DEPLOY_USER} failed: {made.stderr.strip()}")
    # A locked password ("!") makes sshd without PAM refuse even key logins; "*" is no
    # password at all, which is what a key-only deploy account has.
    subprocess.run(["usermod", "-p", "*", DEPLOY_USER], check=True, capture_output=True)
    return _account(DEPLOY_USER)


def web_account() -> Account | None:
    """Return the account nginx's workers run as, or None when nginx cannot switch users."""
    if not IS_ROOT:
        return None
    try:
        return _account(WEB_USER)
    except KeyError:
        return None


def served_root() -> Path:
    """Return a new folder under /tmp that every user may traverse (the caller removes it)."""
    root = Path(tempfile.mkdtemp(prefix="sharewell-srv-", dir="/tmp"))
    root.chmod(0o755)
    return root


@contextlib.contextmanager
def served_copy(site: Path) -> Iterator[Path]:
    """Yield a base dir whose ``current`` is a copy of ``site`` that nginx's workers can read.

    The copy gets the modes publish gives a release (directories 755, files 644).
    """
    root = served_root()
    try:
        release = root / "srv" / "releases" / "20260101T000000Z"
        shutil.copytree(site, release)
        for path in [root / "srv", root / "srv" / "releases", release, *release.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "srv" / "current").symlink_to(release)
        yield root / "srv"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def server_base(root: Path, name: str, owner: Account) -> Path:
    """Create ``root/name`` owned by ``owner``, mode 755: what ``install -d`` makes for publish."""
    base = root / name
    base.mkdir(mode=0o755)
    base.chmod(0o755)
    if IS_ROOT:
        os.chown(base, owner.uid, owner.gid)
    return base


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_binaries() -> list[str]:
    """Return the tools the end-to-end tests need that this machine lacks."""
    needed = {"sshd": SSHD, "nginx": NGINX, "rsync": "rsync", "ssh": "ssh", "git": "git"}
    needed["ssh-keygen"] = "ssh-keygen"
    needed["flock"] = "flock"
    needed["openssl"] = "openssl"
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
    """sshd on 127.0.0.1 that lets only ``account`` in, with one generated key."""

    def __init__(self, workdir: Path, account: Account) -> None:
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.account = account
        self.user = account.name
        self.port = free_port()
        self.host_key = workdir / "host_ed25519"
        self.user_key = workdir / "user_ed25519"
        for key in (self.host_key, self.user_key):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True
            )
        public_key = self.user_key.with_suffix(".pub").read_text(encoding="utf-8")
        if IS_ROOT:
            # As in production: the key sits in the deploy user's ~/.ssh and sshd checks its
            # modes (StrictModes). One file per test session, so parallel runs do not collide.
            ssh_dir = account.home / ".ssh"
            ssh_dir.mkdir(mode=0o700, exist_ok=True)
            os.chown(ssh_dir, account.uid, account.gid)
            self.keys_file = ssh_dir / f"authorized_keys.{uuid.uuid4().hex}"
            self.keys_file.write_text(public_key, encoding="utf-8")
            self.keys_file.chmod(0o600)
            os.chown(self.keys_file, account.uid, account.gid)
            keys_setting, strict = f".ssh/{self.keys_file.name}", "yes"
        else:
            # sshd running as this user: keep the key in our own temp folder.
            self.keys_file = workdir / "authorized_keys"
            self.keys_file.write_text(public_key, encoding="utf-8")
            keys_setting, strict = str(self.keys_file), "no"
        config = workdir / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {workdir / 'sshd.pid'}",
                    f"AuthorizedKeysFile {keys_setting}",
                    f"AllowUsers {account.name}",
                    "PermitRootLogin no",
                    f"StrictModes {strict}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "LogLevel ERROR",
                    # Sessions of a killed client end within seconds, not at TCP timeout.
                    "ClientAliveInterval 2",
                    "ClientAliveCountMax 2",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        if IS_ROOT:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
        self.log = (workdir / "sshd.log").open("w")
        # umask 077, as on hardened servers: sessions inherit it, so publish must set the
        # modes nginx's workers need itself.
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            umask=0o077,
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
        """Stop sshd, remove this session's key and close the log."""
        super().stop()
        self.keys_file.unlink(missing_ok=True)
        self.log.close()


def nginx_maps(base: Path) -> str:
    """Return the http-context maps of deploy/nginx.conf, only /srv/sharewell replaced."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    start = text.index("# --- maps")
    end = text.index("# --- end maps ---")
    return text[start:end].replace(PRODUCTION_BASE, str(base))


def nginx_accepts_map(map_file: Path, workdir: Path) -> subprocess.CompletedProcess:
    """Run ``nginx -t`` on the shipped maps and site rules with ``map_file`` as the redirects."""
    workdir.mkdir(parents=True, exist_ok=True)
    base = workdir / "base"
    base.mkdir()
    (base / "current").symlink_to(map_file.parent.resolve())
    if map_file.name != "redirects.nginx.map":
        raise ValueError("the shipped map include reads current/redirects.nginx.map")
    config = workdir / "nginx-t.conf"
    config.write_text(
        f"pid {workdir / 'nginx.pid'};\nevents {{}}\nhttp {{\ninclude {MIME_TYPES};\n"
        f"{nginx_maps(base)}\nserver {{\nlisten 127.0.0.1:{free_port()};\n"
        f"root {base / 'current'};\ninclude {SITE_CONF};\n}}\n}}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [NGINX, "-t", "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )


def _nginx_main(workdir: Path, web: Account | None, http: str) -> str:
    """Return a main nginx.conf like Debian's: master as root, workers as ``web``."""
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    user = f"user {web.name};" if web else "# not root: nginx cannot switch users"
    return f"""{user}
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
{http}
}}
"""


class _Nginx(_Server):
    dir: Path
    config: Path

    def command(self, *args: str) -> list[str]:
        """Return the nginx command line for this server's config (``-t``, ``-s reload``)."""
        return [
            NGINX,
            "-p",
            str(self.dir),
            "-e",
            str(self.dir / "error.log"),
            "-c",
            str(self.config),
            *args,
        ]

    def _start(self, ports: list[int]) -> None:
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports:
            wait_for_port(port, process=self.process)

    def reload(self) -> None:
        """Re-read the configuration and the redirect map (what `systemctl reload` does)."""
        pid_file = self.dir / "nginx.pid"
        before = self._worker_pids()
        subprocess.run(self.command("-s", "reload"), check=True, capture_output=True)
        # Reload is asynchronous: wait until the old workers are gone.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and pid_file.exists():
            if before and not before & self._worker_pids():
                return
            time.sleep(0.05)

    def _worker_pids(self) -> set[int]:
        if self.process is None:
            return set()
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return {int(pid) for pid in children.read_text().split()}
        except OSError:
            return set()

    def error_log(self) -> str:
        """Return nginx's error log so far."""
        path = self.dir / "error.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


class NginxServer(_Nginx):
    """nginx on 127.0.0.1 serving ``<base>/current`` with deploy/sharewell-site.conf.

    Its workers run as ``web`` (default: www-data when root), so ``base`` must be readable by
    that user: put it under ``served_root()`` (or use ``served_copy``), not in pytest's tmp.
    """

    def __init__(self, workdir: Path, base: Path, web: Account | None = None) -> None:
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.web = web or web_account()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        server = f"""    {nginx_maps(base)}
    server {{
        listen 127.0.0.1:{self.port};
        server_name localhost;
        root {base / "current"};
        include {SITE_CONF};
    }}"""
        self.config = workdir / "nginx.conf"
        self.config.write_text(_nginx_main(workdir, web, server), encoding="utf-8")
        self._start([self.port])

    def get(self, path: str, headers: dict[str, str] | None = None):
        """Return (status, headers, body bytes) for GET path, without following redirects."""
        return http_get(self.url + path, headers)


def http_get(url: str, headers: dict[str, str] | None = None):
    """Return (status, headers, body bytes) for GET url, without following redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def self_signed_certificate(directory: Path, names: list[str]) -> tuple[Path, Path]:
    """Write a throwaway certificate and key for ``names``; return (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = ",".join(f"DNS:{name}" for name in names)
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", f"/CN={names[0]}", "-addext", f"subjectAltName={san}"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


LIVE_CERTS = "/etc/letsencrypt/live/www.sharewell.org.uk"


def shipped_http_config(base: Path, cert: Path, key: Path, http: int, https: int) -> str:
    """Return deploy/nginx.conf with only ports, certificates and paths made local."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    replacements = {
        f"{LIVE_CERTS}/fullchain.pem": str(cert),
        f"{LIVE_CERTS}/privkey.pem": str(key),
        "/etc/nginx/snippets/sharewell-site.conf": str(SITE_CONF),
        PRODUCTION_BASE: str(base),
        "/var/www/letsencrypt": str(base / "acme"),
        "listen [::]:80;": "",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https} ssl;",
    }
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"deploy/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new)
    return text


class ShippedNginx(_Nginx):
    """The whole shipped deploy/nginx.conf on two local ports (HTTP and HTTPS)."""

    def __init__(self, workdir: Path, base: Path, web: Account | None = None) -> None:
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.http_port, self.https_port = free_port(), free_port()
        cert, key = self_signed_certificate(workdir, ["www.sharewell.org.uk", "sharewell.org.uk"])
        text = shipped_http_config(base, cert, key, self.http_port, self.https_port)
        self.config = workdir / "nginx.conf"
        self.config.write_text(_nginx_main(workdir, web, text), encoding="utf-8")
        self._start([self.http_port, self.https_port])

    def request(self, host: str, path: str = "/", *, tls: bool = True):
        """Return (status, headers, body) for GET ``path`` with ``Host: host``."""
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, timeout=10, context=context
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


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
