"""The command line: parse, call `api`, print.  No logic of its own.

Exit status: 0 success, 1 the data (or a template) is wrong, 2 the command
line is wrong, 3 a fault of the tool itself, 130 Ctrl-C, 141 the reader of the
output went away (SIGPIPE); SIGTERM and SIGHUP end it by that signal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from . import __version__
from .cli_text import NOT_A_NUMBER_HINT, VALUE_WANTED, ChineseCommand, ChineseGroup, install_catalogue

app = typer.Typer(
    name="fulian-report",
    help="区妇联年度工作总结及工作计划生成工具：由 data/<年度>/<组织>/ 下的 YAML 数据生成 Word 文档。",
    cls=ChineseGroup,
    add_completion=False,
    no_args_is_help=True,
    add_help_option=False,
    rich_markup_mode=None,
    suggest_commands=False,  # ChineseGroup suggests, in Chinese
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)
COMMAND = {"cls": ChineseCommand, "add_help_option": False, "options_metavar": "[选项]"}

# What a value of these parameters must be, for the message about a value the parser refuses.
VALUE_WANTED.update({"year": "报告年度", "previous": "年度", "port": "本机端口号，0 为任选一个空闲端口", "jobs": "同时生成的进程数"})
_PERIOD_HINT = "上半年、季度或几年的报告也只写年份（期间的最后一年），期间写在 organisation.yaml 的 period 中。"
NOT_A_NUMBER_HINT.update({"year": _PERIOD_HINT, "previous": _PERIOD_HINT})

_debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fulian-report {__version__}")
        raise typer.Exit()


def _help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def _debug_option(value: bool) -> None:
    global _debug
    _debug = _debug or value  # given before the command or after it: either sets it


# --debug after the command too (`build 2021 --debug`), as before it.
DEBUG_OPTION = typer.Option(False, "--debug", callback=_debug_option, expose_value=False, help="出现意外错误时显示完整的调试信息。")


# Our own --help, so that its description is Chinese like every other option.
HELP_OPTION = typer.Option(False, "--help", "-h", callback=_help, is_eager=True, expose_value=False, help="显示帮助并退出。")


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    pass


def _print_findings(findings) -> None:
    from .build_command import print_findings

    print_findings(findings)


def _text_or_json(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"不支持的格式 {fmt}；可用：text、json", param_hint="--format")


def _answered(fmt: str, outcome: str, call):
    """`call(api)`'s result for a command whose --format is text or json; with json, the answer is
    printed here (`ok: true` and the result) and None returned.  A failure is said by `_failed`."""
    import json

    from . import api
    from .errors import FulianError

    _text_or_json(fmt)
    try:
        result = call(api)
    except FulianError as exc:
        _failed(exc.findings, fmt, outcome)
    if fmt != "json":
        return result
    typer.echo(json.dumps({"ok": True, **result.as_json()}, ensure_ascii=False, indent=2))
    return None


def _failed(findings, fmt: str, outcome: str) -> NoReturn:
    """A command that wrote nothing: its findings as JSON on stdout for a program (`--format json`,
    as validate gives them), else located lines and `outcome` on stderr; exit status 1."""
    if fmt == "json":
        import json

        from .diagnostics import as_json

        typer.echo(json.dumps({"ok": False, **json.loads(as_json(findings))}, ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        typer.echo(outcome, err=True)
    raise typer.Exit(1)


STRICT_OPTION = typer.Option(False, "--strict", help="把警告也当作错误（退出码 1）。")
# Shared by the commands that take them, in the same words everywhere.
YEAR_ARGUMENT = typer.Argument(..., help="报告年度，如 2021。", min=1949, max=2100, metavar="年度")
DATA_OPTION = typer.Option(Path("data"), "--data", metavar="<路径>", help="数据根目录，其下为 <年度>/<组织>/。")
OUT_OPTION = typer.Option(Path("out"), "--out", metavar="<路径>", help="输出根目录，报告写到 <输出>/<年度>/。")
STYLE_OPTION = typer.Option(None, "--style", metavar="<样式>", help="改用此样式：templates/ 下的样式名，或样式文件夹路径。")
TEXT_OR_JSON_OPTION = typer.Option("text", "--format", metavar="<格式>", help="输出格式：text（给人看）或 json（给程序，失败时也是）。")


@app.command(**COMMAND)
def build(
    year: int = YEAR_ARGUMENT,
    data: Path = DATA_OPTION,
    out: Path = OUT_OPTION,
    org: Optional[List[str]] = typer.Option(None, "--org", metavar="<组织>", help="只生成这个组织（可重复）。"),
    style: Optional[str] = STYLE_OPTION,
    fmt: List[str] = typer.Option(["docx"], "--format", metavar="<格式>", help="要写的格式：docx、txt、pdf（可重复；不写时只写 docx，写了就只写列出的）。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成 PDF（需要安装 LibreOffice，见 README“版式与 PDF”）。"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="<整数>", min=1, help="同时生成几个组织（进程数）；默认为本机的核数。"),
    check: bool = typer.Option(False, "--check", help="只检查、不写入：--out 下的报告缺少或与数据现在生成的不同时，列出它们并以 1 退出。"),
    strict: bool = STRICT_OPTION,
    force: bool = typer.Option(False, "--force", help="覆盖生成后又被修改过的报告文件。"),
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """生成年度工作总结及工作计划（.docx）。"""
    from .build_command import BuildOptions, UsageProblem, run_build

    options = BuildOptions(year, data, out, tuple(org or ()), style, tuple(fmt), pdf, jobs, check, strict, force)
    try:
        status = run_build(options)
    except UsageProblem as problem:
        raise typer.BadParameter(problem.message, param_hint=problem.param_hint) from None
    if status:
        raise typer.Exit(status)


@app.command(**COMMAND)
def diff(
    old: Path = typer.Argument(..., help="原来的报告（.docx 或 .txt）或输出文件夹。", metavar="旧"),
    new: Path = typer.Argument(..., help="新的报告或输出文件夹。", metavar="新"),
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """比较两份报告（或两个输出文件夹）的文字，列出改动的段落。

    退出码与 diff、git diff --exit-code 相同：0 文字相同，1 有改动，2 报告读不了或命令写错。
    """
    from .diff import diff_folders, diff_reports
    from .errors import FulianError

    for path in (old, new):
        if not path.exists():
            raise typer.BadParameter(f"{path} 不存在", param_hint="旧/新")
    if old.is_dir() != new.is_dir():
        raise typer.BadParameter("两边应同为报告文件或同为文件夹", param_hint="旧/新")
    try:
        results = diff_folders(old, new) if old.is_dir() else [diff_reports(old, new)]
    except FulianError as exc:
        _print_findings(exc.findings)
        raise typer.Exit(2) from None
    changed = [result for result in results if result.changes]
    for result in changed:
        if result.old is not None and result.new is not None:
            typer.echo(f"--- {result.old}\n+++ {result.new}")
        typer.echo("\n".join(result.lines))
    if not changed:
        typer.echo("文字没有差异。")
    else:
        typer.echo(f"共 {sum(r.changes for r in changed)} 处改动，涉及 {len(changed)} 份报告。")
        raise typer.Exit(1)


@app.command(**COMMAND)
def validate(
    paths: List[Path] = typer.Argument(..., help="数据根目录、年度文件夹、组织文件夹或单个 YAML 文件。", metavar="路径"),
    strict: bool = STRICT_OPTION,
    fmt: str = typer.Option("text", "--format", metavar="<格式>", help="输出格式：text（给人看，附出错的行）或 json（给程序，如 CI）。"),
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """检查数据：列出所有错误和警告（文件:行:列）。"""
    from .build_command import ValidateOptions, run_validate

    _text_or_json(fmt)
    status = run_validate(ValidateOptions(tuple(paths), strict, fmt))
    if status:
        raise typer.Exit(status)


@app.command("import", **COMMAND)
def import_(
    file: Path = typer.Argument(..., help="原稿：.docx（Word 或 WPS 保存）或 .txt（UTF-8 或 GBK）。", metavar="文件"),
    org: Optional[str] = typer.Option(None, "--org", metavar="<组织>", help="组织文件夹名，总是优先；不写时由单位名称得出：单位名称取自标题，标题中没有时取自落款或开头一段，都没有时请用本选项指明。"),
    year: Optional[int] = typer.Option(None, "--year", metavar="<年度>", min=1949, max=2100, help="报告年度，总是优先；不写时取自标题，标题中没有时取自开头一段，都没有时请用本选项指明。"),
    data: Path = typer.Option(Path("data"), "--data", metavar="<路径>", help="数据根目录，写到 <数据>/<年度>/<组织>/。"),
    force: bool = typer.Option(False, "--force", help="组织文件夹已存在时，用导入的数据替换它。"),
    fmt: str = TEXT_OR_JSON_OPTION,
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """把已有的报告（.docx、.txt）导入为数据，build 即可生成同样的报告。"""
    result = _answered(fmt, "导入失败：见上面的错误，未写入任何文件。", lambda api: api.import_report(file, data, org=org, year=year, force=force))
    if result is None:
        return
    style = f"{result.style}（已有的样式）" if not result.style_written else f"{result.style}（按原稿写出，在 {result.folder / result.style}）"
    lines = [
        f"已导入：{file} → {result.folder}",
        f"  年度 {result.year}（报告期间 {result.period}），组织 {result.org_name}（文件夹 {result.org}），样式 {style}",
        f"  {result.figures} 个数字写成了数据，{len(result.names)} 处含数字的名称保留为文字",
    ]
    if result.to_check:
        lines.append("请核对：")
        lines += [f"  - {item}" for item in result.to_check]
    lines.append("生成报告：fulian-report " + " ".join(result.build))
    typer.echo("\n".join(lines))


@app.command(**COMMAND)
def init(
    year: int = typer.Argument(..., help="新的年度，如 2022。", min=1949, max=2100, metavar="年度"),
    previous: Optional[int] = typer.Option(None, "--from", metavar="<年度>", min=1949, max=2100, help="从哪一年的数据开始；默认为上一年。"),
    data: Path = DATA_OPTION,
    org: Optional[List[str]] = typer.Option(None, "--org", metavar="<组织>", help="只为这个组织新建（可重复）。"),
    fmt: str = TEXT_OR_JSON_OPTION,
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """由上一年的数据新建本年度的文件夹：文字和结构照旧，每个数字和日期标为“待填”。"""

    def made(api):
        result = api.init_year(year, previous, data, org or None)
        _print_findings(result.skipped)  # on stderr: what was left behind in last year's folders
        return result

    result = _answered(fmt, "新建失败：见上面的错误，未写入任何文件。", made)
    if result is None:
        return
    for folder in result.folders:
        typer.echo(f"已新建 {folder}：{result.markers[folder.name]} 个数字和日期待填（标为“待填（{result.previous_year}年：原值）”）")
    typer.echo(f"逐项填写后运行：fulian-report validate {data / str(year)}，它会列出还没有填的每一项。")


@app.command(**COMMAND)
def schema(
    out: Path = typer.Option(Path("schema"), "--out", metavar="<路径>", help="写到这个文件夹，每类数据文件一个 <名称>.schema.json。"),
    debug: bool = DEBUG_OPTION,
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


@app.command(**COMMAND)
def watch(
    year: int = YEAR_ARGUMENT,
    data: Path = DATA_OPTION,
    out: Path = OUT_OPTION,
    org: Optional[List[str]] = typer.Option(None, "--org", metavar="<组织>", help="只生成这个组织（可重复）。"),
    style: Optional[str] = STYLE_OPTION,
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """先生成，再在数据或样式文件保存时重新生成相关组织的报告；按 Ctrl-C 结束。"""
    from .errors import FulianError
    from .serve import Watcher, describe

    def report(result) -> None:
        out_text, err_text = describe(result)
        if err_text:
            typer.echo(err_text, err=True)
        typer.echo(out_text)

    try:
        watcher = Watcher(year, data, out, org or None, style)  # refuses first: nothing to watch, or nowhere to write
        typer.echo("正在监视数据和样式文件，保存后自动重新生成；按 Ctrl-C 结束。")
        watcher.run(report)
    except FulianError as exc:  # nothing to watch, or nowhere to write
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("已停止监视。")


@app.command(**COMMAND)
def preview(
    year: int = YEAR_ARGUMENT,
    data: Path = DATA_OPTION,
    org: Optional[List[str]] = typer.Option(None, "--org", metavar="<组织>", help="只预览这个组织（可重复）。"),
    style: Optional[str] = STYLE_OPTION,
    port: int = typer.Option(8000, "--port", metavar="<端口>", min=0, max=65535, help="本机端口（0 为任选一个空闲端口）。"),
    read_only: bool = typer.Option(False, "--read-only", help="只看不改：页面中不能填写或修改数字。"),
    debug: bool = DEBUG_OPTION,
    show_help: bool = HELP_OPTION,
) -> None:
    """在浏览器中按 A4 页面预览报告，保存数据后自动刷新；待填的数字可在页面中填写，数字可点击修改。"""
    from .errors import FulianError
    from .preview import Preview, PreviewServer

    try:
        server = PreviewServer(Preview(year, data, org or None, style, read_only=read_only), port)
    except FulianError as exc:
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    except OSError as exc:
        if exc.filename is not None:
            raise  # a data folder the system refuses, not the port: said at the top (process.outside_cause)
        from .errors import os_reason

        typer.echo(f"错误：无法在本机端口 {port} 上启动预览（{os_reason(exc)}）；可用 --port 换一个端口。", err=True)
        raise typer.Exit(1) from None
    server.start()
    typer.echo(f"预览：{server.url}  （只在本机可访问；按 Ctrl-C 结束）")
    try:
        server.stop.wait()
    except KeyboardInterrupt:
        typer.echo("已停止预览。")
    finally:
        server.close()


def _report_usage_error(error: Exception) -> None:
    from .cli_text import _, said_after_parsing

    ctx = getattr(error, "ctx", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # no arguments at all: the message is the help
        typer.echo(error.format_message())
        return
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
    typer.echo(_("Error: {message}").format(message=said_after_parsing(error)), err=True)
    if ctx is not None:
        typer.echo(_("Try '{command} {option}' for help.").format(command=ctx.command_path, option="-h"), err=True)


_INTERRUPTED = "已中断。"


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (usage errors are 2)."""
    global _debug
    _debug = False  # a resident process runs one command line after another
    install_catalogue()
    try:
        result = app(args=args, standalone_mode=False, prog_name="fulian-report")
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo(_INTERRUPTED, err=True)
        return 130
    except Exception as error:
        if getattr(error, "exit_code", None) == 2 and hasattr(error, "format_message"):
            _report_usage_error(error)
            return 2
        raise
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run_command_line())


def run_command_line(args: list[str] | None = None) -> int:
    """The exit status of the whole command line, every failure included (main, and a
    resident process serving a caller, resident.py)."""
    try:
        return run(args)
    except KeyboardInterrupt:
        typer.echo(_INTERRUPTED, err=True)
        return 130
    except SystemExit as done:  # typer's exit 1 when the reader went away: 141, as everywhere else
        from .process import outside_cause

        status = outside_cause(done)
        if status is None:
            raise
        return status
    except Exception as error:  # noqa: BLE001 - the last line of defence for a user-facing tool
        from .process import outside_cause

        status = outside_cause(error, _debug)  # the file system's or the person's doing: not 3
        if status is not None:
            return status
        if _debug:
            import traceback  # only here: every --help would import it otherwise

            traceback.print_exc()
        else:
            typer.echo(
                "发生意外错误，这是本工具的缺陷而非您数据的问题；请加 --debug 重新运行，并把输出发给维护人员。",
                err=True,
            )
        return 3
