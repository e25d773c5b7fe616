"""`preview` without a browser: what the server answers, and when a page changes."""

from __future__ import annotations

import http.client
import re
import time
from pathlib import Path

import pytest

from fulian_report.preview import Preview, PreviewServer
from tests.conftest import MINIMAL_ORG, write_org


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    write_org(data, MINIMAL_ORG, org="hillside")
    served = PreviewServer(Preview(2021, data), port=0)
    served.start()
    yield served, data
    served.close()


def _get(server: PreviewServer, path: str, host: str | None = None, token: bool = True, method: str = "GET") -> tuple[int, dict, str]:
    _, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host or f"127.0.0.1:{port}"}
    if token:
        headers["Cookie"] = f"fulian_preview_{port}={server.token}"
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_the_page_is_served_on_the_loopback_only_with_its_own_script(server):
    served, _ = server
    assert served.httpd.server_address[0] == "127.0.0.1"
    status, headers, body = _get(served, "/org/lakeside")
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert '<section class="page"' in body and 'data-source="2021/lakeside/cases.yaml:2"' in body
    assert "<script>" in body and "<script src" not in body and "http" not in body.split("<script>")[1]
    assert _get(served, "/org/lakeside", host="attacker.example")[0] == 403  # DNS rebinding
    assert _get(served, "/org/nobody")[0] == 404
    status, headers, _ = _get(served, "/")
    assert status == 302 and headers["Location"] == "/org/hillside"
    assert '<a href="/org/lakeside" class="current" aria-current="page">示例区妇联</a>' in body  # the office's name


def test_a_save_moves_only_its_organisations_version_and_findings_show(server):
    served, data = server
    assert "findings" not in _get(served, "/fragment/lakeside")[2]  # drawn once, without findings
    before = {org: _get(served, f"/version/{org}")[2] for org in ("lakeside", "hillside")}
    cases = data / "2021" / "lakeside" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("55件", "55窝"), encoding="utf-8")
    deadline = time.monotonic() + 10
    while _get(served, "/version/lakeside")[2] == before["lakeside"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _get(served, "/version/lakeside")[2] != before["lakeside"]
    assert _get(served, "/version/hillside")[2] == before["hillside"]
    status, headers, fragment = _get(served, "/fragment/lakeside")
    assert status == 200 and headers["X-Version"] == _get(served, "/version/lakeside")[2]
    assert 'class="findings"' in fragment and "cases.yaml:2:" in fragment
    assert "上一次生成成功的报告" in fragment and '<section class="page"' in fragment  # the last good pages
    assert f'href="vscode://file/{cases.resolve()}:2:' in fragment


def test_the_command_prints_its_address_and_ends_on_ctrl_c(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    from tests.conftest import ROOT

    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    process = subprocess.Popen(
        [sys.executable, "-m", "fulian_report", "preview", "2021", "--data", str(data), "--port", "0"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("预览：http://127.0.0.1:"), line
        url = line.split("：", 1)[1].split()[0]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert '<section class="page"' in response.read().decode("utf-8")
        # Ctrl-C reaches the main thread only: no other thread takes it (the kernel may hand a
        # process's signal to any thread that does not block it).
        threads = list(Path(f"/proc/{process.pid}/task").iterdir())
        assert len(threads) > 2
        for thread in threads:
            blocked = int(next(line for line in (thread / "status").read_text().splitlines() if line.startswith("SigBlk:")).split()[1], 16)
            assert bool(blocked & 1 << (signal.SIGINT - 1)) == (thread.name != str(process.pid)), thread.name
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    rest = process.stdout.read()
    assert code == 0, rest
    assert "Traceback" not in rest and "已停止预览" in rest


def test_without_its_token_the_page_is_refused_and_the_address_sets_an_httponly_strict_cookie(server):
    served, _ = server
    status, _, body = _get(served, "/org/lakeside", token=False)
    assert status == 403 and "完整的预览地址" in body
    for path in ("/fragment/lakeside", "/version/lakeside", "/versions", "/"):
        assert _get(served, path, token=False)[0] == 403
    status, headers, body = _get(served, f"/org/lakeside?token={served.token}", token=False)
    assert status == 200 and '<section class="page"' in body
    cookie = headers["Set-Cookie"]
    _, port = served.httpd.server_address[:2]
    assert cookie.startswith(f"fulian_preview_{port}={served.token};") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert _get(served, "/org/lakeside?token=wrong", token=False)[0] == 403
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith(f"/?token={served.token}")


def test_head_is_answered_like_get_without_a_body(server):
    served, _ = server
    status, headers, body = _get(served, "/org/lakeside", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000


def test_an_organisation_folder_with_a_chinese_name_is_served(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="芙蓉区")
    served = PreviewServer(Preview(2021, data), port=0)
    served.start()
    try:
        status, headers, _ = _get(served, "/")
        assert status == 302 and headers["Location"] == "/org/%E8%8A%99%E8%93%89%E5%8C%BA"
        status, _, body = _get(served, headers["Location"])
        assert status == 200 and '<section class="page"' in body and 'href="/org/%E8%8A%99%E8%93%89%E5%8C%BA"' in body
    finally:
        served.close()


def test_a_page_load_the_browser_gives_up_on_prints_nothing(server, capfd):
    import socket
    import struct

    served, _ = server
    _, port = served.httpd.server_address[:2]
    for _ in range(5):
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        request = f"GET /org/lakeside HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: fulian_preview_{port}={served.token}\r\n\r\n"
        client.sendall(request.encode())
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, as a closed tab does
        client.close()
    assert _get(served, "/version/lakeside")[0] == 200  # still serving
    time.sleep(0.2)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Error" not in captured.err, captured.err


def test_a_busy_port_is_told_in_chinese_and_the_command_ends_with_1(tmp_path, server):
    import subprocess
    import sys

    from fulian_report.errors import FulianError
    from tests.conftest import ROOT

    served, data = server
    _, port = served.httpd.server_address[:2]
    with pytest.raises(FulianError) as caught:
        PreviewServer(Preview(2021, data), port=port)
    assert "已被别的程序占用" in str(caught.value) and "--port" in str(caught.value)
    done = subprocess.run(
        [sys.executable, "-m", "fulian_report", "preview", "2021", "--data", str(data), "--port", str(port)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert done.returncode == 1 and "已被别的程序占用" in done.stderr and "Address" not in done.stderr, done.stderr


def _post(server: PreviewServer, path: str, body: bytes, origin: str | None, token: bool = True) -> tuple[int, dict]:
    import json

    _, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    if token:
        headers["Cookie"] = f"fulian_preview_{port}={server.token}"
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    answer = json.loads(response.read().decode("utf-8") or "{}") if response.getheader("Content-Type") == "application/json" else {}
    connection.close()
    return response.status, answer


def test_a_write_needs_the_token_and_the_pages_own_origin(server):
    import json

    served, data = server
    edit = json.dumps({"key": ["cases", "visits", "received"], "was": "55件", "value": "56件"}).encode()
    cases = data / "2021" / "lakeside" / "cases.yaml"
    before = cases.read_bytes()
    assert _post(served, "/edit/lakeside", edit, served.origin, token=False)[0] == 403
    assert _post(served, "/edit/lakeside", edit, None)[0] == 403
    assert _post(served, "/edit/lakeside", edit, "http://attacker.example")[0] == 403
    assert cases.read_bytes() == before
    status, answer = _post(served, "/edit/lakeside", edit, served.origin)
    assert status == 200 and answer["ok"] and answer["line"] == 2
    assert cases.read_bytes() == before.replace("55件".encode(), "56件".encode())


def test_read_only_writes_nothing_and_draws_no_box(tmp_path):
    import json

    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    served = PreviewServer(Preview(2021, data, read_only=True), port=0)
    served.start()
    try:
        edit = json.dumps({"key": ["cases", "visits", "received"], "was": "55件", "value": "56件"}).encode()
        status, answer = _post(served, "/edit/lakeside", edit, served.origin)
        assert status == 422 and "只读" in answer["message"]
        page = _get(served, "/org/lakeside")[2]
        report = page.split("<script>")[0]
        assert "data-key=" not in report and "<input" not in report and 'data-editable="0"' in report
    finally:
        served.close()


@pytest.fixture
def next_year(tmp_path):
    """A fictional office's 2021, and the 2022 `init` made from it, previewed."""
    from fulian_report.cli import run

    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    assert run(["init", "2022", "--from", "2021", "--data", str(data)]) == 0
    served = PreviewServer(Preview(2022, data), port=0)
    served.start()
    yield served, data
    served.close()


def test_a_year_still_to_fill_is_drawn_with_boxes_while_validate_still_refuses_it(next_year):
    from fulian_report.errors import FulianError
    from fulian_report.model.dataset import load_org

    served, data = next_year
    page = _get(served, "/org/lakeside")[2]
    report = page.split("<script>")[0]
    assert '<section class="page"' in report and "还有 4 项待填" in report
    in_pages = re.findall(r'<input class="fill"[^>]*>', report.split('<div class="report-pages">')[1])
    assert len(in_pages) == 3
    assert 'data-source="2022/lakeside/cases.yaml:2"' in in_pages[0] and 'placeholder="55件"' in in_pages[0]
    assert "2021 年的报告中是 55件" in in_pages[0]
    # The date line is no sentence of the prose: its box is in the list at the top.
    listed = re.findall(r'<input class="fill"[^>]*>', report.split('<div class="report-pages">')[0])
    assert len(listed) == 1 and 'data-source="2022/lakeside/organisation.yaml:4"' in listed[0]
    with pytest.raises(FulianError):
        load_org(data / "2022" / "lakeside", 2022)  # validate and build are not weakened


def test_a_wrong_value_a_stale_page_and_a_file_of_another_year_write_nothing(next_year):
    import json

    served, data = next_year
    cases = data / "2022" / "lakeside" / "cases.yaml"
    before = cases.read_bytes()
    was = "待填（2021年：55件）"
    status, answer = _post(served, "/edit/lakeside", json.dumps({"key": ["cases", "visits", "received"], "was": was, "value": "abc"}).encode(), served.origin)
    assert status == 422 and "cases.yaml:2" in answer["message"] and "abc" in answer["message"], answer
    status, answer = _post(served, "/edit/lakeside", json.dumps({"key": ["cases", "visits", "received"], "was": "54件", "value": "56件"}).encode(), served.origin)
    assert status == 409 and answer["changed"] and "已改为" in answer["message"], answer
    for key in (["cases"], ["../../2021/lakeside/cases", "visits"], ["cases", "visits", True], "cases.visits.received"):
        status, answer = _post(served, "/edit/lakeside", json.dumps({"key": key, "was": was, "value": "56件"}).encode(), served.origin)
        assert status == 422 and not answer["ok"], (key, answer)
    assert cases.read_bytes() == before
    assert _post(served, "/edit/lakeside", b"{" * 20000, served.origin)[0] == 413
    assert _post(served, "/edit/lakeside", b"not json", served.origin)[0] == 400
    assert cases.read_bytes() == before
    status, answer = _post(served, "/edit/lakeside", json.dumps({"key": ["cases", "visits", "received"], "was": was, "value": "61件"}).encode(), served.origin)
    assert status == 200 and cases.read_bytes() == before.replace(was.encode(), "61件".encode())


def test_only_the_years_own_figures_offer_to_be_changed(next_year):
    served, data = next_year
    page = _get(served, "/org/lakeside")[2].split("<script>")[0]
    keyed = re.findall(r'<a class="figure" data-source="([^"]+)"[^>]* data-key=', page)
    assert keyed == [] or all(source.startswith("2022/") for source in keyed)
    assert 'data-source="2021/' not in "".join(re.findall(r"<input[^>]*>", page))


def test_the_pages_own_write_is_drawn_once_and_a_later_save_by_anyone_again(next_year):
    served, data = next_year
    preview = served.preview
    cases = data / "2022" / "lakeside" / "cases.yaml"
    version = preview.versions["lakeside"]
    preview.edit("lakeside", ["cases", "visits", "received"], "待填（2021年：55件）", "61件")
    assert preview.versions["lakeside"] == version + 1  # drawn again at once
    assert preview.changed([cases, cases.parent / ".fulian-report.lock"]) == []  # the watcher's report of it
    cases.write_text(cases.read_text(encoding="utf-8").replace("61件", "62件"), encoding="utf-8")
    assert preview.changed([cases]) == ["lakeside"]
