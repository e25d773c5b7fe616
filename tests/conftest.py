"""Shared fixtures: the repository's own data, styles and golden files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"
GOLDEN = Path(__file__).resolve().parent / "golden"
# Fictional reports of the genre: other offices, other periods (see tests/genre/README.md).
GENRE = Path(__file__).resolve().parent / "genre"
ORGS = ("furong", "xiangdong")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="重新生成 tests/golden/built/ 下的基准文本")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _run_in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Styles are looked up under ./templates first, as for a user in the repository.
    monkeypatch.chdir(ROOT)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/ that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def write_org(root: Path, files: dict[str, str], year: int = 2021, org: str = "demo") -> Path:
    """Write a small organisation folder from YAML texts; returns the folder."""
    folder = root / str(year) / org
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


MINIMAL_ORG = {
    "organisation.yaml": """\
name: 示例区妇联
full_name: 示例市示例区妇女联合会
region: {province: 示例省, city: 示例市, district: 示例区}
report_date: 2022-01-10
style: furong
""",
    "narrative.yaml": """\
opening:
  - |-
    {{ year }}年，示例区妇联接待来访{{ cases.visits.received }}。
sections:
  - title: 维权服务
    paragraphs:
      - |-
        婚调委接待{{ cases.mediation.couples_received }}，调和{{ cases.mediation.couples_reconciled }}。
""",
    "cases.yaml": """\
visits:
  received: 55件
mediation:
  couples_received: 444对
  couples_reconciled: 134对
""",
}


def build_text(org: str, style: str | None = None, data_root: Path = DATA, year: int = 2021) -> str:
    """The plain text of one report, built through the public API."""
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from fulian_report.writers.text import to_text

    return to_text(make_document(load_org(data_root / str(year) / org), style))


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tool's disk cache (cache.py) in a folder of the test run's own, never the user's;
    the commands the tests start inherit it."""
    import os

    from fulian_report.cache import CACHE_VARIABLE

    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("cache"))


def second_year(root: Path, org: str = "furong", comparison_table: bool = True) -> Path:
    """A data root under `root` with the bundled `org` as 2021 and a filled 2022 made from it: every
    year one later, its couples mediated 445对 (444对 in 2021) and reconciled 130对 (134对);
    returns the 2022 folder."""
    import re

    last = root / "2021" / org
    shutil.copytree(DATA / "2021" / org, last)
    this = root / "2022" / org
    this.mkdir(parents=True)
    for path in last.glob("*.yaml"):
        text = re.sub(r"20(2[0-9])", lambda year: str(int(year.group(0)) + 1), path.read_text(encoding="utf-8"))
        (this / path.name).write_text(text, encoding="utf-8")
    cases = this / "cases.yaml"
    text = cases.read_text(encoding="utf-8").replace("couples_received: 444对", "couples_received: 445对")
    cases.write_text(text.replace("couples_reconciled: 134对", "couples_reconciled: 130对"), encoding="utf-8")
    if comparison_table:
        with (this / "organisation.yaml").open("a", encoding="utf-8") as organisation:
            organisation.write("comparison_table: true\n")
    return this


def assert_commit_in_history(ref: str, where: str) -> None:
    """`ref` (named in `where`) is a full commit hash of this repository's history: a tag or a commit that
    does not exist leaves whoever copies `where` with a fetch that fails. Skipped, saying so, where the
    project has no git history of its own (an unpacked sdist) or only part of it (a shallow clone)."""
    import re
    import subprocess

    assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{where}: “{ref}” is not a full commit hash (40 hex digits)"

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60)

    try:
        top = git("rev-parse", "--show-toplevel")
    except FileNotFoundError:
        pytest.skip("git is not installed: the pinned commits cannot be looked up")
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != ROOT:
        pytest.skip("no git history of the project here (an sdist?): the pinned commits cannot be looked up")
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone holds only part of the history: the pinned commits cannot be looked up")
    assert git("cat-file", "-e", f"{ref}^{{commit}}").returncode == 0, f"{where}: commit {ref} does not exist in this repository"
    assert git("merge-base", "--is-ancestor", ref, "HEAD").returncode == 0, (
        f"{where}: commit {ref} is not in the history of this branch (pin one of `git log`)")
