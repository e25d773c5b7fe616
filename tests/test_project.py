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


def _readme_section(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^##+ )", readme, re.S | re.M)
    assert found, f"README.md has a section “{heading}”"
    return found.group(1)


def test_the_windows_instructions_run_in_powershell_5_1_as_written():
    """PowerShell 5.1 rejects `&&`, `python3` opens the Store, and the default policy blocks Activate.ps1."""
    blocks = re.findall(r"```powershell\n(.*?)```", _readme_section("### Windows（PowerShell）"), re.S)
    assert blocks, "the Windows instructions are PowerShell code blocks"
    lines = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert not [line for line in lines if "&&" in line or "||" in line], "PowerShell 5.1 has no && or ||"
    assert not [line for line in lines if re.search(r"\bpython3\b", line)], "python3 opens the Microsoft Store"
    assert lines[0] == "py -3 -m venv .venv"
    for block in blocks:
        if "Activate.ps1" in block:
            assert block.index("Set-ExecutionPolicy -Scope Process -ExecutionPolicy Bypass") < block.index("Activate.ps1")
    installs = [line for line in lines if " install " in line]
    assert installs and all(line.startswith(".venv\\Scripts\\python -m pip install -c constraints.txt ") for line in installs)
    assert ".venv\\Scripts\\fulian-report build 2021" in lines and ".venv\\Scripts\\python -m pytest" in lines


def test_the_readme_says_where_the_tool_comes_from_at_a_commit_that_exists():
    from tests.conftest import assert_commit_in_history

    section = _readme_section("## 从哪里取得本工具")
    url = re.search(r"^git clone (\S+\.git)$", section, re.M)
    commit = re.search(r"^git checkout (\S+)$", section, re.M)
    assert url and commit, "a git clone of the tool's repository and a git checkout of one commit"
    assert_commit_in_history(commit.group(1), "README.md 从哪里取得本工具")
    examples = (ROOT / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    assert f'TOOL_REPO: "{url.group(1)}"' in examples and f'TOOL_REF: "{commit.group(1)}"' in examples
    # For those who only run it: one command each, with the lock.
    assert 'pipx install --pip-args="-c $PWD/constraints.txt" .' in section
    assert "uv tool install -c constraints.txt ." in section


# The lock: constraints.txt pins every package the quick start installs, on every Python and platform
# the project claims; a package only some of them need carries an environment marker.

def _pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: tomli, pytest's own dependency there, is the same parser
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock_entries() -> list:
    """constraints.txt's lines as requirements: a name, ==version and, on some lines, a marker."""
    from packaging.requirements import Requirement

    entries = []
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            entry = Requirement(line)
            pinned = list(entry.specifier)
            assert len(pinned) == 1 and pinned[0].operator == "==", f"constraints.txt: “{line}” is not pinned with =="
            entries.append(entry)
    return entries


def _environment(python: str | None = None, platform: str | None = None) -> dict[str, str]:
    """The marker environment of this interpreter, or of another Python (3.N) and platform (linux, win32)."""
    from packaging.markers import default_environment

    environment = dict(default_environment())
    if python:
        environment.update(python_version=python, python_full_version=f"{python}.0")
    if platform == "win32":
        environment.update(sys_platform="win32", os_name="nt", platform_system="Windows", platform_machine="AMD64")
    elif platform == "linux":
        environment.update(sys_platform="linux", os_name="posix", platform_system="Linux", platform_machine="x86_64")
    return environment


def _holds(entry, environment: dict[str, str]) -> bool:
    return entry.marker is None or entry.marker.evaluate({**environment, "extra": ""})


def _lock(environment: dict[str, str] | None = None) -> dict[str, str]:
    """Each package the lock pins where `environment` (this interpreter unless given) installs → its version."""
    environment = environment or _environment()
    pins = {}
    for entry in _lock_entries():
        if _holds(entry, environment):
            name = _canonical(entry.name)
            assert name not in pins, f"constraints.txt pins {name} twice for {environment['python_full_version']}"
            pins[name] = str(entry.specifier).removeprefix("==")
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list:
    from packaging.requirements import Requirement

    project = _pyproject()["project"]
    texts = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        texts.extend(extra)
    return [Requirement(text) for text in texts]


def _claimed_pythons() -> tuple[str, str]:
    """The oldest Python pyproject.toml claims (requires-python) and the newest (its classifiers)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    project = _pyproject()["project"]
    named = sorted((Version(c.rsplit("::", 1)[1].strip()) for c in project.get("classifiers", [])
                    if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)), key=lambda v: v.release)
    assert named, "pyproject.toml: classifiers name the Python versions the project is tested on"
    oldest = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"].strip())
    assert oldest, f"requires-python is “>=3.N”, not {project['requires-python']}"
    assert str(named[0]) == oldest.group(1), "the oldest classifier is requires-python's floor"
    assert all(SpecifierSet(project["requires-python"]).contains(f"{v}.0") for v in named)
    return oldest.group(1), str(named[-1])


PLATFORMS = ("linux", "win32")


def test_quick_start_and_ci_install_from_the_lock():
    build, test = _quick_start_commands()
    assert "pip install -c constraints.txt ." in build
    assert "pip install -c constraints.txt -e '.[test]'" in test


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("which", ["oldest", "newest"])
def test_lock_pins_every_declared_dependency_within_its_bounds_on_the_oldest_and_newest_python(which, platform):
    python = dict(zip(("oldest", "newest"), _claimed_pythons()))[which]
    pins = _lock(_environment(python, platform))
    for requirement in _declared():
        name = _canonical(requirement.name)
        assert name in pins, (f"{requirement} is declared in pyproject.toml but not locked for Python {python} "
                              f"on {platform}: run scripts/update_lock.sh")
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]} for Python {python}, outside {requirement}: run scripts/update_lock.sh"
        )


def _release_problems(name, version, requires_python, requires, pythons, lock=None) -> list[str]:
    """What keeps the locked release `name==version` (its Requires-Python and Requires-Dist as its metadata
    gives them) from installing from the lock on each of `pythons` and PLATFORMS."""
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    lock = lock or _lock
    problems = [f"constraints.txt pins {name}=={version}, which needs Python {requires_python}: not {python}"
                for python in pythons if not SpecifierSet(requires_python or "").contains(f"{python}.0", prereleases=True)]
    for python in pythons:
        for platform in PLATFORMS:
            environment = _environment(python, platform)
            locked = lock(environment)
            problems += [f"{name}=={version} needs {needed} on Python {python} ({platform}), not pinned there"
                         for needed in map(Requirement, requires) if _holds(needed, environment)
                         and _canonical(needed.name) not in locked]
    return problems


def test_the_locked_releases_installed_here_run_on_the_oldest_and_newest_python_with_their_dependencies_locked():
    """Read from the installed releases' own metadata: each supports both Pythons (a release that needs a newer
    Python than the oldest claimed ends the quick start there in ResolutionImpossible), and what each requires
    on either Python and platform is locked there too (a lock resolved on a newer Python misses those)."""
    from importlib import metadata

    pythons = _claimed_pythons()
    problems = []
    for name, version in _lock().items():
        try:
            release = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # test_installed_versions_are_the_locked_ones says so
        if release.version == version:  # otherwise idem
            problems += _release_problems(name, version, release.metadata.get("Requires-Python"), release.requires or [],
                                          pythons)
    assert not problems, "\n".join(problems) + "\nrun scripts/update_lock.sh (and lower a bound in pyproject.toml that asks for such a release)"


def test_the_release_check_finds_a_release_for_newer_pythons_and_a_dependency_left_unlocked():
    pythons = ("3.10", "3.13")
    assert _release_problems("filelock", "4.3.1", ">=3.11", [], pythons) == [
        "constraints.txt pins filelock==4.3.1, which needs Python >=3.11: not 3.10"]
    assert _release_problems("filelock", "4.1.0", ">=3.10", [], pythons) == []

    def resolved_on_311(environment):
        return {"anyio": "4.16.0", "idna": "3.21"}

    requires = ["idna>=2.8", "exceptiongroup>=1.0.2; python_version < '3.11'", "trio>=0.32; extra == 'trio'"]
    assert _release_problems("anyio", "4.16.0", ">=3.9", requires, pythons, resolved_on_311) == [
        "anyio==4.16.0 needs exceptiongroup>=1.0.2; python_version < \"3.11\" on Python 3.10 (linux), not pinned there",
        "anyio==4.16.0 needs exceptiongroup>=1.0.2; python_version < \"3.11\" on Python 3.10 (win32), not pinned there",
    ]


def test_lock_names_no_direct_dependency_that_pyproject_dropped():
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    direct = {_canonical(match) for match in re.findall(r"^([A-Za-z0-9_.-]+)==.*\n(?:\s+#.*\n)*?\s+#\s+(?:via\s+)?fulian-report", text, re.M)}
    assert direct == {_canonical(r.name) for r in _declared()}


def test_build_backend_is_pinned():
    requires = _pyproject()["build-system"]["requires"]
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
    declared = _pyproject()["project"]["license"]["text"]
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

    project = _pyproject()["project"]
    needed = {_canonical(Requirement(text).name) for text in project["dependencies"]}
    sources = _lock_sources()
    while grown := {name for name, via in sources.items() if name not in needed and via & needed}:
        needed |= grown
    return needed


def _written(requirement) -> str:
    """A requirement as the lists compare it: canonical name, specifier, marker."""
    return f"{_canonical(requirement.name)}{requirement.specifier}" + (f"; {requirement.marker}" if requirement.marker else "")


def test_the_pre_commit_hook_pins_what_the_tool_runs_with_at_the_locked_versions():
    """On every Python and platform: a package only some need is listed with the lock's marker, which pip evaluates."""
    import yaml
    from packaging.requirements import Requirement

    runtime = _runtime_packages()
    assert {"typer", "rich", "pydantic-core", "markupsafe", "anyio", "exceptiongroup"} <= runtime  # transitive ones too
    assert not {"pytest", "selenium", "openxml-audit", "attrs", "trio", "tomli"} & runtime  # the tests' only
    expected = sorted(_written(entry) for entry in _lock_entries() if _canonical(entry.name) in runtime)
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        listed = [Requirement(item) for item in hook.get("additional_dependencies", [])]
        assert all(len(item.specifier) == 1 and next(iter(item.specifier)).operator == "==" for item in listed), listed
        assert sorted(map(_written, listed)) == expected, (
            f"{hook['id']}: additional_dependencies should be the locked runtime packages:\n"
            + "".join(f"    - {item}\n" for item in expected)
        )
    # A data repository's own additional_dependencies would replace the list: the example sets none.
    example = yaml.safe_load((ROOT / "examples" / "ci" / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert not [hook for repo in example["repos"] for hook in repo["hooks"] if "additional_dependencies" in hook]
