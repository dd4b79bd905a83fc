"""Target settings: environment variables first, then the ``DEPLOY`` block of publishconf.py.

Every field of target ``T`` is read from ``DEPLOY_<T>_<FIELD>`` (``T`` upper-cased, ``-`` to
``_``: ``DEPLOY_SSH_HOST``, ``DEPLOY_GH_PAGES_REMOTE``, ``DEPLOY_S3_BUCKET``), else from
``DEPLOY = {"ssh": {"host": ...}}`` in the settings file. Missing required fields are all reported
at once, each with both ways to set it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

TARGETS = ("ssh", "gh-pages", "s3")


@dataclass(frozen=True)
class Field:
    """One target setting: its name, default (``None`` = required), type and meaning."""

    name: str
    default: Any = None
    kind: type = str
    help: str = ""


FIELDS: dict[str, list[Field]] = {
    "common": [
        Field("target", "ssh", str, "default target when --target is not given"),
        Field("manifest", "target", str, "where the live published-urls.json is read: target|http"),
        Field("manifest_url", "", str, "URL of the live manifest (default SITEURL/<manifest>)"),
        Field("keep_prefixes", "og/", str, "comma list of path prefixes never deleted"),
    ],
    "ssh": [
        Field("host", None, str, "server name or address"),
        Field("user", None, str, "SSH user"),
        Field("path", None, str, "absolute base directory holding releases/ and current"),
        Field("port", 22, int, "SSH port"),
        Field("key", "", str, "identity file (default: ssh-agent / ~/.ssh)"),
        Field("options", "", str, "extra ssh options, e.g. '-o UserKnownHostsFile=...'"),
        Field("keep_releases", 5, int, "releases kept on the server (>= 2)"),
        Field("rsync", "rsync", str, "local rsync program"),
        Field("rsync_options", "", str, "extra rsync options, e.g. '--bwlimit=500'"),
        Field("post_command", "", str, "remote command after the switch, e.g. an nginx reload"),
        Field("connect_timeout", 20, int, "seconds to wait for the server's SSH answer"),
        Field("alive_interval", 15, int, "seconds between keep-alive checks of a connection"),
        Field("alive_count", 4, int, "unanswered keep-alive checks before the connection is lost"),
    ],
    "gh-pages": [
        Field("remote", None, str, "git remote URL or path (e.g. git@github.com:org/site.git)"),
        Field("branch", "gh-pages", str, "branch to publish to"),
        Field("cname", "", str, "custom domain written to CNAME"),
        Field("message", "Publish Sharewell", str, "commit message"),
    ],
    "s3": [
        Field("bucket", None, str, "bucket name"),
        Field("prefix", "", str, "key prefix inside the bucket"),
        Field("region", "", str, "region (default: AWS_DEFAULT_REGION / profile)"),
        Field("endpoint_url", "", str, "S3-compatible endpoint (MinIO, R2, Ceph...)"),
        Field("delete", True, bool, "delete stale keys (never those under keep_prefixes)"),
        Field("cloudfront_distribution_id", "", str, "CloudFront distribution to invalidate"),
        Field("cloudfront_endpoint_url", "", str, "CloudFront endpoint (tests)"),
    ],
}


@dataclass
class TargetConfig:
    """Resolved settings of one target plus the common ones."""

    target: str
    values: dict[str, Any]
    common: dict[str, Any]
    siteurl: str = ""
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def keep_prefixes(self) -> list[str]:
        """Return the path prefixes no target ever deletes (card images by default)."""
        raw = self.common["keep_prefixes"]
        return [p.strip().lstrip("/") for p in str(raw).split(",") if p.strip()]


def env_name(target: str, name: str) -> str:
    """Return the environment variable of a field: ``("gh-pages", "remote")`` -> DEPLOY_GH_..."""
    if target == "common":
        return f"DEPLOY_{name.upper()}"
    return f"DEPLOY_{target.upper().replace('-', '_')}_{name.upper()}"


def _convert(value: Any, spec: Field, source: str) -> Any:
    if spec.kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{source} must be true or false, got {value!r}")
    if spec.kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{source} must be a whole number, got {value!r}") from None
    return str(value)


def _resolve(block: str, section: Mapping, environ: Mapping) -> tuple[dict, list[str]]:
    values: dict[str, Any] = {}
    missing: list[str] = []
    for spec in FIELDS[block]:
        var = env_name(block, spec.name)
        where = "DEPLOY" if block == "common" else f"DEPLOY[{block!r}]"
        if environ.get(var, "") != "":
            values[spec.name] = _convert(environ[var], spec, var)
        elif section.get(spec.name) not in (None, ""):
            values[spec.name] = _convert(section[spec.name], spec, f"{where}[{spec.name!r}]")
        elif spec.default is None:
            missing.append(f"{var} (or {where}[{spec.name!r}] in the settings file): {spec.help}")
        else:
            values[spec.name] = spec.default
    return values, missing


def load_target(
    target: str | None,
    settings: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> TargetConfig:
    """Resolve the settings of ``target``; raise ConfigError naming every missing one."""
    settings = settings or {}
    environ = os.environ if environ is None else environ
    block = settings.get("DEPLOY") or {}
    if not isinstance(block, Mapping):
        raise ConfigError(f"DEPLOY in the settings file must be a dict, got {type(block).__name__}")
    common, _ = _resolve("common", block, environ)
    target = target or common["target"]
    if target not in TARGETS:
        raise ConfigError(
            f"Unknown deploy target {target!r}.", [f"Use one of: {', '.join(TARGETS)}."]
        )
    section = block.get(target) or {}
    if not isinstance(section, Mapping):
        raise ConfigError(f"DEPLOY[{target!r}] must be a dict, got {type(section).__name__}")
    values, missing = _resolve(target, section, environ)
    if missing:
        raise ConfigError(
            f"Missing settings for the {target} target:",
            [*missing, "Set them in the environment or in the DEPLOY block of publishconf.py."],
        )
    if common["manifest"] not in {"target", "http"}:
        raise ConfigError(f"DEPLOY_MANIFEST must be 'target' or 'http', got {common['manifest']!r}")
    if target == "ssh" and values["keep_releases"] < 2:
        raise ConfigError("DEPLOY_SSH_KEEP_RELEASES must be at least 2 (rollback needs one).")
    if target == "ssh":
        for name in ("connect_timeout", "alive_interval", "alive_count"):
            if values[name] < 1:
                raise ConfigError(f"{env_name('ssh', name)} must be at least 1, got {values[name]}")
    if target == "ssh" and not values["path"].startswith("/"):
        raise ConfigError(f"DEPLOY_SSH_PATH must be absolute, got {values['path']!r}")
    return TargetConfig(
        target, values, common, str(settings.get("SITEURL", "")).rstrip("/"), dict(settings)
    )


def read_pelican_settings(config: str | Path, overrides: Mapping[str, Any] | None = None) -> dict:
    """Read a Pelican settings file (no plugins are loaded) with optional overrides."""
    from pelican.settings import read_settings

    path = Path(config)
    if not path.is_file():
        raise ConfigError(f"Settings file {str(path)!r} not found.")
    try:
        return read_settings(str(path), override=dict(overrides or {}))
    except Exception as exc:  # a settings file is code: any error means "fix the file"
        raise ConfigError(
            f"Could not read {path}: {type(exc).__name__}: {exc}",
            ["Fix the settings file (`pelican --print-settings -s FILE` shows the error)."],
        ) from None
