"""Which reports a command is about: one year's organisations under a data folder, in a style
and formats, written under an output folder.  build, check and watch take the same selection."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Selection:
    """`year`'s organisations under `data_root` (those named in `orgs`, or all), each in `style`
    (None: the style its organisation.yaml names), as `formats`, under `out_root`/`year`."""

    year: int
    data_root: Path = Path("data")
    out_root: Path = Path("out")
    orgs: list[str] | None = None
    style: str | None = None
    formats: tuple[str, ...] = ("docx",)

    def __post_init__(self) -> None:
        self.data_root, self.out_root = Path(self.data_root), Path(self.out_root)

    @property
    def out_year(self) -> Path:
        """The year's output folder."""
        return self.out_root / str(self.year)

    def narrowed(self, orgs: list[str] | None) -> Selection:
        """The same selection for `orgs` only (None: as it is)."""
        return Selection(self.year, self.data_root, self.out_root, orgs or self.orgs, self.style, self.formats)
