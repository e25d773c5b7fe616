"""A report's file name from its title: one that every file system and Windows accept.

The title is the name people look for, so it is kept as far as it can be; what cannot be a
file name anywhere the report may be copied to (a Windows share, a USB stick, a mail
attachment) is changed the same way on every run, and the change is told as a warning.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Characters Windows refuses in a name (Linux and macOS refuse "/" only), and control characters.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Names Windows keeps for devices, whatever the case and the extension (CON.docx is the console);
# the superscript digits count as digits there too.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{port}{digit}" for port in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"]
)
# Most file systems allow 255 bytes (ext4, in UTF-8) or 255 UTF-16 units (NTFS, APFS) in a name.
# The stem keeps 200 bytes of UTF-8 (never more UTF-16 units than bytes): room for the extension
# and for the temporary name a report is first written under, and for a copy "（1）" on Windows.
MAX_STEM_BYTES = 200
_HASH_LENGTH = 8
FALLBACK_STEM = "报告"


@dataclass(frozen=True)
class FileStem:
    """The file name (without extension) for a title, and why it differs from the title, if it does."""

    stem: str
    changes: tuple[str, ...] = ()

    @property
    def warning(self) -> str | None:
        if not self.changes:
            return None
        return f"报告标题不能原样用作文件名：{'；'.join(self.changes)}。文件名改为“{self.stem}”。"


def file_stem(title: str) -> FileStem:
    """The deterministic file name for `title`, with the reasons for each change made to it."""
    changes: list[str] = []
    stem = _FORBIDDEN.sub("", title)
    if stem != title:
        changes.append('含有文件名中不允许的字符 \\ / : * ? " < > | 或控制字符，已去掉')
    if stem != stem.strip():
        stem = stem.strip()
        changes.append("已去掉首尾的空白")
    if stem.startswith("."):
        stem = stem.lstrip(". ")
        changes.append("以点开头的文件是隐藏文件，比较报告时也会被跳过，已去掉开头的点")
    if stem != stem.rstrip(". "):
        stem = stem.rstrip(". ")
        changes.append("Windows 会去掉文件名末尾的点和空格，已去掉")
    base = stem.split(".", 1)[0].rstrip(" ")
    if base.upper() in _RESERVED:
        stem = f"{stem[:len(base)]}_{stem[len(base):]}"
        changes.append(f"“{base}”是 Windows 保留的设备名，不能作文件名，已在后面加“_”")
    size = len(stem.encode("utf-8"))
    if size > MAX_STEM_BYTES:
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
        kept = stem.encode("utf-8")[: MAX_STEM_BYTES - _HASH_LENGTH - 1].decode("utf-8", errors="ignore").rstrip(". ")
        stem = f"{kept}-{digest}"
        changes.append(
            f"长 {size} 字节，超过文件名可用的 {MAX_STEM_BYTES} 字节，已截短并在末尾加上区分用的编号"
        )
    if not stem:
        stem = FALLBACK_STEM
        changes.append("标题中没有能用作文件名的字")
    return FileStem(stem, tuple(changes))


def org_folder_problem(name: str) -> str | None:
    """Why `name` cannot be an organisation's folder under data/<year>/, in Chinese; None when it can.

    The name is joined to the year folder and written there (and, with --force, what is there is
    replaced), so it must be one folder name that stays in that folder, that `build` lists as an
    organisation (it skips names opening with . or _), and that every file system accepts."""
    if not name or not name.strip():
        return "组织文件夹名不能为空"
    if name in (".", ".."):
        return f"“{name}”表示{'当前' if name == '.' else '上一级'}文件夹，不是组织文件夹名"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "这是一个绝对路径；组织名只能是一个文件夹名，写在 <数据>/<年度>/ 下"
    if "/" in name or "\\" in name:
        return "含有路径分隔符 / 或 \\；组织名只能是一个文件夹名，写在 <数据>/<年度>/ 下"
    if name.startswith("."):
        return "以点开头的文件夹是隐藏的，build 不会把它当作组织"
    if name.startswith("_"):
        return "以下划线开头的文件夹 build 会跳过，不会把它当作组织"
    if _FORBIDDEN.search(name):
        return '含有文件夹名中不允许的字符 : * ? " < > | 或控制字符'
    if name != name.strip():
        return "首尾有空白"
    if name.endswith("."):
        return "Windows 会去掉文件夹名末尾的点"
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        return f"“{name}”是 Windows 保留的设备名，不能作文件夹名"
    if len(name.encode("utf-8")) > MAX_STEM_BYTES:
        return f"长 {len(name.encode('utf-8'))} 字节，超过文件夹名可用的 {MAX_STEM_BYTES} 字节"
    return None
