"""`preview`: a local page that shows the year's reports as A4 pages, follows the data, and
is where an office fills in a new year's figures.

The page is the report as it will print, every figure marked with the file and line it
comes from.  A year that `init` left with values to fill (待填) shows too: each such value
stands in its sentence as a box labelled with last year's value; typing a value and Enter
writes it into that line of that file (fill.py: only that value's bytes, checked as
`validate` checks it).  Any other figure of the year becomes such a box when clicked.

Only this machine can reach the page (127.0.0.1), and only with the token printed in its
address: a request without it, or without the cookie the address sets, is refused, so
another account on the machine can neither read the data nor write it.  A write also needs
POST and the page's own Origin; `--read-only` turns writing off.
"""

from __future__ import annotations

import errno
import json
import secrets
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .doctree import Document
from .errors import Finding, FulianError, Location, Severity, os_reason
from .process import PRINTABLE_ERRORS
from .serve import ChangeMap, _leaving_ctrl_c_to_the_main_thread, _watch_changes
from .fill import CHANGED_MEANWHILE
from .source.yaml_source import keep_parsed_files

# The largest edit a page sends: a value, its old text and its path, as JSON.
MAX_EDIT_BYTES = 16 * 1024


@dataclass(frozen=True)
class ToFill:
    """A value `init` left to fill: where it is (as data-source names it), its path, the marker."""

    source: str  # "<file relative to the data root>:<line>"
    key: tuple
    written: str  # 待填（2021年：444对）
    last_year: str  # 2021年：444对


@dataclass
class PreviewPage:
    """One organisation's latest rendering: its tree with sources, or the findings that stopped it."""

    document: Document | None
    findings: list[Finding]
    version: int
    to_fill: list[ToFill] = field(default_factory=list)


class Preview:
    """The state behind the preview server: every organisation's page, redrawn when its files change."""

    def __init__(
        self,
        year: int,
        data_root: Path = Path("data"),
        orgs: list[str] | None = None,
        style: str | None = None,
        force_polling: bool | None = None,
        read_only: bool = False,
    ):
        from .pipeline import organisation_folders

        self.year, self.data_root, self.style = year, Path(data_root), style
        self.read_only = read_only
        self.folders = {folder.name: folder for folder in organisation_folders(self.data_root, year, orgs)}
        self.changes = ChangeMap(year, self.data_root, orgs, style)
        self.force_polling = force_polling
        keep_parsed_files()
        self.versions = {org: 1 for org in self.folders}
        self.names = {org: _office_name(folder) for org, folder in self.folders.items()}
        self._pages: dict[str, PreviewPage] = {}
        self._last_good: dict[str, Document] = {}
        self._data: dict[str, Any] = {}  # the organisation's data of its last rendering
        self._written: dict[Path, tuple[int, int, int]] = {}  # file → its stat as the page's last edit left it
        self._lock = threading.Lock()

    def page(self, org: str) -> PreviewPage:
        """The organisation's page at its current version, rendered once per version."""
        with self._lock:
            version = self.versions[org]
            cached = self._pages.get(org)
            if cached is not None and cached.version == version:
                return cached
            document, findings, to_fill = self._render(org)
            if document is not None:
                self._last_good[org] = document
            page = PreviewPage(document, findings, version, to_fill)
            self._pages[org] = page
            return page

    def _render(self, org: str) -> tuple[Document | None, list[Finding], list[ToFill]]:
        """The same load and render as a build's, with each figure's source kept; a year whose
        only errors are values still to fill renders with last year's values standing in."""
        from .pipeline import all_findings, make_document
        from .diagnostics import sorted_findings
        from .model.dataset import InvalidOrg, load_org
        from .render.style import resolve_style

        to_fill: list[ToFill] = []
        self._data.pop(org, None)  # an edit is checked against the data as drawn now, or refused
        try:
            try:
                data = load_org(self.folders[org], self.year)
            except InvalidOrg as exc:
                data, to_fill = self._fillable(exc)
                if data is None:
                    raise
            self._data[org] = data
            self.names[org] = str(data.organisation.name) if data.organisation is not None else org
            document = make_document(data, resolve_style(self.style) if self.style else None, provenance=True)
        except FulianError as exc:
            return None, sorted_findings(all_findings(exc)), to_fill
        return document, sorted_findings(data.warnings), to_fill

    def _fillable(self, error: Any) -> tuple[Any, list[ToFill]]:
        """The data with last year's values standing in for those to fill, when those are its only
        errors (else None); the values to fill in file order.  Only the preview draws such a year:
        validate and build still refuse it."""
        from .model.dataset import is_previous_period, load_org, previous_folder
        from .model.unfilled import markers

        data = error.partial
        if error.failed:
            return None, []
        spots: dict[tuple, ToFill] = {}
        root = self.data_root.resolve()
        for subject, source in data.sources.items():
            relative = Path(source.path).resolve().relative_to(root).as_posix()
            for path, match in markers(source.data):
                where = source.locate_value(path)
                spots[(where.path, where.line, where.column)] = ToFill(
                    f"{relative}:{where.line}", (subject, *path), match.group(0), f"{match.group('year')}年：{match.group('value')}"
                )
        errors = [f for f in error.findings if f.severity is Severity.ERROR]
        if not spots or any((f.location.path, f.location.line, f.location.column) not in spots for f in errors):
            return None, []
        data.warnings = [f for f in error.findings if f.severity is not Severity.ERROR]
        before = previous_folder(data.folder, data.period)
        if before.is_dir():
            previous = load_org(before, data.period.previous.last_year, with_previous=False)
            data.previous = previous if is_previous_period(previous, data.period) else None
        return data, list(spots.values())

    def changed(self, paths: Iterable[Path]) -> list[str]:
        # A hidden file (an edit's temporary file, the folder's lock) is no data; a file as the
        # page's own edit left it is drawn already.
        paths = [path for path in paths if not Path(path).name.startswith(".") and not self._own_write(Path(path))]
        return self._redraw(paths) if paths else []

    def _redraw(self, paths: list[Path]) -> list[str]:
        """Bump the versions of the organisations `paths` concern; those organisations."""
        orgs = self.changes.organisations(paths)
        touched = list(self.folders) if orgs is None else [org for org in orgs if org in self.folders]
        with self._lock:
            for org in touched:
                self.versions[org] += 1
        return touched

    def follow(self, stop: threading.Event) -> None:
        """Bump the versions of what each change concerns, until `stop` is set."""
        for changed in _watch_changes(self.changes.watched(), stop, self.force_polling):
            self.changed(changed)

    def last_good(self, org: str) -> Document | None:
        return self._last_good.get(org)

    def edit(self, org: str, key: list, was: str, value: str) -> int:
        """Write `value` at `key` (subject, then the path) of the organisation's own file; the
        line written.  FulianError, in Chinese, when it is refused; nothing is written then."""
        from .fill import Edit, apply_edit, subject_validator
        from .model.subjects import SUBJECT_MODELS

        if self.read_only:
            raise FulianError.single(str(self.folders[org]), "预览以只读方式启动（--read-only），不能修改数据。")
        if (
            not isinstance(key, list) or len(key) < 2 or key[0] not in SUBJECT_MODELS
            or not all(isinstance(part, (str, int)) and not isinstance(part, bool) for part in key)
            or not isinstance(was, str) or not isinstance(value, str)
        ):
            raise FulianError.single(str(self.folders[org]), "页面发来的修改不完整，没有写入；请刷新页面后再试。")
        self.page(org)  # the data the page was drawn from: its period and measure words
        data = self._data.get(org)
        if data is None:
            raise FulianError.single(str(self.folders[org]), "数据有错误，报告未能生成；请先按页面上方列出的问题改正文件。")
        subject = key[0]
        file = data.sources[subject].path if subject in data.sources else None
        if file is None or Path(file).resolve().parent != self.folders[org].resolve():
            raise FulianError.single(str(self.folders[org]), f"{subject}.yaml 不是本年度这个组织的文件，不能在这里修改。")
        organisation = data.subjects.get("organisation")
        validate = subject_validator(data.period, organisation.measure_words if organisation is not None else ())
        try:
            line = apply_edit(Edit(Path(file), subject, tuple(key[1:]), was, value), validate)
        except FulianError as exc:
            if any(finding.message.startswith(CHANGED_MEANWHILE) for finding in exc.findings):
                self._redraw([Path(file)])  # the page is drawn again from the file as it is now
            raise
        # Remembered first: the watcher reports the save within milliseconds, and a redraw it
        # asked for would only repeat this one.
        self._remember_write(Path(file))
        self._redraw([Path(file)])  # drawn again at once, not when the watcher sees the save
        return line

    def _remember_write(self, file: Path) -> None:
        try:
            found = file.stat()
        except OSError:
            return
        self._written[file.resolve()] = (found.st_mtime_ns, found.st_size, found.st_ino)

    def _own_write(self, file: Path) -> bool:
        """Whether `file` is as an edit from the page wrote it (a later save by anyone changes that)."""
        kept = self._written.get(file.resolve())
        if kept is None:
            return False
        try:
            found = file.stat()
        except OSError:
            return False
        return kept == (found.st_mtime_ns, found.st_size, found.st_ino)


def _office_name(folder: Path) -> str:
    """The office's name from organisation.yaml, for the bar; the folder's name if it cannot be read."""
    from .source.yaml_source import load_yaml

    try:
        name = (load_yaml(folder / "organisation.yaml").data or {}).get("name")
    except (FulianError, AttributeError):
        return folder.name
    return str(name) if name else folder.name


_SCRIPT = r"""
(function () {
  var body = document.body, org = body.getAttribute("data-org");
  if (!org) return;
  var editable = body.getAttribute("data-editable") === "1";
  var undo = [];  // {key, value shown before, value written, source}, newest last
  var refused = {};  // data-key → {value, message} of a value the tool refused
  var notice = "";  // why the last value was not written: the file had changed meanwhile
  var busy = false;

  function say(box, text) {
    var next = box.nextSibling;
    if (!(next && next.classList && next.classList.contains("fill-error"))) {
      next = document.createElement("span");
      next.className = "fill-error";
      next.setAttribute("role", "alert");
      box.parentNode.insertBefore(next, box.nextSibling);
    }
    next.textContent = text;
    box.setAttribute("aria-invalid", "true");
  }
  function show(html, version) {
    var report = document.getElementById("report");
    var focused = document.activeElement;
    var keep = focused && focused.classList && focused.classList.contains("fill") ? focused : null;
    var list = report.querySelector("details.to-fill"), listOpen = list && list.open;
    report.innerHTML = html;
    body.setAttribute("data-version", version);
    list = report.querySelector("details.to-fill");
    if (list && listOpen) list.open = true;
    if (keep) {  // the box being typed in keeps the focus and what is typed
      var again = report.querySelector('input.fill[data-key="' + CSS.escape(keep.getAttribute("data-key")) + '"]');
      if (again) { again.value = keep.value; again.focus(); }
    }
    Object.keys(refused).forEach(function (key) {  // a refused value stays, with why, until changed
      var box = report.querySelector('input.fill[data-key="' + CSS.escape(key) + '"]');
      if (!box) { delete refused[key]; return; }
      if (!box.value) box.value = refused[key].value;
      say(box, refused[key].message);
    });
    drawUndo();
    if (notice) {
      var told = document.createElement("p");
      told.className = "changed-notice";
      told.setAttribute("role", "alert");
      told.textContent = notice;
      report.insertBefore(told, report.firstChild);
    }
  }
  function refresh() {
    return fetch("/fragment/" + org, {cache: "no-store"}).then(function (r) {
      var shown = r.headers.get("X-Version");
      return r.text().then(function (html) { show(html, shown); });
    });
  }
  function poll() {
    if (busy) { setTimeout(poll, 250); return; }
    fetch("/version/" + org, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (version) {
        if (version !== body.getAttribute("data-version")) return refresh();
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 250); });
  }
  setTimeout(poll, 250);
  if (!editable) return;

  function reach(box) {  // a box in the closed list at the top opens the list
    var list = box.closest("details");
    if (list) list.open = true;
    box.scrollIntoView({block: "center"});
    box.focus();
  }
  function send(key, was, value) {
    return fetch("/edit/" + org, {
      method: "POST", cache: "no-store", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({key: JSON.parse(key), was: was, value: value})
    }).then(function (r) { return r.json(); });
  }
  function submit(box) {
    var value = box.value.trim(), was = box.getAttribute("data-was"), key = box.getAttribute("data-key");
    if (!value || value === was || box.getAttribute("data-sending")) return;
    if (refused[key] && refused[key].value === value) return;  // refused already, and why is shown
    var boxes = Array.prototype.slice.call(document.querySelectorAll("#report input.fill"));
    var place = boxes.indexOf(box);
    box.setAttribute("data-sending", "1");
    busy = true;
    send(box.getAttribute("data-key"), was, value).then(function (answer) {
      box.removeAttribute("data-sending");
      if (!answer.ok) {
        say(box, answer.message);
        if (answer.changed) { notice = answer.message; return refresh(); }  // said above the redrawn page
        refused[box.getAttribute("data-key")] = {value: value, message: answer.message};
        return;
      }
      delete refused[box.getAttribute("data-key")];
      notice = "";
      box.setAttribute("data-was", answer.written);  // written: leaving the box sends nothing more
      undo.push({key: box.getAttribute("data-key"), before: was, after: answer.written, source: box.getAttribute("data-source")});
      return refresh().then(function () {
        var left = document.querySelectorAll("#report input.fill");
        var next = left[Math.min(place, left.length - 1)];
        if (next && place >= 0) reach(next);
      });
    }).catch(function () { box.removeAttribute("data-sending"); say(box, "未能连接预览程序（可能已关闭），没有写入。"); })
      .then(function () { busy = false; });
  }
  function drawUndo() {
    var bar = document.getElementById("undo");
    if (!bar) return;
    bar.textContent = "";
    if (!undo.length) { bar.hidden = true; return; }
    var last = undo[undo.length - 1];
    bar.hidden = false;
    bar.appendChild(document.createTextNode("已把 " + last.source + " 改为“" + last.after + "”（原为“" + last.before + "”）。"));
    var button = document.createElement("button");
    button.type = "button";
    button.id = "undo-button";
    button.textContent = "撤销";
    button.addEventListener("click", function () {
      busy = true;
      send(last.key, last.after, last.before).then(function (answer) {
        if (answer.ok) { undo.pop(); return refresh(); }
        bar.appendChild(document.createTextNode(" " + answer.message));
      }).catch(function () {}).then(function () { busy = false; });
    });
    bar.appendChild(button);
  }
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key === "Enter" && box.classList && box.classList.contains("fill")) { event.preventDefault(); submit(box); }
  });
  document.addEventListener("focusout", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("fill") && box.value.trim()) submit(box);
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a") : null;
    if (!target) return;
    var goal = target.getAttribute("data-goto");
    if (goal) {  // a value to fill, from the list at the top
      event.preventDefault();
      var box = document.querySelector('input.fill[data-source="' + CSS.escape(goal) + '"]');
      if (box) reach(box);
      return;
    }
    if (!target.classList.contains("figure") || !target.hasAttribute("data-key")) return;
    event.preventDefault();  // a figure of the year: a box in its place, its tooltip kept
    var input = document.createElement("input");
    input.className = "fill";
    ["data-source", "data-key", "data-was", "title"].forEach(function (name) { input.setAttribute(name, target.getAttribute(name)); });
    input.value = target.getAttribute("data-was");
    input.style.width = Math.max(target.getBoundingClientRect().width, 40) + "px";
    target.parentNode.replaceChild(input, target);
    input.focus();
    input.select();
  });
  drawUndo();
})();
"""

_CHROME_CSS = """
body{margin:0;background:#e8e8e8;font-family:sans-serif}
nav.orgs{padding:2mm 4mm;background:#333;color:#fff}nav.orgs a{color:#fff;margin-right:4mm}
nav.orgs a.current{font-weight:bold;text-decoration:underline}
.findings,.to-fill,#undo{margin:4mm auto;max-width:200mm;background:#fff;border-left:2mm solid #c00;padding:2mm 4mm}
.findings.warnings-only{border-left-color:#e6a100}.to-fill{border-left-color:#2a6ebb}#undo{border-left-color:#3a3}
.findings ul,.to-fill ol{margin:0;padding-left:5mm}.findings li.error{color:#a00}.findings li.warning{color:#7a5a00}
.findings a{color:inherit}.notice{font-weight:bold}.to-fill li{margin:1mm 0}
input.fill,input.fill::placeholder{font:inherit;letter-spacing:0}
input.fill{box-sizing:border-box;height:90%;padding:0 0.5mm;margin:0;
border:0.3mm solid #2a6ebb;background:#eef5ff;color:#000;vertical-align:baseline}
input.fill::placeholder{color:#6a7f99}input.fill[aria-invalid=true]{border-color:#c00;background:#fff0f0}
.fill-error{position:absolute;z-index:2;margin-top:6mm;background:#c00;color:#fff;font:12px/1.4 sans-serif;
padding:1mm 2mm;white-space:normal;max-width:120mm;letter-spacing:0}
.placeholder{color:#6a7f99;border-bottom:0.3mm dashed #6a7f99}
.changed-notice{margin:4mm auto;max-width:200mm;background:#fff7e0;border-left:2mm solid #e6a100;padding:2mm 4mm}
"""


def _finding_html(finding: Finding) -> str:
    location = finding.location
    text = escape(f"{location}: {finding.severity.label}：{finding.message}")
    kind = "error" if finding.severity is Severity.ERROR else "warning"
    if location.line:
        target = f"vscode://file/{quote(str(Path(location.path).resolve()), errors='surrogateescape')}:{location.line}:{location.column or 1}"
        return f'<li class="{kind}"><a href="{escape(target)}">{text}</a></li>'
    return f'<li class="{kind}">{text}</li>'


def _to_fill_html(page: PreviewPage, printed: set[str], editable: bool) -> str:
    """The line telling how many values are left, and each of them: a link to its box in the
    report, or (a value the report does not print) a box of its own."""
    from .writers.html import fill_box

    count = len(page.to_fill)
    items = []
    for spot in page.to_fill:
        label = escape(f"{spot.source}  {'.'.join(str(part) for part in spot.key)}")
        if spot.source in printed or not editable:
            items.append(f'<li><a href="#" data-goto="{escape(spot.source)}">{label}</a>（{escape(spot.last_year)}）</li>')
        else:
            box = fill_box(spot.source, spot.key, spot.written, f"{spot.last_year}（报告中不印出）", 6)
            items.append(f"<li>{label}：{box}（{escape(spot.last_year)}；这一项报告中不印出）</li>")
    how = "（只读：不能在页面中填写）" if not editable else "：在报告中的方框里填写，按回车保存；点这里列出每一项"
    return (
        f'<details class="to-fill"><summary class="notice" id="to-fill-count">还有 {count} 项待填{how}。</summary>'
        f"<ol>{''.join(items)}</ol></details>"
    )


def fragment_html(page: PreviewPage, fallback: Document | None, editable: bool = False) -> str:
    """What `#report` shows: the findings, then the pages (the last good ones if this version failed)."""
    from .writers.html import pages_html, stylesheet

    parts = ['<div id="undo" hidden></div>']
    document = page.document or fallback
    if page.to_fill and page.document is not None:
        parts.append(_to_fill_html(page, _printed_sources(page.document), editable))
    findings = page.findings
    if findings:
        errors = any(f.severity is Severity.ERROR for f in findings)
        notice = "数据有错误，报告未能生成" + ("；下面是上一次生成成功的报告。" if fallback and not page.document else "。")
        heading = f'<p class="notice">{escape(notice)}</p>' if errors else '<p class="notice">有警告：</p>'
        items = "".join(_finding_html(f) for f in findings)
        parts.append(f'<div class="findings{"" if errors else " warnings-only"}">{heading}<ul>{items}</ul></div>')
    if document is not None:
        parts.append(f"<style>{stylesheet(document)}</style>")
        parts.append(f'<div class="report-pages">{pages_html(document, editable=editable)}</div>')
    return "\n".join(parts)


def _printed_sources(document: Document) -> set[str]:
    """The data-source of every figure the report prints."""
    found = set()
    for block in document.blocks:
        for run in getattr(block, "runs", ()):
            if run.source is not None:
                found.add(f"{run.source.file}:{run.source.line}")
    return found


_CURRENT = ' class="current" aria-current="page"'


def org_in_url(org: str) -> str:
    """An organisation's folder name as one part of a URL, every byte of it kept: a name that is not
    UTF-8 (surrogate escapes, PEP 383) comes back as itself when the server unquotes it.  The page's
    script puts it into URLs as it is (data-org)."""
    return quote(org, safe="", errors="surrogateescape")


def page_html(preview: Preview, org: str) -> str:
    page = preview.page(org)
    links = "".join(
        f'<a href="/org/{escape(org_in_url(name))}"{_CURRENT if name == org else ""}>{escape(preview.names.get(name, name))}</a>'
        for name in preview.folders
    )
    title = page.document.title.text if page.document else preview.names.get(org, org)
    editable = not preview.read_only
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)} — 预览</title>'
        f"<style>{_CHROME_CSS}</style></head>"
        f'<body data-org="{escape(org_in_url(org))}" data-version="{page.version}" data-editable="{int(editable)}">'
        f'<nav class="orgs">{links}</nav>'
        f'<div id="report">{fragment_html(page, preview.last_good(org), editable)}</div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


# Only what the tool itself serves runs on the page; nothing is fetched from elsewhere.
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}

_REFUSED_PAGE = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>需要预览地址</title></head><body>'
    "<h1>需要完整的预览地址</h1><p>这个预览只对启动它的人开放：请使用启动预览时打印的完整地址"
    "（以 <code>?token=</code> 加一串字符结尾）。</p></body></html>\n"
)

# The client went away while being answered (a page reloaded, a tab closed): nothing to tell.
# A client that went away, or fell silent mid-request for longer than CLIENT_SILENCE_SECONDS.
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
# How long a client may stay silent in the middle of its request (a body shorter than its
# Content-Length, a connection opened and left): past it, its thread ends instead of waiting for good.
CLIENT_SILENCE_SECONDS = 30
# The page http.server sends for a request it cannot parse (a wrong HTTP version, a line too long):
# in Chinese, as every other answer of the preview.
_MALFORMED_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>无法处理的请求</title></head>'
    "<body><p>预览无法处理这个请求（HTTP %(code)d）。请用预览启动时显示的地址重新打开页面。</p></body></html>"
)


def make_handler(preview: Preview, token: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "fulian-report-preview"
        timeout = CLIENT_SILENCE_SECONDS
        error_message_format = _MALFORMED_PAGE
        _head = False  # a HEAD request: the headers of the GET, no body

        @property
        def _cookie_name(self) -> str:
            # A cookie is the host's, whatever the port: each preview's has its port in its name.
            return f"fulian_preview_{self.server.server_address[1]}"

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self._answer(writing=False)

        def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
            self._head = True
            self._answer(writing=False)

        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            self._answer(writing=True)

        def _answer(self, writing: bool) -> None:
            try:
                if not self._allowed(writing):
                    return
                if writing:
                    self._edit()
                else:
                    self._route()
            except _GONE:
                pass
            except Exception as exc:  # noqa: BLE001 - every request gets an answer
                self._failed(exc)

        def _failed(self, exc: Exception) -> None:
            print(f"预览：处理 {self.command} {self.path.split('?')[0]} 时出错（{type(exc).__name__}: {exc}）", file=sys.stderr)
            try:
                self._send(500, "text/plain; charset=utf-8", "预览程序出错，未能显示这一页；请重试，或重新启动预览。")
            except _GONE:
                pass

        def _allowed(self, writing: bool) -> bool:
            """A local Host; the token (in the address, or the cookie it set); to write, the page's Origin."""
            self._set_cookie = False
            if not self._local_host():
                self._send(403, "text/plain; charset=utf-8", "只接受本机地址的访问。")
                return False
            given = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
            if given and secrets.compare_digest(given.encode(), token.encode()):
                self._set_cookie = not writing
            elif not self._cookie_matches():
                self._send(403, "text/html; charset=utf-8", _REFUSED_PAGE)
                return False
            if writing and self.headers.get("Origin") != f"http://{self.headers.get('Host')}":
                self._send(403, "application/json", json.dumps({"ok": False, "message": "只接受预览页面自己发来的修改。"}))
                return False
            return True

        def _cookie_matches(self) -> bool:
            try:
                cookie = SimpleCookie(self.headers.get("Cookie") or "")
            except CookieError:
                return False
            morsel = cookie.get(self._cookie_name)
            return morsel is not None and secrets.compare_digest(morsel.value.encode(), token.encode())

        def _route(self) -> None:
            path = unquote(urlsplit(self.path).path, errors="surrogateescape")  # the inverse of org_in_url
            head, _, org = path.strip("/").partition("/")
            if path == "/":
                first = next(iter(preview.folders))
                # The token goes along for a client that keeps no cookie (a browser keeps the one just set).
                carried = f"?token={quote(token)}" if self._set_cookie else ""
                self._send(302, "text/plain; charset=utf-8", "", {"Location": f"/org/{org_in_url(first)}{carried}"})
            elif org in preview.folders and head == "org":
                self._send(200, "text/html; charset=utf-8", page_html(preview, org))
            elif org in preview.folders and head == "fragment":
                page = preview.page(org)
                body = fragment_html(page, preview.last_good(org), not preview.read_only)
                self._send(200, "text/html; charset=utf-8", body, {"X-Version": str(page.version)})
            elif org in preview.folders and head == "version":
                self._send(200, "text/plain; charset=utf-8", str(preview.versions[org]))
            elif path == "/versions":
                self._send(200, "application/json", json.dumps(preview.versions))
            else:
                self._send(404, "text/plain; charset=utf-8", "没有这个页面。")

        def _edit(self) -> None:
            path = unquote(urlsplit(self.path).path, errors="surrogateescape")  # the inverse of org_in_url
            head, _, org = path.strip("/").partition("/")
            if head != "edit" or org not in preview.folders:
                self._send(404, "text/plain; charset=utf-8", "没有这个页面。")
                return
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                self._send(415, "application/json", json.dumps({"ok": False, "message": "修改应以 JSON 发送。"}))
                return
            try:
                length = int(self.headers.get("Content-Length") or "")
            except ValueError:
                length = -1
            if not 0 < length <= MAX_EDIT_BYTES:
                self._send(413, "application/json", json.dumps({"ok": False, "message": "修改的内容太长或缺少长度，没有写入。"}))
                return
            try:
                asked = json.loads(self.rfile.read(length).decode("utf-8"))
                key, was, value = asked["key"], asked["was"], asked["value"]
            except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: JSON nested thousands deep
                self._send(400, "application/json", json.dumps({"ok": False, "message": "页面发来的修改无法读取，没有写入。"}))
                return
            try:
                line = preview.edit(org, key, was, value)
            except FulianError as exc:
                message = "\n".join(f"{f.location}: {f.message}" if f.location.line else f.message for f in exc.findings)
                changed = any(f.message.startswith(CHANGED_MEANWHILE) for f in exc.findings)
                answer = {"ok": False, "message": message, "changed": changed}
                self._send(409 if changed else 422, "application/json", json.dumps(answer, ensure_ascii=False))
                return
            answer = {"ok": True, "line": line, "written": value.strip(), "version": preview.versions[org]}
            self._send(200, "application/json", json.dumps(answer, ensure_ascii=False))

        def _local_host(self) -> bool:
            """A page of another site that points a name at 127.0.0.1 gets no answer (DNS rebinding)."""
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            return host in ("127.0.0.1", "localhost", "")

        def _send(self, status: int, kind: str, body: str, extra: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8", PRINTABLE_ERRORS)  # a name that is not UTF-8 shown as printable shows it
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in {**_SECURITY_HEADERS, **(extra or {})}.items():
                self.send_header(name, value)
            if getattr(self, "_set_cookie", False):
                self.send_header("Set-Cookie", f"{self._cookie_name}={token}; Path=/; HttpOnly; SameSite=Strict")
            self.end_headers()
            if not self._head:
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass  # a poll every quarter second is not worth a line

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-request is no error worth a traceback; anything else gets one line."""
        kind, exc = sys.exc_info()[:2]
        if kind is not None and issubclass(kind, _GONE):
            return
        print(f"预览：处理请求时出错（{kind.__name__ if kind else '未知'}: {exc}）", file=sys.stderr)


class PreviewServer:
    """The preview on 127.0.0.1:`port` (0: any free port), following the files until `close`."""

    def __init__(self, preview: Preview, port: int = 8000):
        self.preview = preview
        self.token = secrets.token_urlsafe(24)
        try:
            self.httpd = _Server(("127.0.0.1", port), make_handler(preview, self.token))
        except OSError as exc:
            raise FulianError([Finding(Location(f"127.0.0.1:{port}"), _port_problem(exc, port))]) from None
        self.stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """The address to open: the page and its token."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/?token={self.token}"

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Serve and follow the files in background threads."""
        for target in (self.httpd.serve_forever, lambda: self.preview.follow(self.stop)):
            thread = threading.Thread(target=_leaving_ctrl_c_to_the_main_thread(target), daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=6)


def _port_problem(exc: OSError, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"本机端口 {port} 已被别的程序占用，无法启动预览；请用 --port 换一个端口（如 --port 0 任选一个空闲端口）。"
    if exc.errno == errno.EACCES:
        return f"没有权限使用本机端口 {port}（1024 以下的端口需要管理员权限）；请用 --port 换一个端口。"
    return f"无法在本机端口 {port} 上启动预览（{os_reason(exc)}）；请用 --port 换一个端口。"
