"""The README's first hour, for real: a fresh clone, a new venv, its commands, nothing else.

`.ci/run` (CI: a clean clone on a fresh machine) runs this; on a workstation it runs with
SHAREWELL_FRESH_CLONE=1, and SHAREWELL_FRESH_CLONE=0 skips it in CI too. pip takes the wheels
from its cache (CI has just installed them) or the configured index (the install is
`pip install -e .`, as the README says): measured at 111 s on 2 busy cores, 48 s of it CPU.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
YES = {"1", "true", "yes"}


def run_it(env: dict[str, str]) -> bool:
    """SHAREWELL_FRESH_CLONE=1 runs it, =0 skips it; unset, CI runs it and workstations don't."""
    chosen = env.get("SHAREWELL_FRESH_CLONE", "").strip().lower()
    if chosen:
        return chosen in YES
    return env.get("CI", "").strip().lower() in YES


RUN_IT = run_it(dict(os.environ))
pytestmark = pytest.mark.fresh_clone


def readme_commands() -> list[str]:
    """The README's opening commands: its first two ```sh blocks."""
    return re.findall(r"```sh\n(.+?)\n```", README, flags=re.DOTALL)[:2]


def test_the_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    first, second = readme_commands()
    assert README.index("```sh") < README.index("## "), "the commands come first"
    assert first.split(" && ") == [
        "python3 -m venv .venv",
        ".venv/bin/pip install -e .",
        ".venv/bin/invoke build serve",
    ]
    assert second.split(" && ") == [
        "python3 -m venv .venv",
        ".venv/bin/pip install -e '.[test]'",
        ".venv/bin/invoke test-setup test",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert second in ci, ".ci/run must run the README's second command verbatim"
    # The one line for a new shell follows them.
    assert "```sh\n. .venv/bin/activate\n```" in README


def shell_env() -> dict[str, str]:
    """A new shell: no virtualenv active, none on PATH, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    ours = {str(Path(sys.prefix) / "bin"), str(Path(sys.executable).parent)}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p not in ours)
    env.pop("SHAREWELL_PORT", None)
    env.pop("SHAREWELL_HOST", None)
    return env


def sh(command: str, cwd: Path, env: dict[str, str], timeout: float = 900):
    started = time.monotonic()
    result = subprocess.run(
        ["/bin/sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result, time.monotonic() - started


def test_ci_runs_it_workstations_opt_in_and_zero_always_skips():
    assert run_it({"CI": "true"}) and run_it({"SHAREWELL_FRESH_CLONE": "1"})
    assert not run_it({}) and not run_it({"CI": ""})
    assert not run_it({"CI": "true", "SHAREWELL_FRESH_CLONE": "0"})


@pytest.mark.skipif(not RUN_IT, reason="CI runs it (or SHAREWELL_FRESH_CLONE=1): a minute of pip")
def test_the_first_command_in_a_fresh_clone_gives_a_styled_site_and_working_tools(tmp_path):
    if shutil.which("python3") is None or shutil.which("git") is None:
        pytest.fail("python3 and git are what the README assumes")
    clone = tmp_path / "sharewell"
    env = shell_env()
    sh(f"git clone -q {shlex.quote(str(ROOT))} {shlex.quote(str(clone))}", tmp_path, env)
    venv, install, build_serve = readme_commands()[0].split(" && ")
    sh(venv, clone, env)
    _, seconds = sh(install, clone, env, timeout=1200)
    print(f"fresh clone: `{install}` took {seconds:.0f} s")
    # The base install builds and serves; publishing's and testing's packages are extras.
    python = clone / ".venv" / "bin" / "python"
    probe = (
        "import importlib.util as u; "
        "print([m for m in ('boto3', 'pytest', 'moto') if u.find_spec(m)])"
    )
    missing = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert missing.stdout.strip() == "[]"
    # `invoke build serve`, on a free port (8000 may be taken on this machine).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert build_serve == ".venv/bin/invoke build serve"
    server = subprocess.Popen(
        [str(clone / ".venv" / "bin" / "invoke"), "build", "serve", "--port", str(port)],
        cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        while not (lines and lines[-1].startswith("Serving ")):
            line = server.stdout.readline()
            assert line or server.poll() is None, "".join(lines)
            lines.append(line)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/first-aid/how-to-do-cpr/", timeout=30) as page:
            html = page.read().decode()
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
        assert stylesheet.startswith(base + "/theme/css/")
        with urllib.request.urlopen(stylesheet, timeout=30) as css:
            assert css.status == 200 and len(css.read()) > 1000
        with pytest.raises(urllib.error.HTTPError) as missing_page:
            urllib.request.urlopen(base + "/no-such-page/", timeout=30)
        assert missing_page.value.code == 404
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=60)
    output = "".join(lines) + out
    assert "Traceback" not in output
    assert re.search(r"^reading  \d+ articles", output, flags=re.MULTILINE), output
    assert "Writing " not in output  # a quiet build
    # A new shell, nothing activated: the tasks and the content hook's Python are found.
    listing, _ = sh("./invoke --list", clone, env)
    assert "preview" in listing.stdout
    article = "content/articles/first-aid/how-to-do-cpr.md"
    hook, _ = sh(f"bin/sharewell-python -m tools.precommit {article}", clone, env)
    assert "Traceback" not in hook.stderr and "ModuleNotFoundError" not in hook.stderr
