"""Property suite: whatever shape the files of a data folder take, validate and build answer in Chinese.

Each example gives every data file of a small fictional organisation a shape: as written, a link
leading outside (to a file holding a marker), a link beside it, a link to itself or to a device,
a FIFO, a folder, empty, only comments, or another encoding.  Neither command may exit 3, hang,
print a traceback or English, or show the marker, and the reports must not hold it either.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import MINIMAL_ORG, write_org
from tests.test_file_safety import SECRET, assert_clean, run_cli

EXTRA = {
    "honors.yaml": "donghu_post:   # 东湖社区\n  title: 巾帼文明岗\n  level: 市\n  holders: 东湖社区妇联\n",
    "funds.yaml": "# 本年度经费另报\n",
}
FILES = sorted({**MINIMAL_ORG, **EXTRA})


def _encoded(codec: str, bom: bytes = b"") -> object:
    return lambda text: bom + text.encode(codec)


ENCODINGS = {
    "gbk": _encoded("gbk"),
    "utf-8 with BOM": _encoded("utf-8", codecs.BOM_UTF8),
    "utf-16 with BOM": _encoded("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-le": _encoded("utf-16-le"),
    "utf-16-be": _encoded("utf-16-be"),
}
DEVICES = [device for device in ("/dev/null", "/dev/zero") if Path(device).exists()]
SHAPES = (
    ["as written", "link outside", "link beside", "link to itself", "folder", "empty", "comments only", "missing"]
    + [f"encoded {name}" for name in ENCODINGS]
    + [f"link to {device}" for device in DEVICES]
    + (["fifo"] if hasattr(os, "mkfifo") else [])
)


def _shape(folder: Path, name: str, text: str, shape: str, secret: Path) -> None:
    path = folder / name
    path.unlink(missing_ok=True)
    if shape == "as written":
        path.write_text(text, encoding="utf-8")
    elif shape == "link outside":
        path.symlink_to(secret)
    elif shape == "link beside":
        (folder / f".real-{name}").write_text(text, encoding="utf-8")
        path.symlink_to(f".real-{name}")
    elif shape == "link to itself":
        path.symlink_to(path)
    elif shape.startswith("link to /dev/"):
        path.symlink_to(shape.removeprefix("link to "))
    elif shape == "folder":
        path.mkdir()
        (path / "secret.yaml").write_text(f"a: {SECRET}\n", encoding="utf-8")
    elif shape == "empty":
        path.write_bytes(b"")
    elif shape == "comments only":
        path.write_text("# 待补充\n", encoding="utf-8")
    elif shape.startswith("encoded "):
        path.write_bytes(ENCODINGS[shape.removeprefix("encoded ")](text))  # type: ignore[operator]
    elif shape == "fifo":
        os.mkfifo(path)
    # "missing": nothing there


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes=st.fixed_dictionaries({name: st.sampled_from(SHAPES) for name in FILES}), linked_org=st.booleans())
def test_any_file_system_shape_is_answered_in_chinese_without_leaking(shapes, linked_org):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        secret = root / "secret.yaml"
        secret.write_text(f"visits:\n  received: {SECRET}\ncouples_received: {SECRET}\n", encoding="utf-8")
        texts = {**MINIMAL_ORG, **EXTRA}
        if linked_org:  # the organisation folder itself a link to a folder outside the data
            folder = write_org(root / "elsewhere", {})
            (root / "data" / "2021").mkdir(parents=True)
            (root / "data" / "2021" / "demo").symlink_to(folder, target_is_directory=True)
        else:
            folder = write_org(root / "data", {})
        for name, shape in shapes.items():
            _shape(folder, name, texts[name], shape, secret)
        data, out = root / "data", root / "out"
        for args in (["validate", data], ["validate", folder / "cases.yaml"], ["build", "2021", "--data", data, "--out", out, "--format", "txt"]):
            result = run_cli(args)
            assert_clean(result, out)
        if linked_org or any(shape not in ("as written", "missing") and not shape.startswith("encoded") for shape in shapes.values()):
            return
        if all(shapes[name] != "missing" for name in MINIMAL_ORG):
            assert result.exit_code == 0, result.output  # every file readable: the report is written
