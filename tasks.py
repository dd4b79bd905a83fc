"""Invoke tasks for Sharewell: `invoke --list` is the map of the project.

Serving tasks take --host and --port (default SHAREWELL_HOST and SHAREWELL_PORT, else
127.0.0.1:8000). Every build goes through `tools.build`, which prints one line per phase and
all content problems as one table instead of a traceback. Tasks are thin: each calls a tool,
with this environment's Python (no activation needed: `.venv/bin/invoke build` works).
"""

from __future__ import annotations

import json
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
    # `invoke preview`: the live-site build, served locally; never output/ (the dev build).
    "preview_path": ROOT / "preview",
    "content": ROOT / "content",
}
SERVE_HELP = {
    "host": "address to listen on (default $SHAREWELL_HOST, else 127.0.0.1; "
    "0.0.0.0: other devices on your network too)",
    "port": "port to listen on (default $SHAREWELL_PORT, else 8000; 0: any free port)",
}
PY = shlex.quote(sys.executable)


def _env() -> dict[str, str]:
    """Return the environment for commands: this checkout's plugins, this Python's scripts."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "plugins"), env.get("PYTHONPATH")])
    )
    # Commands a tool starts by name (ruff, pagefind, pre-commit) come from this environment
    # even when it was never activated.
    env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
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


def _private(output: Path) -> Path:
    from kernel.contents import private_folder

    return private_folder({"OUTPUT_PATH": str(output)})


def _server(root: Path, host, port, *, private: bool = True):
    """Bind the local server for ``root`` now, so a port in use is known before any build."""
    from tools.devserver import ServeError, bind

    try:
        return bind(root, host, port, private=private)
    except ServeError as error:
        sys.exit(str(error))


@task
def clean(c):
    """Remove the generated site, its private folder, the preview and the build cache."""
    output, preview = CONFIG["deploy_path"], CONFIG["preview_path"]
    for path in (output, _private(output), preview, _private(preview), ROOT / ".cache"):
        if path.is_dir():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")


@task(
    help={
        "strict": "fail on any warning (like `pelican --fatal warnings`), with a table",
        "publish": "build with publishconf.py (live-site settings)",
        "verbose": "also show Pelican's log (a line per file written)",
    }
)
def build(c, strict=False, publish=False, verbose=False):
    """Build the site into output/: a line per phase and a summary (`--strict`, `-v`)."""
    settings = CONFIG["settings_publish"] if publish else CONFIG["settings_base"]
    _pelican_build(c, settings, strict=strict, extra="-v" if verbose else "")


@task(pre=[clean], post=[build])
def rebuild(c):
    """Remove the output and cache, then build from scratch."""


@task
def regenerate(c):
    """Build, then rebuild whenever content/, theme/ or plugins/ change (no server)."""
    from tools.devserver import stop_on_terminate
    from tools.livereload import watch

    def listening() -> None:
        print("regenerate: watching content/, theme/ and plugins/ (Ctrl-C to stop)", flush=True)

    stop_on_terminate()
    try:
        _watcher_build()
    except KeyboardInterrupt:
        return
    watch(_watcher_build, _watched(), ready=listening, who="regenerate")


def _watched() -> list[Path]:
    return [CONFIG["content"], ROOT / "theme", ROOT / "plugins", CONFIG["settings_base"]]


def _watcher_build(preview=()) -> None:
    """One dev build for the watching tasks; stopping them mid-build stops the build too.

    Not ``c.run``: on SIGTERM invoke only forwards Ctrl-C to the build's stdin (which a
    build without a terminal never reads) and keeps waiting. With ``preview`` (saved files,
    from livereload) only their pages are written (kernel.preview); a full build follows.
    """
    cmd = [sys.executable, "-m", "tools.build", "-s", str(CONFIG["settings_base"])]
    if preview:
        cmd += ["-e", "SHAREWELL_PREVIEW=" + json.dumps([str(path) for path in preview])]
    build = subprocess.Popen(cmd, env=_env())
    try:
        build.wait()
    except KeyboardInterrupt:
        build.terminate()
        build.wait()
        raise


@task(help=SERVE_HELP)
def serve(c, host=None, port=None):
    """Serve output/ locally (--host, --port); unknown addresses get the site's 404 page."""
    from tools.devserver import run

    server = _server(CONFIG["deploy_path"], host, port)
    if not (CONFIG["deploy_path"] / "index.html").is_file():
        sys.exit("serve: output/ has no site yet: run `invoke build` first (or `invoke reserve`)")
    run(server, "the site")


@task(help=SERVE_HELP)
def reserve(c, host=None, port=None):
    """Build, then serve (--host, --port)."""
    from tools.devserver import run

    server = _server(CONFIG["deploy_path"], host, port)  # a port in use stops us before building
    _pelican_build(c, CONFIG["settings_base"], warn=True)  # a problem leaves one file out
    run(server, "the site")


@task(help=SERVE_HELP)
def preview(c, host=None, port=None):
    """Build the live site (publishconf.py) into preview/ and serve it here, offline."""
    from tools.devserver import run

    server = _server(CONFIG["preview_path"], host, port, private=False)
    if _pelican_build(
        c, CONFIG["settings_publish"], output=CONFIG["preview_path"], warn=True
    ).exited:
        sys.exit("preview: the live-site build failed (problems above): it would not be published")
    from tools.deploy.build import ensure_gzip

    ensure_gzip(CONFIG["preview_path"])  # the .gz twins a publish adds (nginx gzip_static)
    run(server, "the live site's build (publishconf.py, in preview/)")


@task(help=SERVE_HELP)
def livereload(c, host=None, port=None):
    """Serve, rebuild when content/, theme/ or plugins/ change, and reload the page.

    A saved article is shown first (only its page is written), then the whole site is rebuilt.
    """
    from tools.livereload import run_live

    server = _server(CONFIG["deploy_path"], host, port)
    run_live(server, _watcher_build, _watched(), content=CONFIG["content"])


@task(help={"no_open": "only print the desk's address, never open a browser", **SERVE_HELP})
def desk(c, no_open=False, host=None, port=None):
    """Build with the dev settings and open the editor's desk (/_desk/) while serving."""
    import threading
    import webbrowser

    from tools.devserver import address, has_gui_browser, run

    server = _server(CONFIG["deploy_path"], host, port)
    _pelican_build(c, CONFIG["settings_base"], warn=True)  # the desk lists the problems
    if not (CONFIG["deploy_path"] / "_desk" / "index.html").is_file():
        sys.exit("desk: no _desk/ was written: is editors_desk in PLUGINS and enabled?")
    url = f"{address(server)}/_desk/"
    print(f"Editor's desk: {url}")
    if not no_open and has_gui_browser():
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    run(server, "the site and the editor's desk", "_desk/")


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
        "title": "the article's title, in quotes (a translation's: in its language)",
        "category": "its section, e.g. 'First aid' (one of the site's sections)",
        "author": "defaults to `git config user.name`, then DEFAULT_NEW_AUTHOR",
        "date": "publication date YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default now; later: scheduled)",
        "lang": "with --translation-of: the translation's language, e.g. cy",
        "translation_of": "the slug of the English article or page to translate",
    },
    positional=["title"],
)
def new(  # noqa: PLR0917 - Invoke turns each parameter into a command-line option
    c, title, category="", author=None, date=None, lang=None, translation_of=None
):
    """Create a new draft article (or, with --lang and --translation-of, a translation)."""
    from content_guard import get_settings
    from content_guard.sections import sections
    from pelican.settings import read_settings
    from tools.new_article import NewArticleError, create_article, create_translation

    settings = read_settings(str(CONFIG["settings_base"]))
    guard = get_settings(settings)
    author = author or _git_author() or settings.get("DEFAULT_NEW_AUTHOR", "Sharewell")
    try:
        if translation_of or lang:
            if not (translation_of and lang):
                raise NewArticleError(
                    "give both --lang and --translation-of, e.g. invoke new "
                    '"Llosgiadau a sgaldiadau" --lang cy --translation-of burns-and-scalds'
                )
            path = create_translation(CONFIG["content"], translation_of, lang, author, title)
        elif not category:
            raise NewArticleError(
                'give the section: invoke new "How to treat a sprain" --category "First aid"'
            )
        else:
            path = create_article(
                CONFIG["content"], title, category, author, date,
                sections=sections(settings, guard["CONTENT_GUARD_SECTIONS"]),
                title_max=guard["CONTENT_GUARD_TITLE_MAX"],
            )  # fmt: skip
    except NewArticleError as error:
        sys.exit(f"invoke new: {error}")
    print(f"Created {path.relative_to(ROOT)} (status: draft).")
    print(
        "Next: replace every `FILL IN:` (summary, tags, review date, reviewer, sources), write "
        "the article, then remove `Status: draft`. `invoke check --fast` lists what is left."
    )


@task(help={"fix": "let ruff fix what it safely can"})
def lint(c, fix=False):
    """Check the code with ruff (lint and formatting) and the import contracts."""
    c.run(f"{PY} -m ruff check {'--fix ' if fix else ''}.", env=_env())
    c.run(f"{PY} -m ruff format --check .", env=_env())
    # The import contracts of docs/architecture.md (pyproject.toml [tool.importlinter]).
    lint_imports = shlex.quote(str(Path(sys.executable).with_name("lint-imports")))
    c.run(f"{lint_imports} --no-cache", env=_env())


@task(help={"check": "change nothing; fail if a catalog is out of date", "new": "start LANG"})
def translations(c, check=False, new=""):
    """Bring the gettext catalogs up to date with the strings in templates and plugins."""
    args = " --check" if check else ""
    args += f" --new {shlex.quote(new)}" if new else ""
    c.run(f"{PY} -m tools.catalogs --root {shlex.quote(str(ROOT))}{args}", env=_env())


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


@task(
    help={
        "lock_timeout": "seconds to wait while another program uses apt "
        "(default SHAREWELL_APT_LOCK_TIMEOUT, else 300)",
    }
)
def test_setup(c, lock_timeout=None):
    """Install what the tests need beyond pip: Chromium, rsync, sshd, nginx (apt, as root)."""
    from tools.system_packages import InstallError, install_test_packages

    try:
        install_test_packages(lock_timeout)
    except InstallError as error:  # one line (or the sudo command to run): no traceback
        sys.exit(str(error))


@task(help={"fast": "skip the test suite (lint and strict builds only)"})
def check(c, fast=False):
    """Lint, test, and build both configs strictly; say what ran and what failed."""
    results: dict[str, str] = {}
    for name, run in (("lint", lambda: lint(c)), ("tests", lambda: test(c))):
        if name == "tests" and fast:
            results[name] = "not run (--fast)"
            continue
        try:
            run()
            results[name] = "passed"
        except Exception:  # invoke's UnexpectedExit: the command already printed why
            results[name] = "FAILED"
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
            results[label] = "FAILED (see the table above)" if result.exited else "passed"
    from tools.scheduled import print_scheduled  # future-dated: not live until their day

    print_scheduled(CONFIG["settings_base"], CONFIG["content"] / "articles")
    print("check: " + "; ".join(f"{name} {verdict}" for name, verdict in results.items()))
    failed = [name for name, verdict in results.items() if verdict.startswith("FAILED")]
    if failed:
        sys.exit("check failed: " + ", ".join(failed))
    if fast:
        print("check passed: lint and strict builds are clean; the tests were not run (--fast).")
    else:
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
        "number": "synthetic articles at the main size (default 3000)",
        "sizes": "scaling sizes, comma-separated (default 1000,3000,10000)",
        "configs": "dev, live or dev,live (default both)",
        "rounds": "cold and warm pairs at the main size (default 3: min, median, max)",
        "scaling_rounds": "pairs at the other sizes (default 1)",
        "workdir": "keep corpora and outputs here (default: a new temp dir)",
        "og_only": "only bare vs og_cards cold/warm at --number (docs/performance.md, og_cards)",
    }
)
def bench(  # noqa: PLR0917 - invoke passes a task's options by name
    c, number=3000, sizes="1000,3000,10000", configs="dev,live", rounds=3, scaling_rounds=1,
    workdir=None, og_only=False,
):  # fmt: skip
    """Every plugin vs bare Pelican, dev and live, cold/warm/edit, writer's wait, scaling."""
    if og_only:
        from tools.bench.site import run_bench

        run_bench(int(number), root=ROOT, workdir=workdir, all_plugins=False)
        return
    args = [f"--number={int(number)}", f"--sizes={sizes}", f"--configs={configs}",
            f"--rounds={int(rounds)}", f"--scaling-rounds={int(scaling_rounds)}",
            f"--root={ROOT}"]  # fmt: skip
    if workdir:
        args.append(f"--workdir={workdir}")
    quoted = " ".join(shlex.quote(arg) for arg in args)
    c.run(f"{PY} -m tools.bench.whole_site {quoted}", env=_env(), pty=False)


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
