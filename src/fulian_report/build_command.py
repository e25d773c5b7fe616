"""What `fulian-report build` and `validate` do once their command lines are parsed, and what they print.

cli.py parses the command line (typer) and ends here, in the caller's own process or in a
fork of the resident process (resident.py).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    year: int
    data: Path = Path("data")
    out: Path = Path("out")
    org: tuple[str, ...] = ()
    style: str | None = None
    fmt: tuple[str, ...] = ("docx",)
    pdf: bool = False
    jobs: int | None = None
    check: bool = False
    strict: bool = False
    force: bool = False


@dataclass(frozen=True)
class ValidateOptions:
    paths: tuple[Path, ...]
    strict: bool = False
    fmt: str = "text"  # or "json"


class UsageProblem(Exception):
    """A command-line mistake found after parsing (exit status 2, shown as typer shows its own)."""

    def __init__(self, message: str, param_hint: str):
        super().__init__(message)
        self.message, self.param_hint = message, param_hint


def echo(text: str, err: bool = False) -> None:
    """One line on stdout or stderr, flushed, as click's echo writes it."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


def print_findings(findings) -> None:
    from .diagnostics import as_text

    if findings:
        echo(as_text(findings), err=True)


def run_validate(options: ValidateOptions) -> int:
    """Check the data and print every finding (or them as JSON); the exit status."""
    from . import api
    from .diagnostics import as_json, counts
    from .diagnostics import strict as promote
    from .errors import FulianError

    try:
        findings = api.validate(list(options.paths))
    except FulianError as exc:
        findings = exc.findings
    if options.strict:
        findings = promote(findings)
    errors, _ = counts(findings)
    if options.fmt == "json":
        echo(as_json(findings))
    else:
        print_findings(findings)
        if not errors:
            echo("检查通过。" if not findings else "检查通过（有警告）。")
    return 1 if errors else 0


def usage_problem(options: BuildOptions) -> UsageProblem | None:
    """The mistakes in an otherwise well-formed build command line."""
    from .writers import WRITERS

    unknown = [f for f in _formats(options) if f not in WRITERS]
    if unknown:
        return UsageProblem(f"不支持的格式 {'、'.join(unknown)}；可用：{'、'.join(WRITERS)}", "--format")
    if options.check and options.force:
        return UsageProblem("--check 只检查、不写入，不能与 --force 同用", "--force")
    return None


def _formats(options: BuildOptions) -> list[str]:
    return [*options.fmt, "pdf"] if options.pdf else list(options.fmt)


def run_build(options: BuildOptions) -> int:
    """Build (or with --check compare) the reports; the exit status."""
    from . import api
    from .errors import FulianError
    from .selection import Selection

    fmt = _formats(options)
    problem = usage_problem(options)
    if problem is not None and problem.param_hint == "--format":
        raise problem
    if "pdf" in fmt:
        from .writers.pdf import MISSING_MESSAGE, font_substitutions, soffice_path

        if soffice_path() is None:  # not the data's fault: say so, not “数据或模板有误”
            echo(f"错误：{MISSING_MESSAGE}", err=True)
            return 1
        for warning in font_substitutions():
            echo(f"警告：{warning}", err=True)
    if problem is not None:
        raise problem
    year, data, out, org, style, jobs = options.year, options.data, options.out, options.org, options.style, options.jobs
    started = time.perf_counter()
    progress = _progress_bar() if sys.stderr.isatty() else None
    try:
        formats = tuple(dict.fromkeys(fmt))
        selection = Selection(year, data, out, list(org) or None, style, formats)
        if options.check:
            return _check(api.check(selection, jobs, progress, strict=options.strict))
        reports = api.build(selection, jobs, progress, strict=options.strict, force=options.force)
    except api.BuildFailed as exc:
        _report_partial_build(exc)
        return 3 if exc.faulty else 1  # the worst case: a fault of the tool
    except FulianError as exc:
        _print_failed_organisations(getattr(exc, "failed", {}))
        print_findings(exc.findings)
        written = getattr(exc, "written", None)
        if written:
            echo(f"生成未完成：见上面的错误；此前已写入 {'、'.join(str(p) for p in written)}。", err=True)
        else:
            echo("生成失败：见上面的错误，未写入任何文件。", err=True)
        return 1
    warnings = [w for report in reports for w in report.warnings]
    if warnings:
        print_findings(warnings)
    files = [path for report in reports for path in report.files]
    for path in files:
        echo(f"已写入 {path}")
    elapsed = time.perf_counter() - started
    echo(f"完成：{len(reports)} 个组织，{len(files)} 个文件，用时 {elapsed:.2f} 秒。")
    return 0


def _progress_bar():
    """A one-line progress bar on stderr, redrawn in place; only used on a terminal."""
    width = 30

    def show(done: int, total: int) -> None:
        filled = width * done // total
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r生成中 [{'█' * filled}{'·' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _print_failed_organisations(failed: dict) -> None:
    for org_id, findings in failed.items():
        echo(f"组织 {org_id} 生成失败：", err=True)
        print_findings(findings)


def _report_partial_build(exc) -> None:
    """Every failed organisation with its findings, then what was written all the same."""
    _print_failed_organisations(exc.failed)
    warnings = [w for report in exc.reports for w in report.warnings]
    if warnings:
        print_findings(warnings)
    for path in (path for report in exc.reports for path in report.files):
        echo(f"已写入 {path}")
    if exc.reports:
        echo(f"部分失败：{len(exc.failed)} 个组织（{'、'.join(exc.failed)}）未生成，原因见上；其余 {len(exc.reports)} 个组织的报告已写入。", err=True)
    else:
        echo("生成失败：见上面的错误，未写入任何文件。", err=True)


def _check(result) -> int:
    for org_id, findings in result.failed.items():
        echo(f"组织 {org_id} 无法生成，不能检查：", err=True)
        print_findings(findings)
    for path in result.missing:
        echo(f"缺少 {path}")
    for path in result.differing:
        echo(f"过期 {path}（与数据现在生成的不同）")
    for path, why in result.kept.items():
        echo(f"已改动 {path}（与数据现在生成的不同，且{why}；build 不会覆盖它）")
    for path in result.extra:
        echo(f"不再生成 {path}（本工具以前写的，但现在的数据和样式不再生成这个文件名，如换了样式或标题、组织改名或删除后留下的旧报告）")
    print_findings(result.warnings)
    if not result.ok:
        stale = len(result.missing) + len(result.differing) + len(result.kept) + len(result.extra)
        advice = []
        if result.failed:
            advice.append("先改正上面列出的数据错误")
        if result.missing or result.differing:
            advice.append("再运行 build 重新生成缺少和过期的报告")
        if result.kept:
            advice.append("已改动的报告：修改可以丢弃时用 build --force 重新生成；要保留修改，先把它改名或移出输出文件夹，再运行 build")
        if result.extra:
            advice.append("不再生成的旧报告确认不需要后移走或删除（build 不会删除文件）")
        echo(
            f"检查未通过：{stale} 个报告缺少、过期、已改动或不再生成，{len(result.failed)} 个组织无法生成；请{'；'.join(advice)}。", err=True
        )
        return 1
    echo(f"检查通过：{len(result.current)} 个报告都与数据一致。")
    return 0
