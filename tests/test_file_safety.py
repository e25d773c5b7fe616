"""Files that are not the data's own, through the command line: each is a located Chinese error naming it.

Also what the property suite (test_file_safety_properties.py) shares: a run of the command line
under a time limit, and what its output must never hold."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fulian_report.cli import app
from fulian_report.filenames import MAX_STEM_BYTES
from tests.conftest import MINIMAL_ORG, TEMPLATES, write_org

# Planted in a file outside the data: no message, report or excerpt may ever show it.
SECRET = "外部机密-zq4817-marker"
# A run that takes longer than this is a hang (a FIFO opened for reading waits for ever).
RUN_SECONDS = 60
# Words of the tool's own Chinese messages that are Latin letters by nature.
_LATIN_WORDS = {
    "YAML", "UTF", "BOM", "GBK", "Word", "Excel", "WPS", "Windows", "Linux", "macOS", "chmod", "Tab",
    "name", "KB", "MB", "CON", "NUL", "PRN", "AUX", "COM", "LPT", "docx", "txt", "pdf", "json", "LibreOffice", "u", "r",
}
_EXCERPT = re.compile(r"^\s*\d*\s*\|")
_PATH = re.compile(r"\S*[/\\]\S*|\S+\.(?:yaml|yml|j2|docx|txt|pdf)\b")
_QUOTED = re.compile(r"“[^”]*”|\{\{.*?\}\}")
_WORD = re.compile(r"[A-Za-z]{2,}")

def run_cli(args: list[str]) -> Result:
    """The command line in-process (as tests/test_cli.py runs it), failing the test if it hangs.

    The run is a daemon thread: one that hangs for good fails its test and does not keep the
    test process from ending."""
    outcome: list[Result] = []
    worker = threading.Thread(target=lambda: outcome.append(CliRunner().invoke(app, [str(a) for a in args])), daemon=True)
    worker.start()
    worker.join(RUN_SECONDS)
    if not outcome:
        raise AssertionError(f"fulian-report {' '.join(map(str, args))} 没有在 {RUN_SECONDS} 秒内结束")
    return outcome[0]


def english_words(output: str, own: tuple[str, ...] = ("demo",)) -> list[str]:
    """Latin words in the tool's own words: file names, quoted names, the lines of data shown and
    the organisations' folder names (`own`) are not counted."""
    found = []
    for line in output.splitlines():
        if _EXCERPT.match(line):
            continue
        line = _QUOTED.sub("", _PATH.sub("", line))
        found.extend(w for w in _WORD.findall(line) if w not in _LATIN_WORDS and w not in own)
    return found


def assert_clean(result: Result, out: Path | None = None, own: tuple[str, ...] = ("demo",)) -> None:
    """Exit 0 or 1, no traceback, no English, nothing from outside the data (in the output or the reports)."""
    output = result.output
    assert result.exit_code in (0, 1), (result.exit_code, output, result.exception)
    assert "Traceback" not in output and "Error" not in output, output
    assert SECRET not in output, output
    assert not english_words(output, own), (english_words(output, own), output)
    if out is not None and out.exists():
        for path in out.rglob("*"):
            if path.is_file():
                assert SECRET.encode("utf-8") not in path.read_bytes(), path


def _org(tmp_path: Path, **files: str) -> Path:
    """A small fictional organisation (示例区妇联), with a secret file planted beside the data."""
    (tmp_path / "secret.yaml").write_text(f"visits:\n  received: {SECRET}\n", encoding="utf-8")
    return write_org(tmp_path / "data", dict(MINIMAL_ORG, **files))


def _both(tmp_path: Path, *extra: str) -> tuple[Result, Result]:
    data, out = tmp_path / "data", tmp_path / "out"
    checked = run_cli(["validate", data])
    built = run_cli(["build", "2021", "--data", data, "--out", out, "--format", "txt", *extra])
    assert_clean(checked)
    assert_clean(built, out)
    return checked, built


def _refused(tmp_path: Path, name: str, words: str, *extra: str) -> None:
    for result in _both(tmp_path, *extra):
        assert result.exit_code == 1, result.output
        assert any(line.endswith(words) or words in line for line in result.output.splitlines() if name in line), result.output


def test_a_data_file_linked_outside_is_refused_and_never_shown(tmp_path):
    folder = _org(tmp_path)
    (folder / "cases.yaml").unlink()
    (folder / "cases.yaml").symlink_to(tmp_path / "secret.yaml")
    _refused(tmp_path, "demo/cases.yaml: 错误", "符号链接")


def test_a_data_file_linked_to_itself_is_refused(tmp_path):
    folder = _org(tmp_path)
    (folder / "cases.yaml").unlink()
    (folder / "cases.yaml").symlink_to(folder / "cases.yaml")
    _refused(tmp_path, "demo/cases.yaml: 错误", "符号链接")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_data_file_linked_to_a_device_is_refused_at_once(tmp_path, device):
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    folder = _org(tmp_path)
    (folder / "cases.yaml").unlink()
    (folder / "cases.yaml").symlink_to(device)
    _refused(tmp_path, "demo/cases.yaml: 错误", "符号链接")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_among_the_data_does_not_hang(tmp_path):
    folder = _org(tmp_path)
    (folder / "cases.yaml").unlink()
    os.mkfifo(folder / "cases.yaml")
    _refused(tmp_path, "demo/cases.yaml: 错误", "特殊文件")
    assert_clean(run_cli(["validate", folder / "cases.yaml"]))


def test_a_folder_named_cases_yaml_is_not_skipped_silently(tmp_path):
    folder = _org(tmp_path)
    (folder / "cases.yaml").unlink()
    (folder / "cases.yaml").mkdir()
    _refused(tmp_path, "demo/cases.yaml: 错误", "文件夹")


def test_a_linked_organisation_folder_is_refused_and_the_others_are_built(tmp_path):
    outside = write_org(tmp_path / "elsewhere", dict(MINIMAL_ORG, **{"cases.yaml": f"visits:\n  received: {SECRET}\n"}))
    write_org(tmp_path / "data", MINIMAL_ORG, org="other")
    (tmp_path / "data" / "2021" / "demo").symlink_to(outside, target_is_directory=True)
    (tmp_path / "data" / "2021" / "demo2").symlink_to(tmp_path / "data" / "2021" / "other", target_is_directory=True)
    for result in _both(tmp_path):
        assert result.exit_code == 1, result.output
        for org in ("demo", "demo2"):
            assert f"2021/{org}: 错误：这个文件夹是一个符号链接" in result.output, result.output
    assert [p.name for p in (tmp_path / "out" / "2021").glob("*.txt")] == ["示例区妇联2021年度工作总结.txt"]
    assert_clean(run_cli(["validate", tmp_path / "data" / "2021" / "demo"]))


def _style(tmp_path: Path) -> Path:
    style = tmp_path / "mystyle"
    shutil.copytree(TEMPLATES / "furong", style)
    return style


def test_a_style_template_linked_outside_is_refused_and_not_put_into_the_report(tmp_path):
    _org(tmp_path)
    style = _style(tmp_path)
    (style / "leak.xml.j2").symlink_to(tmp_path / "secret.yaml")
    # The style's own main template, overriding the shared one, includes the link.
    main = style / "report.xml.j2"
    shared = (TEMPLATES / "_base" / "report.xml.j2").read_text(encoding="utf-8")
    main.write_text(shared.replace("</document>", "{% include 'leak.xml.j2' %}</document>"), encoding="utf-8")
    built = run_cli(["build", "2021", "--data", tmp_path / "data", "--out", tmp_path / "out", "--style", style, "--format", "txt"])
    assert_clean(built, tmp_path / "out")
    assert built.exit_code == 1 and "leak.xml.j2: 错误" in built.output and "符号链接" in built.output


@pytest.mark.parametrize("shape", ["link", "fifo", "folder"])
def test_a_style_yaml_that_is_no_regular_file_is_refused(tmp_path, shape):
    _org(tmp_path)
    style = _style(tmp_path)
    (style / "style.yaml").unlink()
    if shape == "link":
        (style / "style.yaml").symlink_to(tmp_path / "secret.yaml")
    elif shape == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs")
        os.mkfifo(style / "style.yaml")
    else:
        (style / "style.yaml").mkdir()
    built = run_cli(["build", "2021", "--data", tmp_path / "data", "--out", tmp_path / "out", "--style", style, "--format", "txt"])
    assert_clean(built, tmp_path / "out")
    assert built.exit_code == 1 and "style.yaml: 错误" in built.output


@pytest.mark.parametrize("named", ["organisation.yaml", "--style"])
def test_a_style_folder_that_is_a_link_is_refused_as_a_link_not_as_missing(tmp_path, monkeypatch, named):
    # Named styles are looked for under ./templates first: a scratch copy holds the link.
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    (tmp_path / "templates" / "x").symlink_to("/etc", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    _org(tmp_path, **({"organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("style: furong", "style: x")} if named == "organisation.yaml" else {}))
    extra = ("--style", "x") if named == "--style" else ()
    checked, built = _both(tmp_path, *extra)
    for result in (checked, built) if named == "organisation.yaml" else (built,):  # validate has no --style
        assert result.exit_code == 1, result.output
        assert "templates/x: 错误：这个文件夹是一个符号链接（快捷方式），不会读取" in result.output, result.output
        assert "找不到样式" not in result.output


def test_an_emptied_data_file_is_named_in_the_errors_it_causes(tmp_path):
    _org(tmp_path, **{"cases.yaml": "# 年底再填\n"})
    checked, built = _both(tmp_path)
    for result in (checked, built):
        assert result.exit_code == 1
        missing = [line for line in result.output.splitlines() if "不存在" in line]
        assert len(missing) == 2 and all("cases.yaml 是空的" in line for line in missing), result.output
        assert "cases.yaml:1:1: 警告：文件里只有注释" in result.output


@pytest.mark.parametrize("exists", [True, False])
def test_validate_and_build_agree_on_an_empty_or_missing_year(tmp_path, exists):
    _org(tmp_path)
    if exists:
        (tmp_path / "data" / "2030").mkdir()
    checked = run_cli(["validate", tmp_path / "data" / "2030"])
    built = run_cli(["build", "2030", "--data", tmp_path / "data", "--out", tmp_path / "out"])
    for result in (checked, built):
        assert_clean(result)
        assert result.exit_code == 1
    first = lambda result: next(line for line in result.output.splitlines() if "错误：" in line)  # noqa: E731
    assert first(checked) == first(built)
    assert "检查通过" not in checked.output


def test_a_data_root_with_an_empty_year_says_so(tmp_path):
    _org(tmp_path)
    (tmp_path / "data" / "2030").mkdir()
    checked = run_cli(["validate", tmp_path / "data"])
    assert checked.exit_code == 1 and "2030 下没有任何组织文件夹" in checked.output


def test_a_utf16_file_without_bom_is_read(tmp_path):
    folder = _org(tmp_path)
    (folder / "cases.yaml").write_bytes(MINIMAL_ORG["cases.yaml"].encode("utf-16-le"))
    checked, built = _both(tmp_path)
    assert checked.exit_code == 0 and built.exit_code == 0, built.output
    assert "UTF-16" in checked.output and "不是文本文件" not in checked.output


def test_a_title_too_long_for_a_file_name_is_shortened_the_same_way_with_a_warning(tmp_path):
    name = "示例区东湖街道第三社区妇女联合会" * 12
    organisation = MINIMAL_ORG["organisation.yaml"].replace("name: 示例区妇联", f"name: {name}")
    _org(tmp_path, **{"organisation.yaml": organisation})
    checked, built = _both(tmp_path)
    assert checked.exit_code == 0 and built.exit_code == 0, built.output
    for result in (checked, built):
        assert "organisation.yaml:1:1: 警告：报告标题不能原样用作文件名" in result.output
    (written,) = (tmp_path / "out" / "2021").glob("*.txt")
    assert len(written.stem.encode("utf-8")) <= MAX_STEM_BYTES and written.stem.startswith("示例区东湖街道")
    again = run_cli(["build", "2021", "--data", tmp_path / "data", "--out", tmp_path / "out", "--format", "txt"])
    assert again.exit_code == 0, again.output
    assert [p.name for p in (tmp_path / "out" / "2021").glob("*.txt")] == [written.name]


def test_validate_refuses_titles_that_become_one_file_name_as_build_does(tmp_path):
    _org(tmp_path)
    organisation = MINIMAL_ORG["organisation.yaml"].replace("name: 示例区妇联", "name: 示例区妇联*")
    write_org(tmp_path / "data", dict(MINIMAL_ORG, **{"organisation.yaml": organisation}), org="other")
    checked = run_cli(["validate", tmp_path / "data" / "2021"])
    built = run_cli(["build", "2021", "--data", tmp_path / "data", "--out", tmp_path / "out", "--format", "txt"])
    for result in (checked, built):
        assert_clean(result, tmp_path / "out", own=("demo", "other"))
        assert result.exit_code == 1 and "组织 demo、other 的报告标题相同" in result.output, result.output


def test_a_year_folder_that_cannot_be_listed_is_a_chinese_error(tmp_path, monkeypatch):
    import errno

    from fulian_report import api

    _org(tmp_path)
    year = tmp_path / "data" / "2021"
    real_iterdir = Path.iterdir

    def refuse(self):
        if self == year:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))  # as for a user who is not root
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(api.FulianError) as caught:
        api.organisation_folders(tmp_path / "data", 2021)
    (finding,) = caught.value.findings
    assert "没有读取这个文件夹的权限" in finding.message and "Permission" not in finding.message
    assert [f.message for f in api.validate([year])] == [finding.message]
