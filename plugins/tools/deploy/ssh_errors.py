"""What went wrong with an SSH connection, in words a publisher can act on.

ssh exits 255 for every connection failure; its last lines say which one. Each becomes a
TargetError naming the host, the port and the setting to look at, so an unreachable or frozen
server is a clear message after a bounded wait, never a silent hang.
"""

from __future__ import annotations

from .config import TargetConfig
from .errors import TargetError

NOT_SWITCHED = (
    "The live site was switched only if 'Published' was printed; otherwise the upload is left "
    "as releases/.partial-* and the next publish removes it."
)


def _lost(cfg: TargetConfig) -> tuple[str, list[str]]:
    wait = cfg["alive_interval"] * cfg["alive_count"]
    message = (
        f"The connection to {cfg['user']}@{cfg['host']} was lost: the server stopped answering "
        f"(no reply for {wait} s)."
    )
    return (
        message,
        [
            NOT_SWITCHED,
            "Check the server and the network, then publish again.",
            f"The wait is DEPLOY_SSH_ALIVE_INTERVAL × DEPLOY_SSH_ALIVE_COUNT ({wait} s).",
        ],
    )


def _unreachable(cfg: TargetConfig) -> tuple[str, list[str]]:
    wait = cfg["connect_timeout"]
    message = (
        f"Could not reach {cfg['user']}@{cfg['host']} on port {cfg['port']}: no SSH answer "
        f"within {wait} s."
    )
    return (
        message,
        [
            (
                "Check DEPLOY_SSH_HOST and DEPLOY_SSH_PORT, that sshd runs there, and that no "
                "firewall drops the connection."
            ),
            f"The wait is DEPLOY_SSH_CONNECT_TIMEOUT ({wait} s).",
        ],
    )


# (phrases in ssh's output, what it means); the first match wins.
KNOWN = [
    (
        (
            "not responding",
            "broken pipe",
            "connection reset",
            "connection unexpectedly closed",
            "closed by remote host",
        ),
        _lost,
    ),
    (("timed out",), _unreachable),
    (
        ("connection refused",),
        lambda cfg: (
            f"{cfg['host']} refused the connection on port {cfg['port']}.",
            ["Check DEPLOY_SSH_PORT and that sshd runs on the server."],
        ),
    ),
    (
        ("could not resolve hostname", "name or service not known"),
        lambda cfg: (f"Unknown host {cfg['host']!r}.", ["Check DEPLOY_SSH_HOST."]),
    ),
    (
        ("host key verification failed",),
        lambda cfg: (
            f"The host key of {cfg['host']} is not the one in known_hosts.",
            ["Check the server's key, then update known_hosts (DEPLOY_SSH_OPTIONS)."],
        ),
    ),
    (
        ("permission denied",),
        lambda cfg: (
            f"{cfg['user']}@{cfg['host']} did not accept the SSH key.",
            ["Check DEPLOY_SSH_USER and DEPLOY_SSH_KEY (the key must be in ~/.ssh on it)."],
        ),
    ),
]


def connection_error(stderr: str, cfg: TargetConfig) -> TargetError | None:
    """Return the TargetError for ssh's error output, or None when it is not a connection one."""
    text = stderr.lower()
    for phrases, explain in KNOWN:
        if any(phrase in text for phrase in phrases):
            message, hints = explain(cfg)
            return TargetError(message, hints)
    return None
