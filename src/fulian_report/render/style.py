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
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Finding, FulianError
from ..model.dataset import translate_error
from ..source.yaml_source import decode, display_path, load_yaml, read_source_bytes

BASE_STYLE = "_base"
STYLE_FILE = "style.yaml"


def template_roots() -> list[Path]:
    """Where named styles are looked for: the working directory's templates/ first."""
    here = Path(__file__).resolve()
    candidates = [
        Path.cwd() / "templates",
        here.parent.parent / "templates",  # installed wheel: fulian_report/templates
        here.parents[3] / "templates",  # source checkout: src/fulian_report/render → repo root
    ]
    roots: list[Path] = []
    for candidate in candidates:
        if (candidate / BASE_STYLE).is_dir() and candidate.resolve() not in [r.resolve() for r in roots]:
            roots.append(candidate)
    return roots


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Numbering(_Settings):
    level1: str = Field(description="一级标题序号，{cn} 为汉字数字，{n} 为阿拉伯数字，如 {cn}、；任何一级都可写 {cn}是（一是、二是）")
    level2: str
    level3: str
    level4: str


class Page(_Settings):
    """Page layout in millimetres and the type area's grid (GB/T 9704-2012 by default)."""

    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    top_mm: float = Field(ge=0)
    bottom_mm: float = Field(ge=0)
    left_mm: float = Field(ge=0)
    right_mm: float = Field(ge=0)
    lines_per_page: int = Field(gt=0)
    chars_per_line: int = Field(gt=0)
    page_number_below_mm: float = Field(7, ge=0, description="页码一字线距版心下边缘（毫米）")
    page_number_side_chars: float = Field(1, ge=0, description="单页页码右空、双页页码左空几个字")
    signature_right_chars: float = Field(2, ge=0, description="无印章时，署名与成文日期中靠右的一行右空几个字")
    date_shift_chars: float = Field(2, description="无印章时，成文日期首字比署名首字右移几个字")
    sealed: bool = Field(False, description="加盖印章：成文日期右空 sealed_date_right_chars 个字，署名以成文日期为准居中")
    sealed_date_right_chars: float = Field(4, ge=0, description="加盖印章时成文日期右空几个字")


class Fonts(_Settings):
    title: str
    body: str
    level1: str
    level2: str
    level3: str
    level4: str
    page_number: str
    latin: str = "Times New Roman"


class Sizes(_Settings):
    """Font sizes in points: 二号 22, 三号 16, 四号 14."""

    title: float = Field(gt=0)
    body: float = Field(gt=0)
    page_number: float = Field(gt=0)


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
        for folder in sorted(root.iterdir()):
            if (folder / STYLE_FILE).is_file() and folder.name != BASE_STYLE and folder.name not in names:
                names.append(folder.name)
    return names


def resolve_style(name_or_path: str) -> Style:
    """A style by folder name under templates/ (furong), or by path to a style folder (./my/style)."""
    roots = template_roots()
    if not roots:
        raise FulianError.single("templates", "找不到样式目录 templates/（其中应有 _base 文件夹）")
    candidate = Path(name_or_path)
    is_name = len(candidate.parts) == 1 and not candidate.is_absolute()
    folders = [root / name_or_path for root in roots] if is_name else []
    folders.append(candidate)
    # A style.yaml that is there in any form (a link, a folder) is that style's, and reading it says what is wrong.
    folder = next((f for f in folders if os.path.lexists(f / STYLE_FILE)), None)
    if folder is None:
        raise FulianError.single(
            name_or_path, f"找不到样式“{name_or_path}”；可用的样式：{'、'.join(available_styles())}，也可给出样式文件夹的路径"
        )
    folder, base = folder.resolve(), (roots[0] / BASE_STYLE).resolve()
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
            # The style's own file when it wrote the setting, else the shared _base one.
            source = own_source if loc and loc[0] in (own_source.data or {}) else base_source
            findings.append(Finding(source.locate(loc), translate_error(error, list(StyleSettings.model_fields))))
        raise FulianError(findings) from None


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
