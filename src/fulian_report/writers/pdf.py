"""PDF: the .docx converted by LibreOffice (`soffice --headless --convert-to pdf`).

The report names the fonts offices have installed (仿宋_GB2312, 方正小标宋简体…);
they are not free.  For the conversion, `fonts/fonts.conf` maps each of them to
a free face that Debian packages, through FONTCONFIG_FILE, set for soffice only.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import multiprocessing.util
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ..doctree import Document
from ..errors import FulianError
from .package import build_time

FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
CONVERSION_TIMEOUT_SECONDS = 300
# Where Windows installs LibreOffice when soffice is not on PATH.
_WINDOWS_SOFFICE = (
    Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe",
    Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "LibreOffice" / "program" / "soffice.exe",
)

MISSING_MESSAGE = (
    "未找到 LibreOffice（soffice），无法生成 PDF，未写入任何文件。"
    "Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk texlive-lang-chinese；"
    "Windows：安装 LibreOffice（https://www.libreoffice.org/）。也可以不加 --pdf，只生成 .docx。"
)


# The free faces fonts/fonts.conf maps each office font to (first choice first), and the
# Debian package of the first choice.
FONT_MAP: dict[str, tuple[tuple[str, ...], str]] = {
    "仿宋_GB2312": (("FandolFang",), "texlive-lang-chinese"),
    "楷体_GB2312": (("FandolKai", "LXGW WenKai"), "texlive-lang-chinese"),
    "黑体": (("FandolHei", "Noto Sans CJK SC"), "texlive-lang-chinese"),
    "方正小标宋简体": (("FandolSong", "Noto Serif CJK SC"), "texlive-lang-chinese"),
    "宋体": (("FandolSong", "Noto Serif CJK SC"), "texlive-lang-chinese"),
}


def font_substitutions() -> list[str]:
    """Chinese warnings for office fonts that the PDF will show in an unrelated face.

    Asks fontconfig (as soffice will, with our mapping) which face each office font
    becomes; the office font itself, when installed, is as good as its free stand-in.
    Empty where fontconfig is absent (Windows, where LibreOffice does not use it).
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None or os.name == "nt":
        return []
    warnings = []
    for office_font, (free_faces, package) in FONT_MAP.items():
        answer = subprocess.run(
            [fc_match, "-f", "%{family}", office_font], env=conversion_environment(), capture_output=True, check=False
        )
        families = answer.stdout.decode("utf-8", "replace").split(",")
        if not any(family in families for family in (office_font, *free_faces)):
            warnings.append(
                f"PDF 中的“{office_font}”将以“{families[0] or '未知字体'}”显示：请安装 {free_faces[0]}"
                f"（Debian/Ubuntu 软件包 {package}）或该字体本身"
            )
    return warnings


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((str(path) for path in _WINDOWS_SOFFICE if os.name == "nt" and path.is_file()), None)


def require_soffice() -> str:
    found = soffice_path()
    if found is None:
        raise FulianError.single("soffice", MISSING_MESSAGE)
    return found


@lru_cache(maxsize=1)
def _profile_dir() -> Path:
    """A LibreOffice profile of this process's own: two conversions running at once with one
    profile collide, and a person's everyday profile stays untouched.  Kept for the whole
    build (starting with a fresh profile costs seconds) and removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="fulian-report-lo-"))
    # A worker of a parallel build ends through multiprocessing, which runs its finalizers but
    # not atexit; the main process runs both (multiprocessing's own run at exit).
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=1)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def remove_profile() -> None:
    """Remove this process's profile now: the command line ends without Python's teardown
    (process.exit_now), so neither atexit nor multiprocessing's finalizers run there."""
    if _profile_dir.cache_info().currsize:
        shutil.rmtree(_profile_dir(), ignore_errors=True)


def conversion_environment() -> dict[str, str]:
    """soffice's environment: ours, plus the font mapping, in UTC (the PDF's time is then written with Z)."""
    return dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), TZ="UTC")


_CREATION_DATE = re.compile(rb"(/CreationDate\(D:)(\d{14})")
_DOCUMENT_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"(/DocChecksum /)([0-9A-F]{32})")


def reproducible_pdf(pdf: bytes) -> bytes:
    """The PDF with LibreOffice's two varying stamps made fixed, so that a rebuild gives the same bytes.

    LibreOffice writes the time of conversion (/CreationDate), and a document /ID
    and a /DocChecksum that vary with it.  The time becomes the build time
    (SOURCE_DATE_EPOCH, as for the .docx); the ID and the checksum become a hash
    of everything else.  Each replacement has the length of what it replaces, so
    the cross-reference offsets stay right.
    """
    stamp = build_time().astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S").encode("ascii")
    pdf = _CREATION_DATE.sub(lambda m: m.group(1) + stamp, pdf)
    unstamped = _CHECKSUM.sub(lambda m: m.group(1) + b"0" * 32, _DOCUMENT_ID.sub(b"/ID [ <> <> ]", pdf))
    identity = hashlib.md5(unstamped, usedforsecurity=False).hexdigest().upper().encode("ascii")
    pdf = _DOCUMENT_ID.sub(lambda m: m.group(0).replace(m.group(1), identity).replace(m.group(2), identity), pdf)
    return _CHECKSUM.sub(lambda m: m.group(1) + identity, pdf)


def docx_to_pdf(content: bytes) -> bytes:
    """Convert one .docx (as bytes) to PDF (as bytes) with LibreOffice."""
    soffice = require_soffice()
    with tempfile.TemporaryDirectory(prefix="fulian-report-pdf-") as work:
        source = Path(work) / "report.docx"
        source.write_bytes(content)
        command = [
            soffice,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(source),
        ]
        try:
            finished = subprocess.run(
                command,
                env=conversion_environment(),
                capture_output=True,
                timeout=CONVERSION_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FulianError.single(soffice, f"LibreOffice 转换 PDF 超过 {CONVERSION_TIMEOUT_SECONDS} 秒未完成") from None
        result = Path(work) / "report.pdf"
        if finished.returncode != 0 or not result.is_file():
            said = (finished.stderr or finished.stdout).decode("utf-8", "replace").strip().splitlines()
            detail = said[-1] if said else f"退出码 {finished.returncode}"
            raise FulianError.single(soffice, f"LibreOffice 未能把报告转换为 PDF：{detail}")
        return reproducible_pdf(result.read_bytes())


def pdf_bytes(document: Document) -> bytes:
    from .docx import docx_bytes  # python-docx is imported only when writing

    return docx_to_pdf(docx_bytes(document))
