"""Expected deploy failures: printed as a short message with hints, never as a traceback."""

from __future__ import annotations


class DeployError(Exception):
    """A failure the publisher can fix; ``hints`` say how. ``exit_code`` is the process status."""

    exit_code = 1
    title = "Deploy failed"

    def __init__(self, message: str, hints: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hints = list(hints or [])


class ConfigError(DeployError):
    """Target settings are missing or invalid."""

    exit_code = 2
    title = "Deploy settings"


class BuildError(DeployError):
    """The strict build or the content checks failed: nothing was deployed."""

    exit_code = 3
    title = "Build or checks failed: nothing was deployed"


class GateError(DeployError):
    """Publishing would remove previously published URLs without a redirect."""

    exit_code = 4
    title = "Refused: published URLs would disappear"


class TargetError(DeployError):
    """The target (server, git remote, bucket) could not be read or written."""

    exit_code = 5
    title = "Target error"


class PostCommandError(DeployError):
    """The new release is live, but the command run after the switch failed."""

    exit_code = 6
    title = "Published, but the post-command failed"


class InterruptError(DeployError):
    """SIGINT or SIGTERM stopped the publish; children and temporary files are gone."""

    exit_code = 130
    title = "Interrupted"
