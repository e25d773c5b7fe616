"""The command line: parse, call `api`, print.  No logic of its own.

Exit status: 0 success, 1 the data (or a template) is wrong, 2 the command
line is wrong.
"""

from __future__ import annotations

import re
import sys
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
    rich_markup_mode=None,
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
    from .build_command import print_findings

    print_findings(findings)


STRICT_OPTION = typer.Option(False, "--strict", help="把警告也当作错误（退出码 1）。")


@app.command(add_help_option=False)
def build(
    year: int = typer.Argument(..., help="报告年度，如 2021。", min=1949, max=2100, metavar="年度"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，其下为 <年度>/<组织>/。"),
    out: Path = typer.Option(Path("out"), "--out", help="输出根目录，报告写到 <输出>/<年度>/。"),
    org: Optional[List[str]] = typer.Option(None, "--org", help="只生成这个组织（可重复）。"),
    style: Optional[str] = typer.Option(None, "--style", help="改用此样式：templates/ 下的样式名，或样式文件夹路径。"),
    fmt: List[str] = typer.Option(["docx"], "--format", help="要写的格式：docx、txt、pdf（可重复；不写时只写 docx，写了就只写列出的）。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成 PDF（需要安装 LibreOffice，见 README“版式与 PDF”）。"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="同时生成几个组织（进程数）；默认为本机的核数。"),
    check: bool = typer.Option(False, "--check", help="只检查、不写入：--out 下的报告缺少或与数据现在生成的不同时，列出它们并以 1 退出。"),
    strict: bool = STRICT_OPTION,
    force: bool = typer.Option(False, "--force", help="覆盖生成后又被修改过的报告文件。"),
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


@app.command(add_help_option=False)
def diff(
    old: Path = typer.Argument(..., help="原来的报告（.docx 或 .txt）或输出文件夹。", metavar="旧"),
    new: Path = typer.Argument(..., help="新的报告或输出文件夹。", metavar="新"),
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


@app.command(add_help_option=False)
def validate(
    paths: List[Path] = typer.Argument(..., help="数据根目录、年度文件夹、组织文件夹或单个 YAML 文件。", metavar="路径..."),
    strict: bool = STRICT_OPTION,
    fmt: str = typer.Option("text", "--format", help="输出格式：text（给人看，附出错的行）或 json（给程序，如 CI）。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """检查数据：列出所有错误和警告（文件:行:列）。"""
    from .build_command import ValidateOptions, run_validate

    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"不支持的格式 {fmt}；可用：text、json", param_hint="--format")
    status = run_validate(ValidateOptions(tuple(paths), strict, fmt))
    if status:
        raise typer.Exit(status)


@app.command("import", add_help_option=False)
def import_(
    file: Path = typer.Argument(..., help="原稿：.docx（Word 或 WPS 保存）或 .txt（UTF-8 或 GBK）。", metavar="文件"),
    org: Optional[str] = typer.Option(None, "--org", help="组织文件夹名，总是优先；不写时由单位名称得出：单位名称取自标题，标题中没有时取自落款或开头一段，都没有时请用本选项指明。"),
    year: Optional[int] = typer.Option(None, "--year", min=1949, max=2100, help="报告年度，总是优先；不写时取自标题，标题中没有时取自开头一段，都没有时请用本选项指明。"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，写到 <数据>/<年度>/<组织>/。"),
    force: bool = typer.Option(False, "--force", help="组织文件夹已存在时，用导入的数据替换它。"),
    fmt: str = typer.Option("text", "--format", help="输出格式：text（给人看）或 json（给程序）。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """把已有的报告（.docx、.txt）导入为数据，build 即可生成同样的报告。"""
    import json

    from . import api
    from .errors import FulianError

    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"不支持的格式 {fmt}；可用：text、json", param_hint="--format")
    try:
        result = api.import_report(file, data, org=org, year=year, force=force)
    except FulianError as exc:
        if fmt == "json":  # a program reads stdout: the findings there, as validate gives them
            from .diagnostics import as_json

            typer.echo(json.dumps({"ok": False, **json.loads(as_json(exc.findings))}, ensure_ascii=False, indent=2))
        else:
            _print_findings(exc.findings)
            typer.echo("导入失败：见上面的错误，未写入任何文件。", err=True)
        raise typer.Exit(1) from None
    if fmt == "json":
        typer.echo(json.dumps({"ok": True, **result.as_json()}, ensure_ascii=False, indent=2))
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


@app.command(add_help_option=False)
def init(
    year: int = typer.Argument(..., help="新的年度，如 2022。", min=1949, max=2100, metavar="年度"),
    previous: Optional[int] = typer.Option(None, "--from", min=1949, max=2100, help="从哪一年的数据开始；默认为上一年。"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，其下为 <年度>/<组织>/。"),
    org: Optional[List[str]] = typer.Option(None, "--org", help="只为这个组织新建（可重复）。"),
    fmt: str = typer.Option("text", "--format", help="输出格式：text（给人看）或 json（给程序）。"),
    show_help: bool = HELP_OPTION,
) -> None:
    """由上一年的数据新建本年度的文件夹：文字和结构照旧，每个数字和日期标为“待填”。"""
    import json

    from . import api
    from .errors import FulianError

    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"不支持的格式 {fmt}；可用：text、json", param_hint="--format")
    try:
        result = api.init_year(year, previous, data, org or None)
    except FulianError as exc:
        _print_findings(exc.findings)
        typer.echo("新建失败：见上面的错误，未写入任何文件。", err=True)
        raise typer.Exit(1) from None
    if fmt == "json":
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    for folder in result.folders:
        typer.echo(f"已新建 {folder}：{result.markers[folder.name]} 个数字和日期待填（标为“待填（{result.previous_year}年：原值）”）")
    typer.echo(f"逐项填写后运行：fulian-report validate {data / str(year)}，它会列出还没有填的每一项。")


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


@app.command(add_help_option=False)
def watch(
    year: int = typer.Argument(..., help="报告年度，如 2021。", min=1949, max=2100, metavar="年度"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，其下为 <年度>/<组织>/。"),
    out: Path = typer.Option(Path("out"), "--out", help="输出根目录，报告写到 <输出>/<年度>/。"),
    org: Optional[List[str]] = typer.Option(None, "--org", help="只生成这个组织（可重复）。"),
    style: Optional[str] = typer.Option(None, "--style", help="改用此样式：templates/ 下的样式名，或样式文件夹路径。"),
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

    typer.echo("正在监视数据和样式文件，保存后自动重新生成；按 Ctrl-C 结束。")
    try:
        Watcher(year, data, out, org or None, style).run(report)
    except FulianError as exc:  # nothing to watch, or nowhere to write
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("已停止监视。")


@app.command(add_help_option=False)
def preview(
    year: int = typer.Argument(..., help="报告年度，如 2021。", min=1949, max=2100, metavar="年度"),
    data: Path = typer.Option(Path("data"), "--data", help="数据根目录，其下为 <年度>/<组织>/。"),
    org: Optional[List[str]] = typer.Option(None, "--org", help="只预览这个组织（可重复）。"),
    style: Optional[str] = typer.Option(None, "--style", help="改用此样式：templates/ 下的样式名，或样式文件夹路径。"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="本机端口（0 为任选一个空闲端口）。"),
    read_only: bool = typer.Option(False, "--read-only", help="只看不改：页面中不能填写或修改数字。"),
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


# typer's own messages for command-line mistakes, in Chinese.  A message that
# matches none of these is shown as typer wrote it.
_USAGE_MESSAGES = [
    (r"Missing argument '?([^'.]+)'?\.", "缺少参数“{0}”。"),
    (r"Missing option '?([^'.]+)'?\.", "缺少选项 {0}。"),
    (r"No such command '(.+?)'\.", "没有“{0}”这个命令。"),
    (r"No such option: (\S+)", "没有 {0} 这个选项。"),
    (r"Option '?([^']+?)'? requires an argument\.", "选项 {0} 后面需要一个值。"),
    (r"Got unexpected extra arguments? \((.*)\)", "多余的参数：{0}。"),
    (r"Invalid value for '?([^':]+)'?: .*(?:valid integer|is not a valid integer).*", "“{0}”应是一个整数（年度，如 2021）。"
     "上半年、季度或几年的报告也只写年份（期间的最后一年），期间写在 organisation.yaml 的 period 中。"),
    (r"Invalid value for '?([^':]+)'?: .*(?:less than or equal to|greater than or equal to|not in the range).*", "“{0}”超出了允许的范围（1949 至 2100）。"),
    (r"Invalid value for '?([^':]+)'?: (.*)", "“{0}”的值无效：{1}"),
]


def _usage_error_text(message: str, commands: list[str] = ()) -> str:
    for pattern, chinese in _USAGE_MESSAGES:
        match = re.match(pattern, message.strip())
        if match:
            text = chinese.format(*match.groups())
            suggestion = re.search(r"Did you mean '?(--?[\w-]+|\w+)'?\?", message)
            if suggestion:
                text += f"是不是想写“{suggestion.group(1)}”？"
            elif pattern.startswith("No such command"):
                # Ours, not the library's: not every typer/click release suggests a command.
                import difflib

                close = difflib.get_close_matches(match.group(1), commands, n=1)
                if close:
                    text += f"是不是想写“{close[0]}”？"
            return text
    return message


def _report_usage_error(error: Exception) -> None:
    message = error.format_message()
    if not message:  # no arguments at all: typer has printed the help already
        return
    if type(error).__name__ == "NoArgsIsHelpError":  # no arguments at all: the message is the help
        typer.echo(message)
        return
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage: ", "用法：").replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        typer.echo(usage, err=True)
    commands = []
    if ctx is not None and hasattr(ctx.command, "list_commands"):
        commands = list(ctx.command.list_commands(ctx))
    typer.echo(f"错误：{_usage_error_text(message, commands)}", err=True)
    if ctx is not None:
        typer.echo(f"运行 {ctx.command_path} -h 查看帮助。", err=True)


# Help is drawn by click's plain formatter (typer's rich panels cost 70 ms of imports on every
# --help); these make its headings, usage line and value types Chinese.
_HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
_HELP_WORDS = [
    (r"\[default: ([^\]]*)\]", r"[默认：\1]"),
    (r"\[required\]", "[必填]"),
    (r"; required\]", "；必填]"),
    (r"<int range>|<int>", "<整数>"),
    (r"<path>", "<路径>"),
    (r"<list\[str\]>|<str>|<text>", "<文字>"),
    (r"<list\[path\]>", "<路径>"),
]


def _chinese_help() -> None:
    """Give the help formatter of click (as typer ships it) Chinese headings, once."""
    try:
        from typer._click.core import Context
    except ImportError:  # a typer that uses the click package itself
        from click import Context
    base = Context.formatter_class
    if getattr(base, "chinese", False):
        return

    class ChineseHelpFormatter(base):
        chinese = True

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
            super().write_usage(prog, args, "用法：" if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

        def write_dl(self, rows, *args, **kwargs) -> None:
            translated = []
            for term, text in rows:
                for pattern, chinese in _HELP_WORDS:
                    term, text = re.sub(pattern, chinese, term), re.sub(pattern, chinese, text)
                translated.append((term, text))
            super().write_dl(translated, *args, **kwargs)

    Context.formatter_class = ChineseHelpFormatter


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (usage errors are 2)."""
    _chinese_help()
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
    sys.exit(run_command_line())


def run_command_line(args: list[str] | None = None) -> int:
    """The exit status of the whole command line, every failure included (main, and a
    resident process serving a caller, resident.py)."""
    try:
        return run(args)
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
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
