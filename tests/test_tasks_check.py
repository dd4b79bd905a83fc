"""`invoke check` tells the truth about what it ran, and `invoke new` about what is left."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from invoke import MockContext, Result

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tasks():
    spec = importlib.util.spec_from_file_location("sharewell_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_fast_says_the_tests_were_not_run(tasks, capsys):
    context = MockContext(run=Result(exited=0))
    tasks.check.body(context, fast=True)
    out = capsys.readouterr().out
    assert "tests not run (--fast)" in out
    assert "the tests were not run (--fast)" in out
    assert "lint, tests and strict builds are clean" not in out
    assert not any("pytest" in call.args[0] for call in context.run.call_args_list)


def test_check_names_each_step_that_failed(tasks, capsys):
    context = MockContext(
        run={re.compile(r".*tools\.build"): Result(exited=1), re.compile(r".*"): Result(exited=0)}
    )
    with pytest.raises(SystemExit, match="check failed: dev build, publish build"):
        tasks.check.body(context, fast=True)
    out = capsys.readouterr().out
    assert "lint passed" in out and "dev build FAILED" in out


def test_a_full_check_runs_the_tests(tasks, capsys):
    context = MockContext(run=Result(exited=0))
    tasks.check.body(context, fast=False)
    out = capsys.readouterr().out
    assert "tests passed" in out and "lint, tests and strict builds are clean" in out
    assert any("pytest" in call.args[0] for call in context.run.call_args_list)


def test_invoke_new_refuses_a_misspelt_section_and_writes_nothing(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("tasks.py", "pelicanconf.py"):
        (project / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    (project / "plugins").symlink_to(ROOT / "plugins")
    (project / "theme").symlink_to(ROOT / "theme")
    (project / "content" / "articles" / "first-aid").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new", "Treating a sting", "--category", "Frist aid"],
        cwd=project, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    assert 'Did you mean --category "First aid"?' in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "content" / "articles").iterdir()) == ["first-aid"]
    made = subprocess.run(
        [sys.executable, "-m", "invoke", "new", "Treating a sting", "--category", "first aid",
         "--date", "2027-01-12"],
        cwd=project, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "FILL IN" in made.stdout
    text = (project / "content" / "articles" / "first-aid" / "treating-a-sting.md").read_text()
    assert "Date: 2027-01-12 09:00" in text and text.count("FILL IN:") == 5
