"""The GitHub Actions workflows: actionlint-clean, pinned, and calling our documented tasks."""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit: pip install pre-commit")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(
    r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+(\.\d+)*\s*$"
)
# Tasks other issues add to tasks.py; until they land, their checks are skipped, not failed.
PENDING_TASKS = {"publish", "review-report"}


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads a bare `on` as True
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def invoke_calls(text: str) -> list[list[str]]:
    """Return each `invoke ...` command line as its words."""
    calls = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("invoke "):
            calls.append(shlex.split(line)[1:])
    return calls


def actionlint() -> str | None:
    found = os.environ.get("ACTIONLINT") or shutil.which("actionlint")
    local = Path(sys.executable).with_name("actionlint")
    return found or (str(local) if local.exists() else None)


def test_there_are_three_workflows():
    assert {p.name for p in WORKFLOWS} == {"pull-request.yml", "publish.yml", "nightly.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(path):
    binary = actionlint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint missing in CI: `pip install -e '.[test]'` installs it")
        pytest.skip("actionlint not installed: pip install -e '.[test]'")
    # shellcheck is used when installed; without it actionlint still checks everything else.
    result = subprocess.run(
        [binary, "-no-color", str(path)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path):
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    for line in lines:
        if "uses: ./" in line:
            continue  # our own reusable workflow
        assert SHA_PIN.match(line), f"not pinned to a full SHA with a version comment: {line}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_keep_credentials_and_permissions_are_minimal(path):
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_pull_request_workflow_checks_builds_uploads_and_summarises():
    workflow = load(ROOT / ".github/workflows/pull-request.yml")
    assert "pull_request" in workflow["on"]
    text = runs(workflow)
    assert ["check"] in invoke_calls(text)
    assert ["build", "--publish"] in invoke_calls(text)
    uploads = [
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert any(s["with"]["path"] == "output/" for s in uploads)
    assert "python -m tools.workflow.ci_summary" in text
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the summary diffs against the base branch
    # The summary is written even when the checks fail, and then the job fails.
    summary = next(s for s in steps(workflow) if "tools.workflow.ci_summary" in s.get("run", ""))
    assert summary["if"] == "always()"
    assert "exit 1" in steps(workflow)[-1]["run"]


def test_push_to_main_publishes_to_the_configured_target():
    workflow = load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_call" in workflow["on"]
    job = workflow["jobs"]["publish"]
    assert job["env"]["DEPLOY_TARGET"] == "${{ vars.DEPLOY_TARGET }}"
    assert ["publish", "--target", "$DEPLOY_TARGET"] in invoke_calls(runs(workflow))
    secrets = re.findall(r"secrets\.(\w+)", (ROOT / ".github/workflows/publish.yml").read_text())
    assert {"DEPLOY_SSH_PRIVATE_KEY", "AWS_SECRET_ACCESS_KEY"} <= set(secrets)
    assert job["concurrency"]["cancel-in-progress"] is False


def test_nightly_rebuilds_publishes_and_reports_reviews():
    workflow = load(ROOT / ".github/workflows/nightly.yml")
    assert workflow["on"]["schedule"][0]["cron"] == "30 0 * * *"
    publish = workflow["jobs"]["publish"]
    assert publish["uses"] == "./.github/workflows/publish.yml"
    assert publish["secrets"] == "inherit"
    reviews = workflow["jobs"]["reviews"]
    assert reviews["permissions"]["issues"] == "write"
    assert reviews["env"]["REVIEW_DAYS"] == "30"
    text = runs(workflow)
    assert ["review-report"] in invoke_calls(text)
    assert "python -m tools.workflow.review_alert" in text
    assert "gh issue create" in text
    assert "exit 1" in reviews["steps"][-1]["run"]


def _tasks():
    sys.path.insert(0, str(ROOT))
    from invoke import Collection

    import tasks

    return Collection.from_module(tasks)


def all_invoke_calls() -> list[list[str]]:
    calls = []
    for path in WORKFLOWS:
        calls += invoke_calls(runs(load(path)))
    return calls


@pytest.mark.parametrize("call", all_invoke_calls(), ids=" ".join)
def test_workflows_call_documented_invoke_tasks_with_real_options(call):
    collection = _tasks()
    name, options = call[0], [w for w in call[1:] if w.startswith("--")]
    if name not in collection.task_names:
        if name in PENDING_TASKS:
            pytest.skip(f"`invoke {name}` is added by another issue and is not in tasks.py yet")
        pytest.fail(f"`invoke {name}` is not a task in tasks.py")
    task = collection[name]
    assert (task.__doc__ or task.body.__doc__ or "").strip(), f"`invoke {name}` has no docstring"
    params = inspect.signature(task.body).parameters
    for option in options:
        assert option[2:].replace("-", "_") in params, f"`invoke {name}` has no {option}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if name not in PENDING_TASKS:
        assert f"invoke {name}" in readme, f"`invoke {name}` is not documented in README.md"
