"""Findings with a source location, and the one error type that carries them.

Every stage reports problems the same way: a `Finding` names the file, line
and column (1-based, as editors show them) and says in Chinese what is wrong.
A stage collects all the findings it can before giving up, so that a person
fixes everything in one pass instead of one error per run.
"""

from __future__ import annotations

import difflib
import errno
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
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


@dataclass(frozen=True)
class Finding:
    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.label}：{self.message}"

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
    errno.ENAMETOOLONG: "文件名太长",
}


def os_reason(error: OSError) -> str:
    """Why the operating system refused to read or write a file, in Chinese where known."""
    return _OS_REASONS.get(error.errno, error.strerror or str(error))


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
