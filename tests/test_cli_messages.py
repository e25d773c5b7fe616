"""The command line speaks Chinese by construction: the catalogue of click's and typer's
messages, the mistakes a person makes on every command, the help's metavars and columns."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from fulian_report import cli_text
from fulian_report.cli import app, run, run_command_line
from scripts.msgfmt import compile_mo, parse_po

CATALOGUE = cli_text.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{cli_text.DOMAIN}.po"
VALID_COMMANDS = ("build", "diff", "validate", "import", "init", "schema", "watch", "preview")
# Three English words in a row: a sentence the library wrote and nobody translated.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}")


def _english_in(text: str) -> list[str]:
    return ENGLISH.findall(text.replace("fulian-report", "程序"))


# Words a Chinese message may carry: the program's, its commands' and formats' names, data names.
OUR_WORDS = {"fulian", "report", *VALID_COMMANDS, "docx", "txt", "pdf", "text", "json", "organisation", "yaml", "period"}


def _english_words(text: str, args: list[str]) -> list[str]:
    """ASCII words left once what the person typed, option names and our own names are taken out:
    even one (“Missing argument”) is the library's English."""
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)
    for arg in sorted(args, key=len, reverse=True):
        text = text.replace(arg, " ")
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in OUR_WORDS]


def _translated_calls(package: str) -> list[tuple[str, str | None, Path]]:
    """Every (msgid, msgid_plural) a package's modules pass to gettext's `_`, `gettext` or `ngettext`."""
    spec = importlib.util.find_spec(package)
    calls = []
    for path in sorted(Path(spec.origin).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in ("_", "gettext") and node.args and isinstance(node.args[0], ast.Constant):
                calls.append((node.args[0].value, None, path))
            elif node.func.id == "ngettext" and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant):
                calls.append((node.args[0].value, node.args[1].value, path))
    return calls


def _fields(text: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return names | set(re.findall(r"%\((\w+)\)", text))


def test_the_compiled_catalogue_is_the_compilation_of_its_source():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.read_bytes() == compile_mo(parse_po(CATALOGUE.read_text(encoding="utf-8"))), (
        f"{compiled.name} is stale: run python scripts/msgfmt.py {CATALOGUE}"
    )


def test_the_compiler_reads_plurals_continuations_and_leaves_out_fuzzy_and_empty_entries():
    entries = parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "一"\nmsgstr[1] "多"\n\n'
        'msgid ""\n"long "\n"line"\nmsgstr "长"\n"行"\n\n'
        '#, fuzzy\nmsgid "guess"\nmsgstr "猜"\n\nmsgid "empty"\nmsgstr ""\n'
    )
    assert entries == {"": "Content-Type: text/plain; charset=UTF-8\n", "a\0as": "一\0多", "long line": "长行"}
    import gettext
    import io

    translations = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    assert translations.gettext("long line") == "长行" and translations.ngettext("a", "as", 2) == "多"


@pytest.mark.parametrize("package", ["typer", "click"])
def test_every_message_click_and_typer_translate_is_in_the_catalogue(package):
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed")
    calls = _translated_calls(package)
    assert len(calls) >= 10, f"no gettext calls found in {package}: the extraction is broken"
    catalogue = cli_text.catalogue()
    missing, wrong = [], []
    for msgid, plural, path in calls:
        forms = [catalogue._catalog.get(msgid)] if plural is None else [catalogue._catalog.get((msgid, i)) for i in (0, 1)]
        if any(form is None for form in forms):
            missing.append(f"{path.name}: {msgid!r}")
            continue
        allowed = _fields(msgid) | _fields(plural or "")
        for form in forms:
            if _english_in(form) or not _fields(form) <= allowed:
                wrong.append(f"{msgid!r} → {form!r}")
    assert not missing, "untranslated: " + "; ".join(missing)
    assert not wrong, "translated wrongly (English, or a name the library does not fill): " + "; ".join(wrong)


def test_the_catalogue_is_used_whatever_the_language_of_the_machine():
    script = (
        "import typer.core\n"
        "from fulian_report import cli_text\n"
        "from fulian_report.cli import run\n"
        "run(['-h'])\n"
        "assert typer.core._ is cli_text._, 'typer translates through gettext, not our catalogue'\n"
        "run(['nosuch'])\n"
    )
    environment = dict(os.environ, LANGUAGE="fr", LANG="fr_FR.UTF-8", LC_ALL="C.UTF-8")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "选项：" in result.stdout and "命令：" in result.stdout
    assert "错误：没有“nosuch”这个命令。" in result.stderr and not _english_in(result.stderr)


# Each command with arguments that parse, and the mistakes that can be made on it.
VALID = {
    "build": ["2021"], "diff": ["a.docx", "b.docx"], "validate": ["data"], "import": ["a.docx"],
    "init": ["2022"], "schema": [], "watch": ["2021"], "preview": ["2021"],
}
BAD_VALUE = {
    "build": ["twenty"], "diff": ["a.docx", "b.docx", "--debug=yes"], "validate": ["data", "--format"],
    "import": ["a.docx", "--year", "abc"], "init": ["2022", "--from", "last"], "schema": ["--out"],
    "watch": ["1800"], "preview": ["2021", "--port", "http"],
}
BAD_CHOICE = {"build": ["2021", "--format", "xml"], "validate": ["data", "--format", "xml"],
              "import": ["a.docx", "--format", "xml"], "init": ["2022", "--format", "xml"]}


def _mistakes():
    for command, valid in VALID.items():
        yield command, "unknown option", [command, *valid, "--bogus"]
        if valid:
            yield command, "missing argument", [command]
        yield command, "bad value", [command, *BAD_VALUE[command]]
        if command in BAD_CHOICE:
            yield command, "bad choice", [command, *BAD_CHOICE[command]]
        if command != "validate":  # it takes any number of paths
            yield command, "extra argument", [command, *valid, "surplus"]
    yield "", "unknown command", ["biuld", "2021"]
    yield "", "unknown option", ["--bogus", "build"]
    yield "", "missing command", ["--debug"]


@pytest.mark.parametrize(("command", "mistake", "args"), list(_mistakes()), ids=lambda value: str(value))
def test_a_mistake_on_any_command_is_told_in_chinese(command, mistake, args, capsys):
    assert run(args) == 2
    out, err = capsys.readouterr()
    assert not out
    lines = err.splitlines()
    assert lines[0].startswith(f"用法：fulian-report {command}".rstrip())
    assert lines[1].startswith("错误：") and len(lines[1]) > len("错误：") + 4
    assert lines[-1] == f"运行 fulian-report {command} -h 查看帮助。".replace("  ", " ")
    assert not _english_in(err), (mistake, err)
    assert not _english_words(err, args), (mistake, err)


@pytest.mark.parametrize(
    ("args", "said", "not_said"),
    [
        (["preview", "2021", "--port", "70000"], "--port 应是 0 至 65535 的整数（本机端口号", "1949"),
        (["preview", "2021", "--port", "abc"], "“abc”不是整数", "年"),
        (["build", "2021", "-j", "0"], "--jobs/-j 应是不小于 1 的整数（同时生成的进程数），“0”超出了范围。", "年"),
        (["build", "2021", "-j", "abc"], "--jobs/-j 应是不小于 1 的整数（同时生成的进程数），“abc”不是整数。", "年"),
        (["build", "3000"], "“年度”应是 1949 至 2100 的整数（报告年度），“3000”超出了范围。", "上半年"),
        (["init", "2022", "--from", "去年"], "--from 应是 1949 至 2100 的整数（年度），“去年”不是整数。上半年", "端口"),
        (["import", "a.docx", "--year", "2200"], "--year 应是 1949 至 2100 的整数", "端口"),
    ],
)
def test_a_refused_value_is_told_in_the_words_of_its_option(args, said, not_said, capsys):
    assert run(args) == 2
    message = capsys.readouterr().err.splitlines()[1]
    assert said in message and not_said not in message


def test_the_debug_option_is_taken_after_the_command_too(monkeypatch, capsys):
    from fulian_report import build_command, cli

    def broken(options):
        raise RuntimeError("a defect")

    monkeypatch.setattr(build_command, "run_build", broken)
    monkeypatch.setattr(cli, "_debug", False)
    assert run_command_line(["build", "2021"]) == 3
    assert "Traceback" not in capsys.readouterr().err
    for args in (["build", "2021", "--debug"], ["--debug", "build", "2021"]):
        monkeypatch.setattr(cli, "_debug", False)
        assert run_command_line(args) == 3
        err = capsys.readouterr().err
        assert "Traceback" in err and "RuntimeError: a defect" in err, args
    assert run_command_line(["build", "2021"]) == 3  # the next command line of a resident process
    assert "Traceback" not in capsys.readouterr().err


def _cells(text: str) -> int:
    """Display cells as a terminal draws them (measured here, not with the code under test)."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _help(args: list[str], capsys) -> str:
    assert run([*args, "-h"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["", *VALID])
def test_help_has_chinese_metavars_and_one_description_column_in_display_cells(command, capsys):
    text = _help([command] if command else [], capsys)
    usage = text.splitlines()[0]
    assert "{" not in usage and "OPTIONS" not in usage and "COMMAND" not in usage
    assert not re.search(r"<[^>]*[A-Za-z][^>]*>", text.replace("<年度>/<组织>/", "")), text  # <list[Path]>, <int>, <path>
    starts = set()
    section = None
    for line in text.splitlines():
        if re.fullmatch(r"\S+：", line):
            section = line
            continue
        if section and line.startswith("  ") and line.strip():
            term, gap, _description = re.split(r"( {2,})", line.strip(), maxsplit=1)
            starts.add(2 + _cells(term) + len(gap))
    assert len(starts) == 1, (starts, text)


def test_display_width_counts_chinese_as_two_cells():
    assert cli_text.display_width("--format <格式>") == len("--format <格式>") + 2
    assert cli_text.display_width("年度：2021") == 2 * 3 + 4


def test_a_file_that_is_not_data_is_an_error_at_that_file(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# 说明\n", encoding="utf-8")
    assert run(["validate", str(readme)]) == 1
    err = capsys.readouterr().err
    assert f"{readme}: 错误：“README.md”不是数据文件" in err
    stray = tmp_path / "fund.yaml"
    stray.write_text("a: 1\n", encoding="utf-8")
    assert run(["validate", str(stray)]) == 1
    assert "不认识的文件名“fund.yaml”" in capsys.readouterr().err


def test_the_real_entry_point_says_the_same(tmp_path):
    """Through launcher.py (its fast parser and its help kept on disk), as a person runs it."""
    from tests.conftest import ROOT

    def command(*args: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, FULIAN_REPORT_CACHE_DIR=str(tmp_path / "cache"), LANG="C", LC_ALL="C.UTF-8")
        return subprocess.run([sys.executable, "-m", "fulian_report", *args], cwd=ROOT, capture_output=True, text=True,
                              env=environment, timeout=120)

    result = command("preview", "2021", "--port", "70000")
    assert result.returncode == 2 and "错误：--port 应是 0 至 65535 的整数（本机端口号" in result.stderr
    result = command("build", "2021", "-j", "0")
    assert result.returncode == 2 and "进程数" in result.stderr and not _english_words(result.stderr, ["-j"])
    for _ in range(2):  # made, then kept on disk
        result = command("validate", "-h")
        assert result.returncode == 0 and "用法：fulian-report validate [选项] 路径..." in result.stdout
        assert "list[" not in result.stdout and "<格式>" in result.stdout
    result = command("build", "2021", "--org", "nowhere", "--debug")
    assert result.returncode == 1 and "nowhere" in result.stderr
