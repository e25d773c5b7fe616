"""Word files made in the tests from text: one paragraph a line, the title centred and bold."""

from __future__ import annotations

from pathlib import Path

REPORTS = Path(__file__).resolve().parent / "reports"


def docx_from_text(text: str, path: Path, *, title_style: str | None = None, bold_title: bool = True) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for index, line in enumerate(text.splitlines()):
        if index == 0 and title_style:
            paragraph = document.add_paragraph(line, style=title_style)
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        if index == 0:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = bold_title
    document.save(path)
    return path
