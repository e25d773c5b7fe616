"""Styles are data: a folder with `style.yaml` and Jinja templates.

`templates/_base/` holds what every style shares (settings and macros); a
style folder overrides any of it.  A new district's style is a new folder:
no Python changes.  A style is named (a folder under a templates directory)
or given as a path.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import Finding, FulianError, not_a_folder
from ..model.dataset import translate_error
from ..model.subjects import FieldProblem
from ..source.yaml_source import SourceFile, decode, display_path, linked_folder_error, load_yaml, read_source_bytes
from ..gbt9704 import POINTS_PER_MM

BASE_STYLE = "_base"
STYLE_FILE = "style.yaml"


def template_roots() -> list[Path]:
    """Where named styles are looked for: the working directory's templates/ first (a data
    repository's own styles, which need not hold a _base of their own), then the tool's, which do."""
    here = Path(__file__).resolve()
    own = Path.cwd() / "templates"
    candidates = [
        here.parent.parent / "templates",  # installed wheel: fulian_report/templates
        here.parents[3] / "templates",  # source checkout: src/fulian_report/render → repo root
    ]
    roots: list[Path] = [own] if own.is_dir() else []
    for candidate in candidates:
        if (candidate / BASE_STYLE).is_dir() and candidate.resolve() not in [r.resolve() for r in roots]:
            roots.append(candidate)
    return roots


def _shared_base(roots: list[Path]) -> Path | None:
    """The _base every style inherits: the first root's that has one, so that a data repository may
    keep its own and otherwise inherits the tool's (as Pelican's themes fall back to a base theme)."""
    return next((root / BASE_STYLE for root in roots if (root / BASE_STYLE).is_dir()), None)


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Numbering(_Settings):
    level1: str = Field(description="一级标题序号，{cn} 为汉字数字，{n} 为阿拉伯数字，如 {cn}、；任何一级都可写 {cn}是（一是、二是）")
    level2: str
    level3: str
    level4: str


# The bounds of the layout numbers.  A style is data anyone may edit: a number that no printer
# and no word processor can lay out (a page of 1e300 mm, 0 lines, .nan) is a located error in
# style.yaml, not a crash of the writer.  Each bound says why it is where it is.
#
# A page is at least 100 mm either way: A6 (105 x 148 mm) is the smallest paper a report is
# printed on; smaller is a label.  It is at most 558.8 mm (22 inches) either way: Word's largest
# page, larger ones it refuses to open; A3 fits, and A2 (420 x 594 mm) only across.
PAGE_MIN_MM = 100.0
PAGE_MAX_MM = 558.8
# Lines per page and characters per line: GB/T 9704 asks 22 and 28.  Fewer than 5 is no page of
# text (the signature alone takes three lines); more than 100 is a typo (280 for 28), and would
# need a page and a size the checks of the text block below refuse anyway.
GRID_MIN, GRID_MAX = 5, 100
# Font sizes in points: 六号 (7.5 pt), the smallest size of the Chinese scale a printed text
# uses, to 初号 (42 pt), the largest: a title larger than that holds a few characters a line.
SIZE_MIN_POINTS, SIZE_MAX_POINTS = 7.5, 42.0
# A character's room on a line (the text block's width over chars_per_line) is at least nine
# tenths of the body size: a Chinese glyph fills about that much of its square, so condensed
# further, neighbouring characters run into each other.  It is at most twice the size: spread
# wider, more than a character's width of blank stands between two characters and a line reads
# as single characters, not as text.
CHAR_ROOM_MIN, CHAR_ROOM_MAX = 0.9, 2.0

_Finite = {"allow_inf_nan": False}  # .inf and .nan are YAML numbers, and no length


class Page(_Settings):
    """Page layout in millimetres and the type area's grid (GB/T 9704-2012 by default)."""

    width_mm: float = Field(ge=PAGE_MIN_MM, le=PAGE_MAX_MM, **_Finite)
    height_mm: float = Field(ge=PAGE_MIN_MM, le=PAGE_MAX_MM, **_Finite)
    # Margins may be 0 (a printer that prints to the edge); how wide they may be is the text
    # block's check below: what is left between them must hold the lines and characters.
    top_mm: float = Field(ge=0, **_Finite)
    bottom_mm: float = Field(ge=0, **_Finite)
    left_mm: float = Field(ge=0, **_Finite)
    right_mm: float = Field(ge=0, **_Finite)
    lines_per_page: int = Field(ge=GRID_MIN, le=GRID_MAX)
    chars_per_line: int = Field(ge=GRID_MIN, le=GRID_MAX)
    # The page number must stand inside the bottom margin (checked below): Word has no negative
    # footer distance.
    page_number_below_mm: float = Field(7, ge=0, description="页码一字线距版心下边缘（毫米）", **_Finite)
    # The indents in characters below are at most half a line (checked below): the page number
    # and the signature belong to their side of the line, and more would push them across it.
    page_number_side_chars: float = Field(1, ge=0, description="单页页码右空、双页页码左空几个字", **_Finite)
    signature_right_chars: float = Field(2, ge=0, description="无印章时，署名与成文日期中靠右的一行右空几个字", **_Finite)
    # May be negative: a date whose first character stands left of the signature's.
    date_shift_chars: float = Field(2, description="无印章时，成文日期首字比署名首字右移几个字", **_Finite)
    sealed: bool = Field(False, description="加盖印章：成文日期右空 sealed_date_right_chars 个字，署名以成文日期为准居中")
    sealed_date_right_chars: float = Field(4, ge=0, description="加盖印章时成文日期右空几个字", **_Finite)

    @model_validator(mode="after")
    def _leaves_a_text_block(self) -> "Page":
        for length, margins, words in (
            (("width_mm",), ("left_mm", "right_mm"), ("纸宽", "左右白边（订口、翻口）")),
            (("height_mm",), ("top_mm", "bottom_mm"), ("纸高", "上下白边（天头、地脚）")),
        ):
            size, first, second = getattr(self, length[0]), getattr(self, margins[0]), getattr(self, margins[1])
            if first + second >= size:
                raise LayoutProblem(
                    [margins[0], margins[1], length[0]],
                    f"{words[1]}合计 {_mm(first + second)} 毫米，不小于{words[0]} {_mm(size)} 毫米，没有留下版心；请把白边改小",
                )
        half = self.chars_per_line / 2
        for name, words in (
            ("page_number_side_chars", "页码离版心边缘"),
            ("signature_right_chars", "落款右空"),
            ("sealed_date_right_chars", "加盖印章时成文日期右空"),
        ):
            if getattr(self, name) > half:
                raise LayoutProblem(
                    [name, "chars_per_line"],
                    f"{words} {_mm(getattr(self, name))} 个字，超过了每行 {self.chars_per_line} 字的一半；请改小",
                )
        if abs(self.date_shift_chars) > half:
            raise LayoutProblem(
                ["date_shift_chars", "chars_per_line"],
                f"成文日期首字相对署名首字移动 {_mm(self.date_shift_chars)} 个字，超过了每行 {self.chars_per_line} 字的一半；请改小",
            )
        return self


def _mm(value: float) -> str:
    """A length as a person wrote it: 35, not 35.0."""
    return f"{value:g}"


class LayoutProblem(FieldProblem):
    """A rule of several layout settings together, broken: the finding points at the first of
    `fields` that the style's own style.yaml writes, else at the first (in _base)."""

    def __init__(self, fields: list[str | tuple[str, ...]], message: str):
        self.paths = [field if isinstance(field, tuple) else (field,) for field in fields]
        super().__init__(self.paths[0][-1], message)


def _font_name(name: str) -> str:
    """A font's name as Word and fontconfig know it: letters, digits, spaces and a few marks.

    Anything else cannot be a font's name, and in the preview's CSS it could end the
    stylesheet (`</style>`) or the string it stands in."""
    bad = sorted({char for char in name if not (char.isalnum() or char in " _-.+&()（）")})
    if bad or not name.strip() or len(name) > 64:
        shown = "、".join(repr(char)[1:-1] if char.isprintable() else f"U+{ord(char):04X}" for char in bad)
        raise ValueError(
            f"字体名称“{name[:64]}”不是一个字体的名称" + (f"：不能含有 {shown}" if bad else "（应为 1 至 64 个字符）")
            + "；请照 Word 字体列表中的名称填写，如 仿宋_GB2312。"
        )
    return name


FontName = Annotated[str, AfterValidator(_font_name)]


class Fonts(_Settings):
    title: FontName
    body: FontName
    level1: FontName
    level2: FontName
    level3: FontName
    level4: FontName
    page_number: FontName
    latin: FontName = "Times New Roman"


class Sizes(_Settings):
    """Font sizes in points: 二号 22, 三号 16, 四号 14."""

    title: float = Field(ge=SIZE_MIN_POINTS, le=SIZE_MAX_POINTS, **_Finite)
    body: float = Field(ge=SIZE_MIN_POINTS, le=SIZE_MAX_POINTS, **_Finite)
    page_number: float = Field(ge=SIZE_MIN_POINTS, le=SIZE_MAX_POINTS, **_Finite)


class Part(_Settings):
    """How one part of the report (the 总结 or the 计划) is laid out."""

    heading: str | None = Field(
        default=None, description="这一部分的总标题，可用 {{ period.short }} 等期间的写法；不写则没有总标题"
    )
    numbered: bool = Field(default=False, description="总标题是否编一级序号（一、二、），按有序号的部分依次编")
    levels: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        min_length=1, description="各层小节用哪一级标题（序号写法与字体），如 [1, 3, 4]"
    )
    run_in_from: int = Field(default=1, ge=1, description="从第几层起，标题接排正文（“1．标题。正文”）")
    inline_from: int | None = Field(
        default=None, ge=1, description="从第几层起，各项并入上一层的段落（“一是……。二是……。”）；不写则各成一段"
    )


class StyleSettings(_Settings):
    name: str = Field(description="样式名称（中文）")
    description: str = ""
    template: str = Field(description="主模板文件名")
    numbering: Numbering
    page: Page
    fonts: Fonts
    sizes: Sizes
    bold_levels: list[int] = Field(default_factory=list, description="标题加粗的级别，如 [3]")
    title: list[str] = Field(
        min_length=1, description="标题，每项一行；可用 {{ org.name }}、{{ period.annual_words }}、{{ next_period.short }} 等"
    )
    title_without_plan: list[str] | None = Field(
        default=None,
        min_length=1,
        description="报告没有计划部分（没有 plan.yaml）时的标题，每项一行；不写则用 title",
    )
    summary: Part = Field(description="工作总结部分的版式")
    plan: Part = Field(description="工作计划部分的版式")

    @model_validator(mode="after")
    def _text_fits_its_grid(self) -> "StyleSettings":
        """The body size against the grid the page settings make (see the bounds above Page)."""
        page, body = self.page, self.sizes.body
        height = (page.height_mm - page.top_mm - page.bottom_mm) * POINTS_PER_MM
        width = (page.width_mm - page.left_mm - page.right_mm) * POINTS_PER_MM
        # Lines are set at exactly the pitch: a pitch under the font's size cuts off the characters' tops.
        if height / page.lines_per_page < body:
            raise LayoutProblem(
                [("page", "lines_per_page"), ("sizes", "body"), ("page", "height_mm"), ("page", "top_mm"), ("page", "bottom_mm")],
                f"版心高 {_mm(round(height / POINTS_PER_MM, 1))} 毫米，排不下每面 {page.lines_per_page} 行 {_mm(body)} 磅的正文"
                f"（每行只有 {height / page.lines_per_page:.1f} 磅，字会被截掉）；请减少每面行数、改小正文字号或白边",
            )
        room = width / page.chars_per_line
        if not CHAR_ROOM_MIN * body <= room <= CHAR_ROOM_MAX * body:
            tight = room < CHAR_ROOM_MIN * body
            raise LayoutProblem(
                [("page", "chars_per_line"), ("sizes", "body"), ("page", "width_mm"), ("page", "left_mm"), ("page", "right_mm")],
                f"版心宽 {_mm(round(width / POINTS_PER_MM, 1))} 毫米，每行 {page.chars_per_line} 字时每字只占 {room:.1f} 磅，"
                + (f"比 {_mm(body)} 磅的正文字号窄太多，字会叠在一起；请减少每行字数、改小正文字号或白边" if tight
                   else f"比 {_mm(body)} 磅的正文字号宽出一倍以上，字与字之间空得太开；请增加每行字数、加大正文字号或白边"),
            )
        # The page number's line stands page_number_below_mm under the text block, inside the bottom margin.
        number_mm = page.page_number_below_mm + self.sizes.page_number / POINTS_PER_MM
        if number_mm > page.bottom_mm:
            raise LayoutProblem(
                [("page", "page_number_below_mm"), ("page", "bottom_mm"), ("sizes", "page_number")],
                f"页码在版心下 {_mm(page.page_number_below_mm)} 毫米，连同 {_mm(self.sizes.page_number)} 磅的页码共需 "
                f"{number_mm:.1f} 毫米，超出了下白边 {_mm(page.bottom_mm)} 毫米，页码会印到纸外；请改小 page_number_below_mm 或加大下白边",
            )
        return self


@dataclass(frozen=True)
class Style:
    folder: Path
    base: Path
    settings: StyleSettings


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def available_styles() -> list[str]:
    names: list[str] = []
    for root in template_roots():
        try:
            folders = sorted(root.iterdir())
        except OSError:  # the working directory's templates/ unreadable: its styles are not offered
            continue
        for folder in folders:
            if (folder / STYLE_FILE).is_file() and folder.name != BASE_STYLE and folder.name not in names:
                names.append(folder.name)
    return names


def resolve_style(name_or_path: str) -> Style:
    """A style by folder name under templates/ (furong), or by path to a style folder (./my/style)."""
    roots = template_roots()
    shared = _shared_base(roots)
    if shared is None:
        raise FulianError.single("templates", "找不到样式目录 templates/（其中应有 _base 文件夹）")
    candidate = Path(name_or_path)
    is_name = len(candidate.parts) == 1 and not candidate.is_absolute()
    folders = [root / name_or_path for root in roots] if is_name else []
    folders.append(candidate)
    # A style.yaml that is there in any form (a link, a folder) is that style's, and reading it says what is wrong.
    # A style folder that is a link is refused as a data folder is: templates/x -> /etc was "no such style".
    folder = next((f for f in folders if f.is_symlink() or os.path.lexists(f / STYLE_FILE)), None)
    if folder is not None and folder.is_symlink():
        raise linked_folder_error(folder, "样式必须是真正的样式文件夹")
    if folder is None and os.path.lexists(candidate) and not candidate.is_dir():  # --style names a file, a FIFO…
        raise FulianError.single(
            name_or_path, f"样式“{name_or_path}”不是样式文件夹（而是{not_a_folder(candidate)}）；可用的样式：{'、'.join(available_styles())}，也可给出样式文件夹的路径"
        )
    if folder is None:
        raise FulianError.single(
            name_or_path, f"找不到样式“{name_or_path}”；可用的样式：{'、'.join(available_styles())}，也可给出样式文件夹的路径"
        )
    folder, base = folder.resolve(), shared.resolve()
    # Keyed by modification times too: every organisation of a build shares one reading,
    # and an edited style.yaml is read again.
    stamps = (_stamp(folder / STYLE_FILE), _stamp(base / STYLE_FILE))
    return Style(folder=folder, base=base, settings=_load_settings(folder, base, stamps))


@lru_cache(maxsize=32)
def _load_settings(folder: Path, base: Path, stamps: tuple[int, int]) -> StyleSettings:
    base_source = load_yaml(base / STYLE_FILE)
    own_source = load_yaml(folder / STYLE_FILE)
    own = own_source.data if isinstance(own_source.data, dict) else {}
    merged: dict[str, Any] = _merge(base_source.data or {}, own)
    if "title" in own and "title_without_plan" not in own:
        # A style's own title pattern goes with it: a planless title of _base's would not match it.
        merged["title_without_plan"] = None
    try:
        return StyleSettings.model_validate(merged)
    except ValidationError as exc:
        findings = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            problem = (error.get("ctx") or {}).get("error")
            if isinstance(problem, LayoutProblem):  # several settings together: the one this style wrote
                loc = next((loc + path for path in problem.paths if _writes(own_source, loc + path)), loc + problem.paths[0])
            # The style's own file when it wrote the setting, else the shared _base one.
            source = own_source if loc and loc[0] in own else base_source
            if isinstance(problem, LayoutProblem) and not _writes(source, loc):
                source = base_source
            where = source.locate(loc) if error.get("type") in ("missing", "extra_forbidden") else source.locate_value(loc)
            findings.append(Finding(where, translate_error(error, list(StyleSettings.model_fields))))
        raise FulianError(findings) from None


def _writes(source: SourceFile, loc: tuple) -> bool:
    """Whether a style.yaml writes the setting at `loc` itself."""
    return tuple(loc) in source.positions


def _stamp(path: Path) -> int:
    """A file's modification time, without following a link (reading it refuses the link); 0 if it is gone."""
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return 0


class StyleLoader(BaseLoader):
    """A style's templates: regular files inside the style folder, else inside _base.

    Jinja's FileSystemLoader follows links and opens whatever the name finds, so a style
    holding a link to /etc/passwd put that file into the report, and one to a FIFO hung the
    build.  Here every folder on the way and the file itself must be real (no link), the file
    is read like a data file (regular, bounded, never waiting on a device), and a template
    that cannot be read is a finding naming it, not its content."""

    def __init__(self, *folders: Path):
        self.folders = [Path(folder) for folder in folders]

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses "..": nothing above the style folder
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            for depth in range(1, len(pieces)):
                inner = folder.joinpath(*pieces[:depth])
                if not stat.S_ISDIR(os.lstat(inner).st_mode):  # a link to a folder, or a file
                    raise FulianError.single(display_path(inner), "样式里的文件夹不能是符号链接（快捷方式）；请换成真正的文件夹。")
            text, _ = decode(read_source_bytes(path), path)
            stamp = _stamp(path)
            return text, str(path), lambda: _stamp(path) == stamp
        raise TemplateNotFound(template)
