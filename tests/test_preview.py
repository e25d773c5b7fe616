"""`preview` without a browser: what the server answers, and when a page changes."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest

from fulian_report.serve import Preview, PreviewServer
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


def _get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, dict, str]:
    _, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
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
        with urllib.request.urlopen(f"{url}org/lakeside", timeout=30) as response:
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
