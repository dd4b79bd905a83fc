"""Tasks and hooks find the project's Python in a new shell, with nothing activated.

A checkout here gets a `.venv/` of its own (a real venv whose site-packages lead to this
test run's environment), and commands run with PATH=/usr/bin:/bin: no venv on PATH, no
VIRTUAL_ENV — the shell a writer opens the next morning.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BARE_PATH = "/usr/bin:/bin"


def make_venv(where: Path) -> Path:
    """Make a venv at ``where`` whose packages are this environment's (no download)."""
    subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(where)],
        check=True, capture_output=True,
    )  # fmt: skip
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(
        subprocess.run(
            [str(where / "bin" / "python"), "-c", ask], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    ours = sysconfig.get_path("purelib")
    (site / "sharewell-test.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return where / "bin" / "python"


def bare_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "SHAREWELL_PYTHON"}}
    env.update(PATH=BARE_PATH, PYTHONPATH=str(ROOT / "plugins"), **extra)
    return env


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with the wrapper scripts (copied, as a clone has them) and tasks.py."""
    repo = tmp_path / "checkout"
    repo.mkdir()
    shutil.copytree(ROOT / "bin", repo / "bin")
    for name in ("invoke", "tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, repo / name)
    for name in ("plugins", "theme"):
        (repo / name).symlink_to(ROOT / name)
    return repo


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def prefix_of(checkout: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["bin/sharewell-python", "-c", "import sys; print(sys.prefix)"], checkout, env)


def test_the_wrapper_finds_the_checkouts_venv_without_activation(checkout):
    make_venv(checkout / ".venv")
    result = prefix_of(checkout, bare_env())
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == checkout / ".venv"
    # From another folder too: the checkout is found from the script's own place.
    elsewhere = run(
        [str(checkout / "bin" / "sharewell-python"), "-c", "import sys; print(sys.prefix)"],
        checkout.parent, bare_env(),
    )  # fmt: skip
    assert Path(elsewhere.stdout.strip()) == checkout / ".venv"


def test_the_wrapper_uses_the_active_venv_or_an_explicit_python(checkout, tmp_path):
    other = make_venv(tmp_path / "elsewhere-venv")
    active = prefix_of(checkout, bare_env(VIRTUAL_ENV=str(tmp_path / "elsewhere-venv")))
    assert Path(active.stdout.strip()) == tmp_path / "elsewhere-venv"
    explicit = prefix_of(checkout, bare_env(SHAREWELL_PYTHON=str(other)))
    assert Path(explicit.stdout.strip()) == tmp_path / "elsewhere-venv"
    wrong = prefix_of(checkout, bare_env(SHAREWELL_PYTHON=str(tmp_path / "nope")))
    assert wrong.returncode == 127
    assert wrong.stderr.strip() == (
        f"sharewell: SHAREWELL_PYTHON={tmp_path / 'nope'} is not a Python that can be run"
    )


def test_without_any_project_python_it_says_how_to_install(checkout, tmp_path):
    tools = tmp_path / "only-dirname"
    tools.mkdir()
    (tools / "dirname").symlink_to(shutil.which("dirname"))
    result = prefix_of(checkout, {**bare_env(), "PATH": str(tools)})
    assert result.returncode == 127
    assert result.stderr.strip() == (
        f"sharewell: no Python with the project installed; in {checkout} run: "
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
    )


def test_invoke_wrapper_lists_and_runs_tasks_in_a_bare_shell(checkout):
    make_venv(checkout / ".venv")
    listing = run(["./invoke", "--list"], checkout, bare_env())
    assert listing.returncode == 0, listing.stderr
    assert "serve" in listing.stdout and "preview" in listing.stdout


def test_env_puts_this_python_first():
    sys.path.insert(0, str(ROOT))
    import tasks

    env = tasks._env()
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT / "plugins")


@pytest.mark.skipif(
    not Path(sys.executable).with_name("pre-commit").exists(), reason="pre-commit not installed"
)
def test_pre_commit_outside_the_venv_runs_the_content_hook(checkout):
    make_venv(checkout / ".venv")
    shutil.copy2(ROOT / ".pre-commit-config.yaml", checkout / ".pre-commit-config.yaml")
    article = checkout / "content" / "articles" / "first-aid" / "burns.md"
    article.parent.mkdir(parents=True)
    article.write_text("Title: Burns\nDate: 2026-03-02 09:00\n\nText.\n", encoding="utf-8")
    env = bare_env(
        PRE_COMMIT_HOME=str(checkout.parent / "pre-commit-home"),
        SHAREWELL_TODAY="2026-03-10",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.org",
    )  # fmt: skip
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "content", ".pre-commit-config.yaml"],
    ):
        assert run(command, checkout, env).returncode == 0
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))
    assert run([pre_commit, "install"], checkout, env).returncode == 0
    # The installed git hook, from a shell where `python` is not the project's.
    commit = run(["git", "commit", "-q", "-m", "burns"], checkout, env)
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0, output
    assert "Sharewell content checks" in output
    assert "burns.md" in output
    assert "ModuleNotFoundError" not in output
    assert "Executable `python` not found" not in output
