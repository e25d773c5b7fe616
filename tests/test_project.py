"""The project's promises to a newcomer: the README's quick start is what CI runs."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## 快速开始 / Quick start\n(.*?)(?=^## )", readme, re.S | re.M).group(1)
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the quick start holds exactly one code block"
    return [line for line in blocks[0].splitlines() if line.strip()]


def test_quick_start_has_two_commands_build_then_test():
    build, test = _quick_start_commands()
    assert build.endswith("fulian-report build 2021")
    assert "'.[test]'" in test and test.endswith("pytest")


def test_ci_runs_the_readme_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in _quick_start_commands():
        assert command in ci.splitlines()


# The lock: constraints.txt pins every package the quick start installs.

def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: “{line}” is not pinned with =="
            pins[_canonical(name)] = version
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list:
    from packaging.requirements import Requirement

    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and newer

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        texts.extend(extra)
    return [Requirement(text) for text in texts]


def test_quick_start_and_ci_install_from_the_lock():
    build, test = _quick_start_commands()
    assert "pip install -c constraints.txt ." in build
    assert "pip install -c constraints.txt -e '.[test]'" in test


def test_lock_pins_every_declared_dependency_within_its_bounds():
    pins = _lock()
    for requirement in _declared():
        name = _canonical(requirement.name)
        assert name in pins, f"{requirement} is declared in pyproject.toml but not locked: run scripts/update_lock.sh"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside {requirement}: run scripts/update_lock.sh"
        )


def test_lock_names_no_direct_dependency_that_pyproject_dropped():
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    direct = {_canonical(match) for match in re.findall(r"^([A-Za-z0-9_.-]+)==.*\n(?:\s+#.*\n)*?\s+#\s+(?:via\s+)?fulian-report", text, re.M)}
    assert direct == {_canonical(r.name) for r in _declared()}


def test_build_backend_is_pinned():
    tomllib = pytest.importorskip("tomllib")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    assert requires and all("==" in requirement for requirement in requires)


def test_installed_versions_are_the_locked_ones():
    """An install by the quick start gets exactly the locked versions (a second fresh install too)."""
    from importlib import metadata

    pins = _lock()
    installed = {_canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    for requirement in _declared():
        name = _canonical(requirement.name)
        assert name in installed, f"{name} is not installed: use the quick start's command"
    wrong = {name: (installed[name], version) for name, version in pins.items() if name in installed and installed[name] != version}
    assert not wrong, f"installed (version, locked version): {wrong}; install with -c constraints.txt"


def test_the_declared_licence_is_shipped():
    tomllib = pytest.importorskip("tomllib")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith(f"{declared} License")


# pre-commit installs the hook's tool without the lock: the hook pins what the tool runs with itself.

def _lock_sources() -> dict[str, set[str]]:
    """Each locked package → the packages constraints.txt says require it (its `# via` lines)."""
    sources: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith((" ", "#")) and "==" in line:
            current = _canonical(line.partition("==")[0].strip())
            sources[current] = set()
        elif current and (via := re.match(r"\s+#\s+(?:via\s+)?(\S.*)$", line)) and via.group(1) != "via":
            sources[current].add(_canonical(via.group(1).split()[0]))  # "fulian-report (pyproject.toml)" → fulian-report
    return sources


def _runtime_packages() -> set[str]:
    """The locked packages the tool runs with: its dependencies (not the test extra) and theirs."""
    from packaging.requirements import Requirement

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {_canonical(Requirement(text).name) for text in project["dependencies"]}
    sources = _lock_sources()
    while grown := {name for name, via in sources.items() if name not in needed and via & needed}:
        needed |= grown
    return needed


def test_the_pre_commit_hook_pins_what_the_tool_runs_with_at_the_locked_versions():
    import yaml

    pins = _lock()
    runtime = _runtime_packages()
    assert {"typer", "rich", "pydantic-core", "markupsafe", "anyio"} <= runtime  # transitive ones too
    assert not {"pytest", "selenium", "openxml-audit", "attrs", "trio"} & runtime  # the tests' only
    expected = sorted(f"{name}=={pins[name]}" for name in runtime)
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        listed = hook.get("additional_dependencies", [])
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", item) for item in listed), listed
        assert sorted(_canonical(name) + "==" + version for name, _, version in (p.partition("==") for p in listed)) == expected, (
            f"{hook['id']}: additional_dependencies should be the locked runtime packages:\n"
            + "".join(f"    - {item}\n" for item in expected)
        )
    # A data repository's own additional_dependencies would replace the list: the example sets none.
    example = yaml.safe_load((ROOT / "examples" / "ci" / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert not [hook for repo in example["repos"] for hook in repo["hooks"] if "additional_dependencies" in hook]
