"""The command line: parse, call `api`, print.  No logic of its own.

Exit status: 0 success, 1 the data (or a template) is wrong, 2 the command
line is wrong.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(
    name="fulian-report",
    help="区妇联年度工作总结及工作计划生成工具：由 data/<年度>/<组织>/ 下的 YAML 数据生成 Word 文档。",
    add_completion=False,
    no_args_is_help=True,
    add_help_option=False,
)

_debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fulian-report {__version__}")
        raise typer.Exit()


def _help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit()


# Our own --help, so that its description is Chinese like every other option.
HELP_OPTION = typer.Option(False, "--help", "-h", callback=_help, is_eager=True, expose_value=False, help="显示帮助并退出。")


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
    debug: bool = typer.Option(False, "--debug", help="出现意外错误时显示完整的调试信息。"),
    show_help: bool = HELP_OPTION,
) -> None:
    global _debug
    _debug = debug


def _print_findings(findings) -> None:
    from .diagnostics import as_text

    if findings:
        typer.echo(as_text(findings), err=True)


STRICT_OPTION = typer.Option(False, "--strict", help="把警告也当作错误（退出码 1）。")


@app.command(add_help_option=False)
def build(
    year: int = typer.Argument(..., help="报告年度，如 2021。", min=1949, max=2100, metavar="年度"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，其下为 <年度>/<组织>/。"),
    out: Path = typer.Option(Path("out"), "--out", help="输出根目录，报告写到 <输出>/<年度>/。"),
    org: Optional[List[str]] = typer.Option(None, "--org", help="只生成这个组织（可重复）。"),
    style: Optional[str] = typer.Option(None, "--style", help="改用此样式：templates/ 下的样式名，或样式文件夹路径。"),
    fmt: List[str] = typer.Option(["docx"], "--format", help="输出格式：docx、txt（可重复）。"),
    strict: bool = STRICT_OPTION,
    force: bool = typer.Option(False, "--force", help="覆盖生成后又被修改过的报告文件。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """生成年度工作总结及工作计划（.docx）。"""
    from . import api
    from .errors import FulianError
    from .writers import WRITERS

    unknown = [f for f in fmt if f not in WRITERS]
    if unknown:
        raise typer.BadParameter(f"不支持的格式 {'、'.join(unknown)}；可用：{'、'.join(WRITERS)}", param_hint="--format")
    started = time.perf_counter()
    try:
        reports = api.build(year, data, out, org or None, style, tuple(dict.fromkeys(fmt)), strict=strict, force=force)
    except FulianError as exc:
        _print_findings(exc.findings)
        written = getattr(exc, "written", None)
        if written:
            typer.echo(f"生成未完成：见上面的错误；此前已写入 {'、'.join(str(p) for p in written)}。", err=True)
        else:
            typer.echo("生成失败：见上面的错误，未写入任何文件。", err=True)
        raise typer.Exit(1) from None
    warnings = [w for report in reports for w in report.warnings]
    if warnings:
        _print_findings(warnings)
    files = [path for report in reports for path in report.files]
    for path in files:
        typer.echo(f"已写入 {path}")
    elapsed = time.perf_counter() - started
    typer.echo(f"完成：{len(reports)} 个组织，{len(files)} 个文件，用时 {elapsed:.2f} 秒。")


@app.command(add_help_option=False)
def validate(
    paths: List[Path] = typer.Argument(..., help="数据根目录、年度文件夹、组织文件夹或单个 YAML 文件。", metavar="路径..."),
    strict: bool = STRICT_OPTION,
    fmt: str = typer.Option("text", "--format", help="输出格式：text（给人看，附出错的行）或 json（给程序，如 CI）。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """检查数据：列出所有错误和警告（文件:行:列）。"""
    from . import api
    from .diagnostics import as_json, counts
    from .diagnostics import strict as promote
    from .errors import FulianError

    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"不支持的格式 {fmt}；可用：text、json", param_hint="--format")
    try:
        findings = api.validate(paths)
    except FulianError as exc:
        findings = exc.findings
    if strict:
        findings = promote(findings)
    errors, _ = counts(findings)
    if fmt == "json":
        typer.echo(as_json(findings))
    else:
        _print_findings(findings)
        if not errors:
            typer.echo("检查通过。" if not findings else "检查通过（有警告）。")
    if errors:
        raise typer.Exit(1)


@app.command(add_help_option=False)
def schema(
    out: Path = typer.Option(Path("schema"), "--out", help="写到这个文件夹，每类数据文件一个 <名称>.schema.json。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """写出数据文件的 JSON Schema，供编辑器（如 VS Code 的 YAML 插件）边写边检查、补全。"""
    from . import api
    from .errors import FulianError

    try:
        written = api.write_schema(out)
    except FulianError as exc:
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(f"已写入 {path}")


# typer's own messages for command-line mistakes, in Chinese.  A message that
# matches none of these is shown as typer wrote it.
_USAGE_MESSAGES = [
    (r"Missing argument '?([^'.]+)'?\.", "缺少参数“{0}”。"),
    (r"Missing option '?([^'.]+)'?\.", "缺少选项 {0}。"),
    (r"No such command '(.+?)'\.", "没有“{0}”这个命令。"),
    (r"No such option: (\S+)", "没有 {0} 这个选项。"),
    (r"Option '?([^']+?)'? requires an argument\.", "选项 {0} 后面需要一个值。"),
    (r"Got unexpected extra arguments? \((.*)\)", "多余的参数：{0}。"),
    (r"Invalid value for '?([^':]+)'?: .*(?:valid integer|is not a valid integer).*", "“{0}”应是一个整数（年度，如 2021）。"),
    (r"Invalid value for '?([^':]+)'?: .*(?:less than or equal to|greater than or equal to|not in the range).*", "“{0}”超出了允许的范围（1949 至 2100）。"),
    (r"Invalid value for '?([^':]+)'?: (.*)", "“{0}”的值无效：{1}"),
]


def _usage_error_text(message: str) -> str:
    for pattern, chinese in _USAGE_MESSAGES:
        match = re.match(pattern, message.strip())
        if match:
            text = chinese.format(*match.groups())
            suggestion = re.search(r"Did you mean '?(--?[\w-]+|\w+)'?\?", message)
            if suggestion:
                text += f"是不是想写“{suggestion.group(1)}”？"
            return text
    return message


def _report_usage_error(error: Exception) -> None:
    message = error.format_message()
    if not message:  # no arguments at all: typer has printed the help already
        return
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage: ", "用法：").replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        typer.echo(usage, err=True)
    typer.echo(f"错误：{_usage_error_text(message)}", err=True)
    if ctx is not None:
        typer.echo(f"运行 {ctx.command_path} -h 查看帮助。", err=True)


def _chinese_panel_titles() -> None:
    """Help panels drawn by rich, when typer uses it, get Chinese titles."""
    try:
        from typer import rich_utils
    except ImportError:  # typer without rich: plain help, nothing to rename
        return
    for name, title in (
        ("ARGUMENTS_PANEL_TITLE", "参数"),
        ("OPTIONS_PANEL_TITLE", "选项"),
        ("COMMANDS_PANEL_TITLE", "命令"),
        ("ERRORS_PANEL_TITLE", "错误"),
    ):
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, title)


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (usage errors are 2)."""
    _chinese_panel_titles()
    try:
        result = app(args=args, standalone_mode=False, prog_name="fulian-report")
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("已中断。", err=True)
        return 130
    except Exception as error:
        if getattr(error, "exit_code", None) == 2 and hasattr(error, "format_message"):
            _report_usage_error(error)
            return 2
        raise
    return result if isinstance(result, int) else 0


def main() -> None:
    try:
        sys.exit(run())
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
        sys.exit(130)
    except Exception:  # noqa: BLE001 - the last line of defence for a user-facing tool
        if _debug:
            traceback.print_exc()
        else:
            typer.echo(
                "发生意外错误，这是本工具的缺陷而非您数据的问题；请加 --debug 重新运行，并把输出发给维护人员。",
                err=True,
            )
        sys.exit(3)
