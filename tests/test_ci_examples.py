"""examples/ci/: valid YAML whose every fulian-report call names a command and options that exist."""

from __future__ import annotations

import re
import shlex

import pytest
import typer.main
import yaml

from fulian_report.cli import app
from tests.conftest import ROOT

CI = ROOT / "examples" / "ci"
FILES = sorted(CI.glob("*.yml")) + sorted(CI.glob("*.yaml"))


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
        for match in re.finditer(r"fulian-report\s+(.*?)(?=\s*(?:\|\||&&|[|;)]|$))", line):
            calls.append(shlex.split(match.group(1), comments=True))
    return calls


def test_there_are_a_github_a_gitlab_and_a_pre_commit_file():
    names = {path.name for path in FILES}
    assert {"github-actions.yml", "gitlab-ci.yml", "pre-commit-config.yaml"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_valid_yaml_calling_commands_and_options_that_exist(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    commands = typer.main.get_command(app).commands
    calls = [call for text in _commands(document) for call in fulian_calls(text)]
    assert calls, "calls fulian-report"
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
    hook = yaml.safe_load((CI / "pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    assert hook["entry"] == "fulian-report validate" and hook["files"].endswith(r"\.ya?ml$")


def test_the_call_finder_sees_a_wrong_option():
    calls = fulian_calls('fulian-report build "$Y" --chek && fulian-report diff a b | tee x')
    assert calls == [["build", "$Y", "--chek"], ["diff", "a", "b"]]
