"""The Invoke tasks people run: `invoke new`, `invoke build --strict`, `invoke --list`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INVOKE = [sys.executable, "-m", "invoke"]
EXPECTED_TASKS = {
    "clean",
    "build",
    "rebuild",
    "regenerate",
    "serve",
    "reserve",
    "livereload",
    "preview",
    "new",
    "check",
    "test",
    "lint",
    "format",
    "translations",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (code, theme, content) that tasks may change."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "theme", copy / "theme")
    shutil.copytree(
        ROOT / "plugins", copy / "plugins", ignore=shutil.ignore_patterns("__pycache__")
    )
    # The whole content/: pages link to sections that need their articles.
    shutil.copytree(ROOT / "content", copy / "content")
    return copy


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(
        [*INVOKE, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def test_list_shows_every_task_with_a_docstring():
    result = subprocess.run(
        [*INVOKE, "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    listed = {
        line.split()[0]: line
        for line in result.stdout.splitlines()[2:]
        if line.strip() and not line.startswith("    ")
    }
    assert set(listed) >= EXPECTED_TASKS
    for name in EXPECTED_TASKS:
        assert len(listed[name].split()) > 2, f"`{name}` needs a one-line docstring"


def test_new_creates_a_complete_draft_that_builds(project):
    result = invoke(
        project,
        "new",
        "How to treat a sprained ankle",
        "--category",
        "First aid",
        "--author",
        "Megan Price",
    )
    assert result.returncode == 0, result.stderr
    path = project / "content" / "articles" / "first-aid" / "how-to-treat-a-sprained-ankle.md"
    text = path.read_text(encoding="utf-8")
    for field in (
        "Title: How to treat a sprained ankle",
        "Date: ",
        "Modified: ",
        "Category: First aid",
        "Slug: how-to-treat-a-sprained-ankle",
        "Author: Megan Price",
        "Summary: ",
        "Tags: ",
        "Status: draft",
    ):
        assert field in text
    build = invoke(project, "build")
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    draft = project / "output" / "drafts" / "first-aid" / "how-to-treat-a-sprained-ankle"
    assert (draft / "index.html").exists()
    # The placeholder summary is what `check` / a strict build must flag.
    strict = invoke(project, "build", "--strict")
    assert strict.returncode != 0
    assert "summary" in strict.stderr
    assert "placeholder" in strict.stderr


def test_new_refuses_to_overwrite_and_rejects_bad_dates(project):
    assert invoke(project, "new", "Burns", "--category", "First aid").returncode == 0
    again = invoke(project, "new", "Burns", "--category", "First aid")
    assert again.returncode != 0
    assert "already exists" in again.stderr
    bad = invoke(project, "new", "Cuts", "--category", "First aid", "--date", "soon")
    assert bad.returncode != 0
    assert "YYYY-MM-DD" in bad.stderr


def test_build_strict_fails_on_a_warning(project):
    article = project / "content" / "articles" / "first-aid" / "odd.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(
        "Title: Odd\nDate: 2025-02-03 10:00\nCategory: First aid\nTags: a, b\n"
        "Summary: A fine summary.\nlast-reviewed: 2025-01-01\n\nBody.\n"
    )
    plain = invoke(project, "build")
    assert plain.returncode != 0 or "last-reviewed" in plain.stderr
    strict = invoke(project, "build", "--strict")
    assert strict.returncode != 0
    assert "odd.md" in strict.stderr
    assert "last_reviewed" in strict.stderr
    assert "Traceback" not in strict.stderr + strict.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_listens_where_the_environment_says(project):
    import time
    import urllib.request

    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("<h1>served</h1>")
    port = _free_port()
    env = {**os.environ, "SHAREWELL_HOST": "127.0.0.1", "SHAREWELL_PORT": str(port)}
    server = subprocess.Popen(
        [*INVOKE, "serve"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert b"served" in response.read()
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("invoke serve did not answer on SHAREWELL_PORT")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_new_with_lang_scaffolds_a_translation_that_builds(project):
    result = invoke(
        project, "new", "Gwaedu difrifol", "--lang", "cy",
        "--translation-of", "severe-bleeding",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = project / "content" / "articles" / "first-aid" / "severe-bleeding.cy.md"
    text = path.read_text(encoding="utf-8")
    for field in ("Title: Gwaedu difrifol", "Lang: cy", "translation_of: severe-bleeding",
                  "Category: First aid", "Status: draft", "!!! emergency"):  # fmt: skip
        assert field in text, field
    assert "reviewed_by" not in text  # the translation gets its own review
    build = invoke(project, "build")
    assert build.returncode == 0, build.stderr
    assert (project / "output/drafts/cy/first-aid/severe-bleeding/index.html").is_file()
    again = invoke(project, "new", "X", "--lang", "cy", "--translation-of", "severe-bleeding")
    assert again.returncode != 0 and "already exists" in again.stderr
    missing = invoke(project, "new", "X", "--lang", "cy", "--translation-of", "no-such-slug")
    assert missing.returncode != 0 and "no-such-slug" in missing.stderr
    half = invoke(project, "new", "X", "--lang", "cy")
    assert half.returncode != 0 and "--translation-of" in half.stderr
