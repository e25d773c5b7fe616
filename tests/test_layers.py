"""The house's plan: the pipeline's stages import only downwards, and no modules import each
other in a circle.  The contracts are `[tool.importlinter]` in pyproject.toml; import-linter
checks them from the source text, without importing the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT_SECONDS = 120


def _lint_imports(project: Path, source: Path) -> subprocess.CompletedProcess:
    """`lint-imports` over the package found in `source`, with `project`'s pyproject.toml."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "lint-imports is not installed: pip install -c constraints.txt -e '.[test]'"
    environment = {**os.environ, "PYTHONPATH": str(source), "NO_COLOR": "1"}
    try:
        return subprocess.run(
            [command, "--config", str(project / "pyproject.toml"), "--no-cache"],
            cwd=project, env=environment, capture_output=True, text=True, timeout=LINT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"lint-imports did not finish in {LINT_SECONDS} s") from None


def test_stages_import_only_downwards_and_in_no_circle():
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def _copy_with_import(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the project's package and contracts, `line` added at the top of `module`."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "src" / "fulian_report", tmp_path / "src" / "fulian_report",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "src" / "fulian_report" / module
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_an_import_up_the_stages_is_refused(tmp_path):
    project = _copy_with_import(tmp_path, "model/quantities.py", "from ..render import environment")
    result = _lint_imports(project, project / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fulian_report.model.quantities -> fulian_report.render.environment" in result.stdout


def test_a_circle_within_one_stage_is_refused(tmp_path):
    # Both in the writers layer: the layers contract does not see it, the acyclic one does.
    project = _copy_with_import(tmp_path, "writers/text.py", "from . import docx")
    docx = project / "src" / "fulian_report" / "writers" / "docx.py"
    docx.write_text("from . import text\n" + docx.read_text(encoding="utf-8"), encoding="utf-8")
    result = _lint_imports(project, project / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No circle of imports between the modules of one package BROKEN" in result.stdout
