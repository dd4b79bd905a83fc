"""The pre-commit content hook, run on staged files in a throw-away git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit: pip install pre-commit")

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".pre-commit-config.yaml"
GOOD = """Title: Treating a minor burn
Date: 2026-03-02 09:00
Modified: 2026-03-02 09:00
Category: First aid
Tags: first aid, burns
Slug: treating-a-minor-burn
Author: Megan Price
Summary: Cool a minor burn under cold running water for 20 minutes, then cover it loosely.
content_type: advice
last_reviewed: 2026-02-20
reviewed_by: Dr Amira Khan, Consultant in Emergency Medicine
sources: NHS: Burns and scalds | https://www.nhs.uk/conditions/burns-and-scalds/
image: images/burn.png
image_alt: A forearm held under a running cold tap.
share_text_x: Cool a burn under cold running water for 20 minutes.

Cool the burn under cold running water for 20 minutes.

![A forearm under a cold tap](images/burn.png)
"""
BAD = """Title: Burns in a hurry
Date: 2026-03-02 09:00
Category: First aid
Tags: first aid, burns
last-reviewed: 2020-01-01
Summary: {long}
image: images/burn.png
share_text_x: {share}

Cool it. ![](images/burn.png)
"""


def run(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
        # This checkout's plugins, even when the environment's editable install points elsewhere.
        "PYTHONPATH": str(ROOT / "plugins"),
        "SHAREWELL_TODAY": "2026-03-10",
        "COLUMNS": "200",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, **kwargs
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository laid out like ours, with one good and one bad staged article."""
    repo = tmp_path / "repo"
    folder = repo / "content" / "articles" / "first-aid"
    folder.mkdir(parents=True)
    for name in ("plugins", "theme", "bin"):
        (repo / name).symlink_to(ROOT / name)
    for name in ("pelicanconf.py", "publishconf.py"):  # copies: they find content/ beside them
        shutil.copy(ROOT / name, repo / name)
    shutil.copy(CONFIG, repo / CONFIG.name)
    (folder / "treating-a-minor-burn.md").write_text(GOOD, encoding="utf-8")
    images = repo / "content" / "images"
    images.mkdir()
    shutil.copy(ROOT / "content" / "images" / "first-aid-kit.png", images / "burn.png")
    (folder / "burns-in-a-hurry.md").write_text(
        BAD.format(long="Cool the burn. " * 12, share="Cool it now, please. " * 15),
        encoding="utf-8",
    )
    assert run(["git", "init", "-q", "-b", "main"], repo).returncode == 0
    assert run(["git", "add", "content", CONFIG.name], repo).returncode == 0
    return repo


def staged(repo: Path) -> list[str]:
    out = run(["git", "diff", "--cached", "--name-only", "--diff-filter=ACMR"], repo).stdout
    return [line for line in out.splitlines() if line.endswith(".md")]


def hook_entry() -> list[str]:
    """The content hook's command, run from the repository as pre-commit runs it."""
    hooks = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["repos"][0]["hooks"]
    return next(h for h in hooks if h["id"] == "sharewell-content")["entry"].split()


def test_every_hook_is_local_and_uses_installed_tools():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert [r["repo"] for r in config["repos"]] == ["local"]
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff-lint", "ruff-format", "sharewell-content"}
    assert all(h["language"] == "system" for h in hooks.values())
    # The project's Python, found without activation (bin/sharewell-python), never `python`.
    assert hooks["ruff-lint"]["entry"].startswith("bin/sharewell-python -m ruff check")
    assert hooks["ruff-format"]["entry"].startswith("bin/sharewell-python -m ruff format")
    assert hooks["sharewell-content"]["entry"] == "bin/sharewell-python -m tools.precommit"
    assert "content/" in hooks["sharewell-content"]["files"]


def test_hook_passes_a_good_staged_file(repo):
    good = [f for f in staged(repo) if "treating" in f]
    result = run([*hook_entry(), *good], repo)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()


def test_hook_fails_a_bad_staged_file_with_the_table(repo):
    result = run([*hook_entry(), *staged(repo)], repo)
    assert result.returncode == 1
    report = result.stderr
    assert "Content problems in staged files" in report
    assert "burns-in-a-hurry.md" in report
    assert "treating-a-minor-burn.md" not in report
    for expected in (
        "`last-reviewed` uses a hyphen",
        "write it with underscores",
        "the summary is 179 characters long (at most 160)",
        "`image` is set but `image_alt` is missing",
        "an image in the text has no alt text",
        "share text is",
        "health advice has no clinical reviewer",
    ):
        assert expected in " ".join(report.split()), expected


def test_hook_ignores_files_that_are_not_markdown(repo):
    (repo / "notes.txt").write_text("Summary: " + "x" * 500)
    assert run([*hook_entry(), "notes.txt"], repo).returncode == 0


@pytest.mark.skipif(
    shutil.which("pre-commit") is None
    and not Path(sys.executable).with_name("pre-commit").exists(),
    reason="pre-commit is not installed (pip install pre-commit)",
)
def test_pre_commit_runs_the_content_hook_offline(repo):
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    files = staged(repo)
    bad = run([pre_commit, "run", "sharewell-content", "--files", *files], repo)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Sharewell content checks" in bad.stdout
    assert "burns-in-a-hurry.md" in bad.stdout + bad.stderr
    good = [f for f in files if "treating" in f]
    ok = run([pre_commit, "run", "sharewell-content", "--files", *good], repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout
    # A commit of the bad file is refused by the installed hook.
    assert run([pre_commit, "install"], repo).returncode == 0
    commit = run(["git", "commit", "-q", "-m", "add articles"], repo)
    assert commit.returncode != 0
    assert "burns-in-a-hurry.md" in commit.stdout + commit.stderr


def test_a_draft_from_invoke_new_can_be_committed_with_warnings(repo):
    draft = repo / "content" / "articles" / "first-aid" / "how-to-treat-a-sprain.md"
    import datetime as dt

    from tools.new_article import article_text

    when = dt.datetime(2026, 3, 2, 9, 0)  # exactly what `invoke new` writes
    text = article_text("How to treat a sprain", "First aid", "Megan Price", when, draft.stem)
    draft.write_text(text, encoding="utf-8")
    result = run([*hook_entry(), str(draft.relative_to(repo))], repo)
    assert result.returncode == 0, result.stderr
    assert "0 errors" in result.stderr
    from tools.precommit import check_files
    from tools.site import load_settings

    problems = check_files([draft], load_settings(repo))
    assert {p.severity for p in problems} == {"warning"}
    assert any(p.problem.endswith("(a draft: fix it before publishing)") for p in problems)
    assert any("placeholder" in p.problem for p in problems)
