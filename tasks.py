"""Invoke tasks for Sharewell: `invoke --list` is the map of the project.

Host and port for the local server come from SHAREWELL_HOST and SHAREWELL_PORT
(default 127.0.0.1:8000). Every build goes through `tools.build`, which prints all
content problems as one table instead of a traceback. Tasks are thin: each calls a tool.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

CONFIG = {
    "settings_base": ROOT / "pelicanconf.py",
    "settings_publish": ROOT / "publishconf.py",
    "deploy_path": ROOT / "output",
    "content": ROOT / "content",
    "host": os.environ.get("SHAREWELL_HOST", "127.0.0.1"),
    "port": int(os.environ.get("SHAREWELL_PORT", "8000")),
}
# System packages the test suite drives for real (browser, deploy targets).
TEST_APT_PACKAGES = [
    "chromium",
    "fonts-liberation",  # metric-stable fonts, so page layout in the browser tests is repeatable
    "rsync",
    "openssh-server",
    "openssh-client",
    "nginx",
    "openssl",
    "git",
]
PY = shlex.quote(sys.executable)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "plugins"), env.get("PYTHONPATH")])
    )
    return env


def _pelican_build(
    c,
    settings: Path,
    *,
    output: Path | None = None,
    strict: bool = False,
    extra: str = "",
    warn: bool = False,
):
    """Run one build through the strict build runner (tools.build); return invoke's Result."""
    cmd = f"{PY} -m tools.build -s {shlex.quote(str(settings))}"
    if output:
        cmd += f" -o {shlex.quote(str(output))}"
    if strict:
        cmd += " --strict"
    if extra:
        cmd += f" {extra}"
    return c.run(cmd, env=_env(), warn=warn, pty=False)


@task
def clean(c):
    """Remove the generated site, its private folder and the build cache."""
    private = CONFIG["deploy_path"].with_name(CONFIG["deploy_path"].name + "-private")
    for path in (CONFIG["deploy_path"], private, ROOT / ".cache"):
        if path.is_dir():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")


@task(
    help={
        "strict": "fail on any warning (like `pelican --fatal warnings`), with a table",
        "publish": "build with publishconf.py (live-site settings)",
    }
)
def build(c, strict=False, publish=False):
    """Build the site into output/ (`--strict` fails on any warning)."""
    settings = CONFIG["settings_publish"] if publish else CONFIG["settings_base"]
    _pelican_build(c, settings, strict=strict)


@task(pre=[clean], post=[build])
def rebuild(c):
    """Remove the output and cache, then build from scratch."""


@task
def regenerate(c):
    """Rebuild automatically whenever content changes (Pelican's autoreload)."""
    c.run(f"{PY} -m pelican -r -s {shlex.quote(str(CONFIG['settings_base']))}", env=_env())


@task
def serve(c):
    """Serve output/ (and output-private/ at /_private/) at SHAREWELL_HOST:SHAREWELL_PORT."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    private = CONFIG["deploy_path"].with_name(CONFIG["deploy_path"].name + "-private")

    class Handler(ComplexHTTPRequestHandler):
        # The build's private folder (share kits, exports: never published) at /_private/,
        # so the editor's desk can link the kits on this local server.
        def translate_path(self, path: str) -> str:
            if not path.startswith("/_private/"):
                return super().translate_path(path)
            self.base_path = str(private)
            try:
                return super().translate_path(path.removeprefix("/_private"))
            finally:
                del self.base_path

    server = AddressReuseTCPServer(
        str(CONFIG["deploy_path"]), (CONFIG["host"], CONFIG["port"]), Handler
    )
    print(f"Serving the site at http://{CONFIG['host']}:{CONFIG['port']}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(pre=[build], post=[serve])
def reserve(c):
    """Build, then serve."""


@task
def preview(c):
    """Build with the live-site settings (publishconf.py) into output/."""
    _pelican_build(c, CONFIG["settings_publish"])


@task
def livereload(c):
    """Serve with live reload, rebuilding when content, theme/ or plugins/ change."""
    from livereload import Server

    def rebuild_site():
        _pelican_build(c, CONFIG["settings_base"], warn=True)

    rebuild_site()
    server = Server()
    for pattern in ("content/**/*", "theme/**/*", "plugins/**/*.py", "pelicanconf.py"):
        server.watch(str(ROOT / pattern), rebuild_site)
    server.serve(
        host=CONFIG["host"],
        port=CONFIG["port"],
        root=str(CONFIG["deploy_path"]),
        open_url_delay=None,
    )


def _has_gui_browser() -> bool:
    """Return whether webbrowser can open a graphical browser (not a terminal one)."""
    import webbrowser

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False  # only terminal browsers would start, and they would take over the shell
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


@task(help={"no_open": "only print the desk's address, never open a browser"})
def desk(c, no_open=False):
    """Build with the dev settings and open the editor's desk (/_desk/) while serving."""
    import threading
    import webbrowser

    _pelican_build(c, CONFIG["settings_base"], warn=True)  # the desk lists the problems
    url = f"http://{CONFIG['host']}:{CONFIG['port']}/_desk/"
    if not (CONFIG["deploy_path"] / "_desk" / "index.html").is_file():
        sys.exit("desk: no _desk/ was written: is editors_desk in PLUGINS and enabled?")
    print(f"Editor's desk: {url}")
    if not no_open and _has_gui_browser():
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    serve(c)


def _git_author() -> str | None:
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()
    except OSError:
        return None
    return name or None


@task(
    help={
        "title": "the article's title, in quotes",
        "category": "section, e.g. 'First aid'",
        "author": "defaults to `git config user.name`, then DEFAULT_NEW_AUTHOR",
        "date": "publication date YYYY-MM-DD (default today; a future date schedules it)",
    }
)
def new(c, title, category, author=None, date=None):
    """Create a new draft article with every required metadata field filled in."""
    from pelican.settings import read_settings
    from tools.new_article import NewArticleError, create_article

    settings = read_settings(str(CONFIG["settings_base"]))
    author = author or _git_author() or settings.get("DEFAULT_NEW_AUTHOR", "Sharewell")
    try:
        path = create_article(CONFIG["content"], title, category, author, date)
    except NewArticleError as error:
        sys.exit(f"invoke new: {error}")
    print(f"Created {path.relative_to(ROOT)} (status: draft).")
    print(
        "Next: write the summary, add 2-5 tags, review details and sources, then remove "
        "`Status: draft`. `invoke check` lists what is still missing."
    )


@task(help={"fix": "let ruff fix what it safely can"})
def lint(c, fix=False):
    """Check the code with ruff (lint and formatting) and the import contracts."""
    c.run(f"{PY} -m ruff check {'--fix ' if fix else ''}.", env=_env())
    c.run(f"{PY} -m ruff format --check .", env=_env())
    # The import contracts of docs/architecture.md (pyproject.toml [tool.importlinter]).
    lint_imports = shlex.quote(str(Path(sys.executable).with_name("lint-imports")))
    c.run(f"{lint_imports} --no-cache", env=_env())


@task
def format(c):
    """Format the code with ruff."""
    c.run(f"{PY} -m ruff check --fix --select I .", env=_env())
    c.run(f"{PY} -m ruff format .", env=_env())


@task(
    help={
        "k": "only tests matching this expression",
        "browser": "include browser tests (default)",
        "args": "extra pytest arguments",
    }
)
def test(c, k="", browser=True, args=""):
    """Run the test suite (pytest, including headless Chromium tests)."""
    cmd = f"{PY} -m pytest"
    if k:
        cmd += f" -k {shlex.quote(k)}"
    if not browser:
        cmd += " -m 'not browser'"
    if args:
        cmd += f" {args}"
    c.run(cmd, env=_env(), pty=False)


@task
def test_setup(c):
    """Install what the tests need beyond pip: Chromium, rsync, sshd, nginx (apt, as root)."""
    missing = [p for p in TEST_APT_PACKAGES if not _dpkg_installed(p)]
    if not missing:
        print("test-setup: system packages present: " + ", ".join(TEST_APT_PACKAGES))
        return
    if os.geteuid() != 0:
        sys.exit(
            "test-setup: these system packages are missing: "
            + " ".join(missing)
            + "\nInstall them as root, then run this again:\n"
            "  sudo apt-get update && sudo apt-get install -y " + " ".join(missing)
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    c.run("apt-get update -qq", env=env)
    c.run("apt-get install -y -qq --no-install-recommends " + " ".join(missing), env=env)


def _dpkg_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return "install ok installed" in result.stdout


@task(help={"fast": "skip the test suite (lint and strict builds only)"})
def check(c, fast=False):
    """Lint, test, and build both configs strictly; fail with a table on any problem."""
    failures = []
    for name, run in (
        ("lint", lambda: lint(c)),
        ("tests", (lambda: None) if fast else (lambda: test(c))),
    ):
        try:
            run()
        except Exception:  # invoke's UnexpectedExit: the command already printed why
            failures.append(name)
    with tempfile.TemporaryDirectory(prefix="sharewell-check-") as tmp:
        for label, settings in (
            ("dev build", CONFIG["settings_base"]),
            ("publish build", CONFIG["settings_publish"]),
        ):
            print(f"check: strict {label} ({settings.name})")
            result = _pelican_build(
                c,
                settings,
                output=Path(tmp) / label.replace(" ", "-"),
                strict=True,
                extra="-q --no-atomic",
                warn=True,
            )
            if result.exited:
                failures.append(label)
    from tools.scheduled import print_scheduled  # future-dated: not live until their day

    print_scheduled(CONFIG["settings_base"], CONFIG["content"] / "articles")
    if failures:
        sys.exit("check failed: " + ", ".join(failures))
    print("check passed: lint, tests and strict builds are clean.")


@task(
    help={
        "today": "pretend today is YYYY-MM-DD (default: today in the site's time zone)",
        "csv": "where to write the CSV (default: review-report.csv)",
        "publish": "use publishconf.py",
    }
)
def review_report(c, today=None, csv="review-report.csv", publish=False):
    """List health articles by review urgency and write review-report.csv."""
    from kernel.clock import DateError
    from tools.review_report import review_report as report

    settings = CONFIG["settings_publish" if publish else "settings_base"]
    try:
        rows = report(settings, today=today, csv_path=ROOT / csv)
    except DateError as error:
        sys.exit(f"review-report: --today {error.value!r} {error.reason}. Fix: {error.fix}")
    print(f"review-report: {len(rows)} health article(s); wrote {csv}")


@task(
    help={
        "number": "synthetic articles to build (default 3000)",
        "workdir": "keep corpus and outputs here (default: a new temp dir)",
        "og_only": "skip the builds with every plugin (bare vs og_cards only)",
    }
)
def bench(c, number=3000, workdir=None, og_only=False):
    """Time bare Pelican vs og_cards cold/warm on N synthetic articles (docs/performance.md)."""
    from tools.bench.site import run_bench

    run_bench(int(number), root=ROOT, workdir=workdir, all_plugins=not og_only)


@task(help={"runs": "Lighthouse runs per page (the table shows the median)"})
def lighthouse(c, runs=3):
    """Lighthouse (mobile) on home, an article and search; needs `npm ci` (docs/performance.md)."""
    root = shlex.quote(str(ROOT))
    c.run(f"{PY} -m tools.lighthouse --runs {int(runs)} --root {root}", env=_env(), pty=False)


@task
def regenerate_goldens(c):
    """Redraw the og_cards golden images after an intended change to card drawing."""
    from tools.goldens import GOLDEN_DIR
    from tools.goldens import regenerate_goldens as regenerate

    for path in regenerate(ROOT / GOLDEN_DIR):
        print(f"regenerate-goldens: wrote {path.relative_to(ROOT)}")


@task(
    iterable=["allow_removal"],
    help={
        "target": "ssh (default), gh-pages or s3; settings: plugins/tools/deploy/README.md",
        "dry_run": "show what would be uploaded, changed and removed; change nothing",
        "allow_removal": "a published URL that may disappear (repeat for each)",
    },
)
def publish(c, target=None, dry_run=False, allow_removal=None):
    """Build strictly, check, refuse broken links, then deploy atomically (--target, --dry-run)."""
    from invoke import Exit
    from tools.deploy.cli import publish as deploy_publish
    from tools.deploy.cli import run as deploy_run

    # tools.deploy.build runs the strict build through tools.build: the same content
    # checks as `invoke check`'s strict builds, with every problem in one table.
    code = deploy_run(
        deploy_publish, target, dry_run, allow_removal or [], config=CONFIG["settings_publish"]
    )
    if code:
        raise Exit(code=code)


@task(
    help={
        "to": "ssh: release name; gh-pages: commit (default: the one before the live one)",
        "target": "ssh or gh-pages (default: DEPLOY_TARGET); s3: publish an older checkout",
    }
)
def rollback(c, to=None, target=None):
    """Switch the live site back to the previous release (ssh, gh-pages), keeping every card."""
    from invoke import Exit
    from tools.deploy.cli import rollback as deploy_rollback
    from tools.deploy.cli import run as deploy_run

    code = deploy_run(deploy_rollback, target, to, config=CONFIG["settings_publish"])
    if code:
        raise Exit(code=code)
