"""Gated, atomic, link-preserving deploys of the built site (ssh, gh-pages, s3).

Not a Pelican plugin: a package used by the ``publish`` and ``rollback`` invoke tasks and by
``python -m tools.deploy``. See README.md.
"""

from .build import build_for_publish
from .cli import publish, rollback, run
from .errors import BuildError, ConfigError, DeployError, GateError, TargetError

__all__ = [
    "BuildError",
    "ConfigError",
    "DeployError",
    "GateError",
    "TargetError",
    "build_for_publish",
    "publish",
    "rollback",
    "run",
]
