"""Findings with a source location, and the one error type that carries them.

Every stage reports problems the same way: a `Finding` names the file, line
and column (1-based, as editors show them) and says in Chinese what is wrong.
A stage collects all the findings it can before giving up, so that a person
fixes everything in one pass instead of one error per run.
"""

from __future__ import annotations

import difflib
import errno
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


def suggest(name: str, candidates: list[str], limit: int = 20) -> str:
    """The end of a message about an unknown name: the closest known one, or the known ones."""
    close = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    if close:
        return f"，是不是想写“{close[0]}”？"
    if candidates:
        shown = "、".join(candidates[:limit]) + ("等" if len(candidates) > limit else "")
        return f"；这里可用的名称有：{shown}"
    return ""


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column start at 1, 0 means unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{printable_path(self.path)}:{self.line}:{self.column or 1}"
        return printable_path(self.path)


def printable_path(path: str | os.PathLike | bytes) -> str:
    """A path as a person reads it (see `printable`)."""
    return printable(os.fsdecode(path))


def printable(text: str) -> str:
    """Text as a person reads it: the bytes of a file name that is not UTF-8 (carried as
    surrogate escapes, PEP 383) shown as U+FFFD rather than as "\\udcb0" or not at all."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate that stands for no byte (from JSON's "\\ud800")
            raw = text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")
    return text


@dataclass(frozen=True)
class Finding:
    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.label}：{printable(self.message)}"

    @property
    def sort_key(self) -> tuple:
        return (self.location.path, self.location.line, self.location.column, self.message)


@dataclass
class FulianError(Exception):
    """Raised when the data or a template is wrong; exit status 1."""

    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    @classmethod
    def single(cls, path: str | Path, message: str, line: int = 0, column: int = 0) -> "FulianError":
        return cls([Finding(Location(str(path), line, column), message)])

    def summary(self) -> str:
        return "\n".join(str(f) for f in sorted(self.findings, key=lambda f: f.sort_key))

    def __str__(self) -> str:
        return self.summary()


# The operating system's reasons a person can act on, in Chinese.
_OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "找不到",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "磁盘是只读的",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名或其中一段路径太长（一段不能超过 255 字节，约 85 个汉字）",
    errno.ELOOP: "路径中的符号链接太多或绕成了圈",
    errno.EIO: "读写磁盘时出错（可能是 U 盘或网络盘断开了）",
    errno.EBUSY: "文件正被别的程序占用",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "系统同时打开的文件太多",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EFBIG: "文件超过了系统允许的大小",
    errno.EXDEV: "不能在两个磁盘之间直接移动",
    errno.ENXIO: "设备不存在或未连接",
    errno.ENODEV: "设备不存在或未连接",
    errno.ETXTBSY: "文件正被别的程序使用",
    errno.EEXIST: "已有同名的文件或文件夹",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EADDRINUSE: "这个端口已被别的程序占用",
}


def not_a_folder(path: str | os.PathLike) -> str:
    """What stands at `path`, where a folder was asked for: for a message (…不是文件夹（而是这个）)."""
    return "普通文件" if Path(path).is_file() else "设备、管道或套接字之类的特殊文件"


def os_reason(error: OSError) -> str:
    """Why the operating system refused to read or write a file, in Chinese.  The system's own
    words (strerror) are English and never shown: an unknown cause gets its error code."""
    known = _OS_REASONS.get(error.errno)
    if known:
        return known
    code = errno.errorcode.get(error.errno, str(error.errno)) if error.errno else "未知"
    return f"操作系统拒绝了这个操作（错误代码 {code}）"


# Why a data or style file could not be read, with what to do about it.  The system's own
# words (strerror) are English and never shown: an unknown cause gets its error number.
_READ_ADVICE = {
    errno.EACCES: "没有读取这个文件的权限；请让文件的所有者或管理员开放读取权限（Windows：属性 → 安全；Linux/macOS：chmod u+r）。",
    errno.EPERM: "操作系统不允许读取这个文件；请让文件的所有者或管理员开放读取权限。",
    errno.ENOENT: "找不到这个文件；可能刚被移走或改名。",
    errno.ENAMETOOLONG: "文件名或路径太长，操作系统无法打开；请把文件夹或文件名改短些，或把数据放到路径短一些的位置。",
    errno.ELOOP: "这是一个符号链接（快捷方式），或路径中的链接绕成了圈；数据和样式文件必须是真正的文件，请把链接换成文件本身的副本。",
    errno.EISDIR: "这里应是一个文件，却是一个文件夹；请把这个文件夹改名或移走。",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹；请检查路径。",
    errno.EIO: "读取时磁盘出错（可能是 U 盘或网络盘断开了）；请重新连接后再试。",
}


def read_error_message(error: OSError, what: str = "文件") -> str:
    """What to tell a person when a data or style file (or a folder of them, `what`) cannot be
    read: Chinese cause and advice."""
    advice = _READ_ADVICE.get(error.errno) if error.errno is not None else None
    if advice is None:
        number = f"，错误号 {error.errno}" if error.errno is not None else ""
        advice = f"操作系统拒绝读取这个文件{number}；请检查文件是否完好、能否用记事本打开。"
    return f"无法读取这个{what}：{advice.replace('这个文件', f'这个{what}')}"


# Why the system refused to write, and what fits that cause: a name too long is
# never told that the disk may be full.
_NO_PERMISSION = ("没有权限", "请检查这个文件夹是否允许写入；若文件正在 Word/WPS 中打开，请先关闭它。")
_WRITE_PROBLEMS = {
    errno.EEXIST: ("路径中应是文件夹的地方已有一个同名的文件", "请把那个文件移走或改名后重新生成。"),
    errno.EISDIR: ("这里已有一个同名的文件夹", "请把这个文件夹移走或改名后重新生成。"),
    errno.ENOTDIR: ("路径中有一段是文件而不是文件夹", "请检查输出文件夹（--out）的路径，把挡在路径上的文件移走。"),
    errno.EACCES: _NO_PERMISSION,
    errno.EPERM: _NO_PERMISSION,
    errno.EROFS: ("磁盘是只读的", "请用 --out 改写到可以写入的文件夹。"),
    errno.ENOSPC: ("磁盘已满", "请腾出磁盘空间后重新生成。"),
    errno.EDQUOT: ("超出了磁盘配额", "请腾出空间或请管理员放宽配额后重新生成。"),
    errno.EFBIG: ("文件超过了系统允许的大小", "请检查系统对单个文件大小的限制（如 FAT32 格式的 U 盘上一个文件不能超过 4 GB），或用 --out 改写到别的磁盘。"),
    errno.ENAMETOOLONG: ("文件名太长", "请在 organisation.yaml 中把报告标题写短一些，或用 --out 改写到层级更浅的文件夹。"),
    errno.ELOOP: (
        "这是一个符号链接，或路径中的链接绕成了圈",
        "本工具不会写到链接所指的地方：请删除输出文件夹里的这个符号链接（或指向自己的那一个）后重新生成。",
    ),
    errno.ENOENT: ("路径中的文件夹不存在", "请检查输出文件夹（--out）的路径。"),
}


def write_problem(error: OSError) -> tuple[str, str]:
    """Why the operating system refused to write, and the advice that fits that cause, in Chinese."""
    known = _WRITE_PROBLEMS.get(error.errno)
    if known:
        return known
    code = errno.errorcode.get(error.errno, str(error.errno)) if error.errno else "未知"
    return f"操作系统拒绝写入，错误代码 {code}", "请检查输出文件夹（--out）能否写入。"
