"""The command-line library's own words in Chinese, by construction.

- typer (and click, where it is the one installed) say their messages through gettext; the
  catalogue locale/zh_CN/LC_MESSAGES/cli.po (compiled to cli.mo) holds each of them in Chinese,
  and `install_catalogue` makes their modules translate through it whatever the user's LANG.
- The click that typer carries inside it (typer._click) writes a few messages as English
  f-strings, and typer's value checks speak pydantic's English.  Those are never shown: the
  parsing of `ChineseCommand` and `ChineseGroup` catches each such mistake and says it again from
  what the exception knows (which option, which value, which kind of mistake), with the
  catalogue's words (same msgids as click's) or, for a value, with what that option wants.
- Help: Chinese usage pieces (no `{年度}`), and a definition list whose description column is
  aligned in display cells, where a Chinese character takes two.
"""

from __future__ import annotations

import gettext
import sys
import unicodedata
from functools import lru_cache, partial
from pathlib import Path

from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup
from typer.exceptions import Abort

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "cli"

# The words of what an option wants, by parameter name, for a value the parser refuses
# (“--port 应是 0 至 65535 的整数（本机端口号）”).
VALUE_WANTED: dict[str, str] = {}
# More to say about a value of this parameter that is not a number at all.
NOT_A_NUMBER_HINT: dict[str, str] = {}


@lru_cache(maxsize=1)
def catalogue() -> gettext.GNUTranslations:
    """The zh_CN catalogue shipped in the package (a missing one is a packaging defect: it fails)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"])


def _(msgid: str) -> str:
    return catalogue().gettext(msgid)


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalogue().ngettext(singular, plural, count)


def install_catalogue() -> None:
    """Every loaded module of typer or click that took gettext's functions translates through ours.

    They bind `from gettext import gettext as _` at import, so it is their names that are replaced,
    not the process's language (which LibreOffice and other children would inherit)."""
    ours = [(gettext.gettext, _), (gettext.ngettext, ngettext)]
    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in ("typer", "click"):
            continue
        for attribute in ("_", "gettext", "ngettext"):
            function = getattr(module, attribute, None)
            for theirs, replacement in ours:
                if function is theirs:
                    setattr(module, attribute, replacement)


def display_width(text: str) -> int:
    """Terminal cells: wide and full-width characters (Chinese, full-width punctuation) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1 for char in text)


class ChineseHelpFormatter(_click.HelpFormatter):
    """click's plain help layout with Chinese usage prefix and headings, measured in cells.

    `term_width`, when a command sets it, is the widest term of all its sections, so that the
    descriptions of arguments, options and commands start in one column."""

    term_width = 0

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        self.write(f"{'':>{self.current_indent}}{_('Usage:') if prefix is None else prefix}{prog} {args}".rstrip() + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max([self.term_width, *(display_width(first) for first, _second in rows)]), col_max)
        start = first_width + col_spacing  # the description's first cell, after the indent
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_width:
                self.write(" " * (start - display_width(first)))
            else:  # too long a term: its description starts on the next line, in the same column
                self.write("\n" + " " * (start + self.current_indent))
            lines = second.splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{start + self.current_indent}}{line}\n")


class ChineseContext(_click.Context):
    formatter_class = ChineseHelpFormatter


def _argument_name(param: TyperArgument) -> str:
    name = param.metavar or (param.name or "").upper()
    return name if param.nargs == 1 else f"{name}..."


def _option_names(param) -> str:
    return "/".join(param.opts)


def _parameter_hint(param) -> str:
    """“年度” for an argument, `--port ` for an option (a space before the Chinese that follows)."""
    if isinstance(param, TyperArgument):
        return f"“{param.metavar or (param.name or '').upper()}”"
    return _option_names(param) + " "


def _validation_problem(error: Exception) -> tuple[str | None, object]:
    """The kind and the input of the value check that failed (pydantic's error), if it was one."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if errors is None:
        return None, None
    try:
        first = errors()[0]
    except Exception:  # noqa: BLE001 - not the validation error it looked like: say it generally
        return None, None
    return first.get("type"), first.get("input")


def _range_help(low, high) -> str | None:
    if low is not None and high is not None:
        return f"{low} 至 {high}"
    if low is not None:
        return f"不小于 {low}"
    return None if high is None else f"不大于 {high}"


def value_message(param, error: Exception) -> str:
    """What this parameter wants, said for the value given: never the checker's own English."""
    hint = _parameter_hint(param)
    wanted = VALUE_WANTED.get(param.name or "", "")
    kind, given = _validation_problem(error)
    given_text = "" if given is None else f"“{given}”"
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if param.type_descriptor.annotation is int or low is not None or high is not None:
        bounds = _range_help(low, high)
        range_words = "整数" if bounds is None else f"{' ' if bounds[0].isdigit() else ''}{bounds} 的整数"
        wants = f"{hint}应是{range_words}" + (f"（{wanted}）" if wanted else "")
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            return f"{wants}，{given_text}超出了范围。"
        return f"{wants}，{given_text}不是整数。" + NOT_A_NUMBER_HINT.get(param.name or "", "")
    return f"{hint}的值{given_text}无效" + (f"：应是{wanted}。" if wanted else "。")


def _find_option(ctx: _click.Context | None, name: str):
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if name in getattr(param, "opts", ()) or name in getattr(param, "secondary_opts", ()):
            return param
    return None


def said_in_chinese(error: _click.exceptions.UsageError, ctx: _click.Context) -> _click.exceptions.UsageError:
    """The same mistake, told from what the exception knows, in the catalogue's words."""
    exceptions = _click.exceptions
    ctx = error.ctx or ctx
    if isinstance(error, exceptions.NoSuchOption):
        text = _("No such option {name!r}.").format(name=error.option_name)
        if error.possibilities:
            names = "、".join(sorted(error.possibilities))
            text += ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)",
                             len(error.possibilities)).format(possibility=names, possibilities=names)
    elif isinstance(error, exceptions.BadOptionUsage):
        option = _find_option(ctx, error.option_name)
        if option is not None and (option.is_flag or option.count):
            text = _("Option {name!r} does not take a value.").format(name=error.option_name)
        else:
            nargs = getattr(option, "nargs", 1)
            text = ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.",
                            nargs).format(name=error.option_name, nargs=nargs)
    elif isinstance(error, exceptions.MissingParameter) and error.param is not None:
        kind = _("Missing argument") if isinstance(error.param, TyperArgument) else _("Missing option")
        hint = _parameter_hint(error.param)
        text = f"{kind}{hint if hint.startswith('“') else ' ' + hint.strip()}。"
    elif isinstance(error, exceptions.BadParameter) and error.param is not None:
        text = value_message(error.param, error)
    elif isinstance(error, exceptions.BadParameter):  # ours, raised with a Chinese message and a hint
        hint = error.param_hint if isinstance(error.param_hint, str) else "/".join(error.param_hint or ())
        text = _("Invalid value for {param_hint}: {message}").format(param_hint=hint, message=error.message) if hint \
            else _("Invalid value: {message}").format(message=error.message)
    else:  # UsageError: its text already came from the catalogue (typer's ctx.fail) or from us
        return error
    return _click.exceptions.UsageError(text, ctx)


class _InChinese:
    """What a command and the group share: the parse errors and the help, in Chinese."""

    context_class = ChineseContext

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """Arguments, options and (of the group) commands, their descriptions in one column."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):  # its name is its metavar: no English type after it
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        commands = [(name, "") for name in self.list_commands(ctx)] if isinstance(self, TyperGroup) else []
        formatter.term_width = max(display_width(term) for term, _text in arguments + options + commands)
        for heading, rows in ((_("Arguments"), arguments), (_("Options"), options)):
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        if commands:
            self.format_commands(ctx, formatter)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _click.exceptions.NoArgsIsHelpError:
            raise
        except _click.exceptions.UsageError as error:
            raise said_in_chinese(error, ctx) from None


class ChineseCommand(_InChinese, TyperCommand):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # the help's range in words (typer writes `1949<=x<=2100`)
            if getattr(param, "min", None) is not None or getattr(param, "max", None) is not None:
                param._get_number_range_help_str = partial(_range_help, param.min, param.max)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        # Extra arguments are told here, where they are known, rather than from click's sentence.
        refuses_extra = not ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = not refuses_extra
        if rest and refuses_extra and not ctx.resilient_parsing:
            extra = " ".join(rest)
            raise _click.exceptions.UsageError(
                ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
                         len(rest)).format(args=extra), ctx)
        return rest

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces



class ChineseGroup(_InChinese, TyperGroup):

    def invoke(self, ctx: _click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # typer would end every command with 130 and not a word
            raise Abort() from None

    def resolve_command(self, ctx: _click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except _click.exceptions.UsageError as error:
            import difflib  # only for a mistake: not on every start

            close = difflib.get_close_matches(args[0], self.list_commands(ctx), n=1) if args else []
            if close:
                error.message += ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)",
                                          1).format(possibility=close[0], possibilities=close[0])
            raise


def said_after_parsing(error: Exception) -> str:
    """The text of a mistake found after parsing (a command's own BadParameter) or during it."""
    if isinstance(error, _click.exceptions.UsageError):
        return said_in_chinese(error, getattr(error, "ctx", None)).format_message()
    return str(error)

