"""``publish`` and ``rollback``: what the invoke tasks and ``python -m tools.deploy`` run."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import build_for_publish
from .config import TARGETS, TargetConfig, load_target, read_pelican_settings
from .errors import DeployError, InterruptError
from .gate import MANIFEST_NAME, Gate, fetch_http_text, parse_manifest, unlisted_removals
from .plan import Plan
from .search_index import keep_live_search_index


@dataclass
class PublishResult:
    """What publish did (or, with dry_run, would do)."""

    target: str
    plan: Plan
    dry_run: bool
    release: str = ""
    allowed_removals: list[str] = field(default_factory=list)


def make_target(cfg: TargetConfig):
    """Return the target object for a resolved configuration."""
    if cfg.target == "ssh":
        from .ssh import SshTarget

        return SshTarget(cfg)
    if cfg.target == "gh-pages":
        from .ghpages import GhPagesTarget

        return GhPagesTarget(cfg)
    from .s3 import S3Target

    return S3Target(cfg)


def _console(console=None):
    if console is not None:
        return console
    from rich.console import Console

    return Console(stderr=True)


def live_manifest_text(cfg: TargetConfig, target) -> tuple[str | None, str]:
    """Return (live manifest text or None, where it came from) as DEPLOY_MANIFEST says."""
    if cfg.common["manifest"] == "http":
        url = cfg.common["manifest_url"] or f"{cfg.siteurl}/{MANIFEST_NAME}"
        return fetch_http_text(url), url
    return target.fetch_manifest(MANIFEST_NAME), f"{target.name} target"


def live_manifest(cfg: TargetConfig, target) -> tuple[dict | None, str]:
    """Return (live manifest or None, where it came from) as configured by DEPLOY_MANIFEST."""
    text, where = live_manifest_text(cfg, target)
    return (parse_manifest(text, f"{MANIFEST_NAME} on the {where}") if text else None), where


def with_link_keeper(settings: Mapping[str, Any], overrides: Mapping[str, Any] | None) -> dict:
    """Return overrides that enable link_keeper when PLUGINS lacks it (the gate needs it)."""
    result = dict(overrides or {})
    plugins = list(settings.get("PLUGINS") or [])
    names = {p if isinstance(p, str) else getattr(p, "__name__", "") for p in plugins}
    missing = not any(name.rsplit(".", 1)[-1] == "link_keeper" for name in names)
    if missing and all(isinstance(p, str) for p in plugins):
        result["PLUGINS"] = [*plugins, "link_keeper"]
    return result


def publish(
    target: str | None = None,
    dry_run: bool = False,
    allow_removal: Iterable[str] = (),
    *,
    config: str | Path = "publishconf.py",
    content: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    checks: Callable[[Path], object] | None = None,
    environ: Mapping[str, str] | None = None,
    console=None,
) -> PublishResult:
    """Build strictly, check, compare with the live manifest, then deploy (or show the plan)."""
    from rich.markup import escape

    console = _console(console)
    settings = read_pelican_settings(config, overrides)
    cfg = load_target(target, settings, environ)
    overrides = with_link_keeper(settings, overrides)
    tgt = make_target(cfg)
    try:
        live_text, where = live_manifest_text(cfg, tgt)
        old = parse_manifest(live_text, f"{MANIFEST_NAME} on the {where}") if live_text else None
        console.print(
            f"Live manifest from {where}: "
            + (f"{len(old['urls'])} URL(s)" if old else "none (first publish)")
        )
        console.print(f"Building with {config} (strict)…")
        build = build_for_publish(
            config,
            content,
            overrides=overrides,
            checks=checks,
            plugin_paths=settings.get("PLUGIN_PATHS") or (),
        )
        try:
            bundle_dir = str(settings.get("READER_FEATURES_SEARCH_BUNDLE_DIR") or "pagefind")
            keep_live_search_index(build.output, tgt, bundle_dir, console)
            gate = Gate(
                build.manifest,
                lambda: live_manifest_text(cfg, tgt)[0],
                cfg.keep_prefixes,
                allow_removal,
            )
            allowed = gate.check(live_text, f"{MANIFEST_NAME} on the {where}")
            for url in allowed:
                console.print(f"[yellow]Removing on purpose:[/] {escape(url)}")
            for url in unlisted_removals(old, build.manifest):
                console.print(f"No longer public (private by design): {escape(url)}")
            plan = tgt.plan(build.output)
            plan.render(console)
            result = PublishResult(cfg.target, plan, dry_run, allowed_removals=allowed)
            if dry_run:
                console.print("[bold]Dry run:[/] nothing was changed on the target.")
                return result
            if plan.empty:
                console.print("Nothing to publish: the target is up to date.")
                return result
            # The target takes its lock, asks the gate again, then switches: one decision.
            result.release = tgt.deploy(build.output, plan, gate) or ""
            console.print(f"[green]Published[/] to {plan.destination} {result.release}".rstrip())
            return result
        finally:
            build.cleanup()
    finally:
        if hasattr(tgt, "close"):
            tgt.close()


def rollback(
    target: str | None = None,
    to: str | None = None,
    *,
    config: str | Path = "publishconf.py",
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    console=None,
) -> tuple[str, str]:
    """Put the previous (or given) release live again: ssh switches ``current``, gh-pages
    commits the earlier tree anew; both keep every card image that has been live."""
    console = _console(console)
    settings = read_pelican_settings(config, overrides)
    cfg = load_target(target, settings, environ)
    tgt = make_target(cfg)
    try:
        previous, now = tgt.rollback(to)
    finally:
        if hasattr(tgt, "close"):
            tgt.close()
    console.print(f"[green]Rolled back[/] from {previous} to {now}")
    return previous, now


def report(error: DeployError, console=None) -> int:
    """Print an expected failure as a panel (no traceback); return its exit code."""
    from rich.markup import escape
    from rich.panel import Panel

    body = escape(error.message)
    if error.hints:
        body += "\n" + "\n".join(f"  • {escape(hint)}" for hint in error.hints)
    _console(console).print(Panel(body, title=error.title, border_style="red", expand=False))
    return error.exit_code


UNCHANGED_UNLESS_PRINTED = (
    "If 'Published' or 'Rolled back' was not printed, the live site is unchanged (a partial "
    "upload is removed by the next publish)."
)


class Signalled(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived: unwind so every ``finally`` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn SIGINT/SIGTERM/SIGHUP into an exception; ignore repeats while cleaning up.

    Unwinding stops every child's process group (tools.deploy.children), releases the
    server's lock and removes the temporary build and the SSH socket folder.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    watched = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def handler(signum: int, frame: object) -> None:
        for sig in watched:  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        raise Signalled(signum)

    previous = {sig: signal.signal(sig, handler) for sig in watched}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(func: Callable[..., object], *args: Any, **kwargs: Any) -> int:
    """Call ``func``; return 0, or print a DeployError and return its exit code."""
    try:
        with signals_unwind():
            func(*args, **kwargs)
    except DeployError as error:
        return report(error, kwargs.get("console"))
    except KeyboardInterrupt as interrupt:
        signum = getattr(interrupt, "signum", signal.SIGINT)
        error = InterruptError(
            f"{signal.Signals(signum).name} stopped it; its child processes (build, ssh, "
            "rsync, git) are stopped and its temporary files removed.",
            [UNCHANGED_UNLESS_PRINTED],
        )
        error.exit_code = 128 + signum
        return report(error, kwargs.get("console"))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.deploy publish|rollback ...``."""
    parser = argparse.ArgumentParser(prog="python -m tools.deploy", description=__doc__)
    parser.add_argument("-s", "--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument(
        "-e",
        "--extra-settings",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="override a setting (value parsed as JSON when possible); repeatable",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    pub = sub.add_parser("publish", help="build strictly, check and deploy")
    pub.add_argument("--target", choices=TARGETS)
    pub.add_argument("--dry-run", action="store_true")
    pub.add_argument("--allow-removal", action="append", default=[], metavar="URL")
    pub.add_argument("--content", help="content folder (default: PATH from the settings)")
    back = sub.add_parser("rollback", help="put the previous release live again (ssh, gh-pages)")
    back.add_argument("--target", choices=TARGETS)
    back.add_argument("--to", help="ssh: release name; gh-pages: commit (default: previous)")
    args = parser.parse_args(argv)
    overrides = {}
    for pair in args.extra_settings:
        key, _, raw = pair.partition("=")
        try:
            overrides[key] = json.loads(raw)
        except ValueError:
            overrides[key] = raw
    if args.command == "publish":
        return run(
            publish,
            args.target,
            args.dry_run,
            args.allow_removal,
            config=args.settings,
            content=args.content,
            overrides=overrides,
            environ=os.environ,
        )
    return run(
        rollback,
        args.target,
        args.to,
        config=args.settings,
        overrides=overrides,
        environ=os.environ,
    )


if __name__ == "__main__":
    sys.exit(main())
