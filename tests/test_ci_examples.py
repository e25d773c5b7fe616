"""examples/ci/: valid YAML whose every fulian-report call names a command and options that exist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml

from fulian_report.cli import app
from tests.conftest import ROOT, assert_commit_in_history

CI = ROOT / "examples" / "ci"
FILES = sorted(CI.glob("*.yml")) + sorted(CI.glob("*.yaml")) + [ROOT / ".pre-commit-hooks.yaml"]


# The keys under which GitHub Actions, GitLab CI and pre-commit hold shell commands.
COMMAND_KEYS = {"run", "script", "before_script", "after_script", "entry"}


def _commands(value, key=None):
    """The shell texts of a CI file: strings under a command key, at any depth."""
    if isinstance(value, str):
        if key in COMMAND_KEYS:
            yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _commands(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _commands(item, key)


def fulian_calls(text: str) -> list[list[str]]:
    """Each `fulian-report …` call in a shell text, as words up to the end of the command."""
    calls = []
    for line in text.splitlines():
        for match in re.finditer(r"(?<![\w/.-])fulian-report\s+(.*?)(?=\s*(?:\|\||&&|[|;)]|$))", line):
            calls.append(shlex.split(match.group(1), comments=True))
    return calls


def test_there_are_a_github_a_gitlab_and_a_pre_commit_file():
    names = {path.name for path in FILES}
    assert {"github-actions.yml", "gitlab-ci.yml", "pre-commit-config.yaml"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_valid_yaml_calling_commands_and_options_that_exist(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, (dict, list))
    commands = typer.main.get_command(app).commands
    calls = [call for text in _commands(document) for call in fulian_calls(text)]
    assert calls or path.name == "pre-commit-config.yaml", "calls fulian-report"  # that one names the hook only
    for call in calls:
        name = call[0]
        assert name in commands, f"{path.name}: 没有 {name} 这个命令"
        options = {opt for param in commands[name].params for opt in param.opts}
        for word in call[1:]:
            if word.startswith("-"):
                assert word.split("=")[0] in options, f"{path.name}: {name} 没有选项 {word}"


def test_the_workflows_validate_build_and_publish():
    github = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["reports"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "fulian-report validate" in runs and "fulian-report build" in runs and "--check" in runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["reports"]["artifacts"]["paths"] == ["out/"]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    used = yaml.safe_load((CI / "pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert {hook["id"] for hook in used} <= {hook["id"] for hook in hooks}
    assert hooks[0]["entry"] == "fulian-report validate" and hooks[0]["files"].endswith(r"\.ya?ml$")


def test_the_call_finder_sees_a_wrong_option():
    calls = fulian_calls('fulian-report build "$Y" --chek && fulian-report diff a b | tee x')
    assert calls == [["build", "$Y", "--chek"], ["diff", "a", "b"]]
    assert fulian_calls("git -C ../fulian-report fetch -q x && pip install ../fulian-report") == []


def pinned_refs() -> dict[str, str]:
    """Where each example names the tool's version → the tag or commit it names."""
    github = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    pre_commit = yaml.safe_load((CI / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {
        "examples/ci/github-actions.yml TOOL_REF": str(github["env"]["TOOL_REF"]),
        "examples/ci/gitlab-ci.yml TOOL_REF": str(gitlab["variables"]["TOOL_REF"]),
        "examples/ci/pre-commit-config.yaml rev": str(pre_commit["repos"][0]["rev"]),
    }


@pytest.mark.parametrize("where", sorted(pinned_refs()))
def test_the_examples_pin_a_commit_that_exists(where):
    assert_commit_in_history(pinned_refs()[where], where)


def test_the_commit_check_refuses_a_tag_and_a_commit_that_do_not_exist():
    with pytest.raises(AssertionError, match="not a full commit hash"):
        assert_commit_in_history("v0.1.0", "例")
    with pytest.raises(AssertionError, match="does not exist"):
        assert_commit_in_history("0" * 40, "例")


# The workflows run as written: their shell steps, in order, in a scratch data repository whose
# main branch is the base and whose checked-out commit is the change (a merge request).

def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=示例", "-c", "user.email=x@example.org", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture
def data_repository(tmp_path):
    """A data repository: main holds the bundled data, the checked-out change edits one figure."""
    repo = tmp_path / "work" / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(tmp_path, "clone", "-q", "--bare", str(repo), str(tmp_path / "origin.git"))
    _git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    _git(repo, "fetch", "-q", "origin")
    cases = repo / "data" / "2021" / "furong" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("couples_received: 444对", "couples_received: 445对"),
                     encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "change one figure")
    return repo


def _environment(tmp_path, variables):
    """The CI's environment: the workflow's variables, the tool on PATH, the tool's source this repository."""
    shim = tmp_path / "shim"
    shim.mkdir()
    # The install step fetches the tool for real; pip itself is replaced by a check of what it is asked,
    # so that the test's own environment is not reinstalled.
    (shim / "pip").write_text(
        '#!/bin/sh\n[ "$1" = install ] && [ "$2" = -c ] && [ -f "$3" ] && [ -f "$4/pyproject.toml" ] '
        '&& echo "$@" >> "$PIP_CALLS"\n', encoding="utf-8")
    (shim / "pip").chmod(0o755)
    env = {**os.environ, **variables}
    env["PATH"] = os.pathsep.join([str(shim), str(Path(sys.executable).parent), env.get("PATH", "")])
    env["TOOL_REPO"] = ROOT.as_uri()
    env["TOOL_REF"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                     check=True).stdout.strip()
    env["PIP_CALLS"] = str(tmp_path / "pip-calls.txt")
    return env


def _run_step(command, cwd, env):
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result.stdout


def _github_expression(text, variables):
    text = text.replace("${{ github.base_ref }}", "main")
    return re.sub(r"\$\{\{ env\.(\w+) \}\}", lambda m: variables[m.group(1)], text)


def _github_condition(condition, repo):
    if condition is None:
        return True
    if condition == "hashFiles('out/**') != ''":
        return (repo / "out").exists()
    if condition == "github.event_name == 'pull_request'":
        return True
    raise AssertionError(f"a condition the test does not know: {condition}")


def test_the_github_workflow_runs_as_written_on_a_merge_request(data_repository, tmp_path):
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    variables = {name: str(value) for name, value in workflow["env"].items()}
    env = _environment(tmp_path, variables)
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    ran = []
    for step in workflow["jobs"]["reports"]["steps"]:
        if "run" in step and _github_condition(step.get("if"), data_repository):
            _run_step(_github_expression(step["run"], variables), data_repository, env)
            ran.append(step["name"])
    assert len(ran) == 4  # install, validate, build, compare; no out/ committed, so no --check
    assert (tmp_path / "pip-calls.txt").read_text(encoding="utf-8").count("install -c") == 1
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    fenced = re.search(r"^```diff\n(.*?)^```$", summary, re.S | re.M)
    assert fenced, summary
    diff = fenced.group(1)
    assert diff.count("改动：共接待准离婚夫妻“444”→“445”") == 2  # the .docx and the .txt
    assert "只在" not in diff and "共 2 处改动，涉及 2 份报告。" in diff  # base and change in the same formats
    assert any(line.startswith("- ") for line in diff.splitlines()) and any(line.startswith("+ ") for line in diff.splitlines())


def test_the_gitlab_pipeline_runs_as_written_on_a_merge_request(data_repository, tmp_path):
    pipeline = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    variables = {name: str(value) for name, value in pipeline["variables"].items()}
    env = _environment(tmp_path, variables)
    env.update(CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    before = [line for line in pipeline["default"]["before_script"] if not line.startswith("apt-get")]
    for job in ("validate", "reports", "report-diff"):
        for line in before + pipeline[job]["script"]:
            _run_step(line, data_repository, env)
    diff = (data_repository / "report-diff.txt").read_text(encoding="utf-8")
    assert diff.count("“444”→“445”") == 2 and "只在" not in diff


def test_the_pre_commit_hook_checks_the_changed_data_files(data_repository, tmp_path):
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    changed = ["data/2021/furong/cases.yaml"]
    assert all(re.search(hook["files"], name) for name in changed)
    env = _environment(tmp_path, {})
    _run_step(" ".join([hook["entry"], *changed]), data_repository, env)
    broken = data_repository / changed[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("445对", "-445对"), encoding="utf-8")
    result = subprocess.run(["bash", "-c", " ".join([hook["entry"], *changed])], cwd=data_repository, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "cases.yaml:10:" in result.stdout + result.stderr
