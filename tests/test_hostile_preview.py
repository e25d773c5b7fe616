"""Requests to the preview that are malformed, nested without end or left half-sent: each gets an
answer in Chinese or is ended, never a traceback, an English page or a thread waiting for good."""

from __future__ import annotations

import re
import socket

import pytest

from fulian_report import preview as preview_module
from fulian_report.preview import Preview, PreviewServer
from tests.conftest import MINIMAL_ORG, write_org


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.setattr(preview_module, "CLIENT_SILENCE_SECONDS", 0.5, raising=False)
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    server = PreviewServer(Preview(2021, data), port=0)
    server.start()
    yield server
    server.close()


def _exchange(server: PreviewServer, request: bytes, deadline: float = 10) -> bytes:
    """The whole answer to `request`, the connection closed by the server within `deadline` s."""
    with socket.create_connection(("127.0.0.1", server.httpd.server_address[1]), timeout=deadline) as connection:
        connection.sendall(request)
        answer = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except socket.timeout:
                raise AssertionError(f"the preview neither answered nor closed within {deadline:g} s: {answer[:200]!r}") from None
            if not chunk:
                return answer
            answer += chunk


def _edit_request(server: PreviewServer, body: bytes, length: int | None = None) -> bytes:
    port = server.httpd.server_address[1]
    return (
        f"POST /edit/lakeside HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {server.origin}\r\n"
        f"Cookie: fulian_preview_{port}={server.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode() + body


def _english(text: str) -> list[str]:
    """English phrases in the text a person reads (the HTML's tags and their names aside)."""
    return re.findall(r"[A-Za-z]{4,}(?: [A-Za-z]{2,})+", re.sub(r"<[^>]*>", " ", text))


def test_an_edit_nested_thousands_deep_is_refused_in_chinese(served, capsys):
    answer = _exchange(served, _edit_request(served, b"[" * 5000 + b"]" * 5000)).decode("utf-8")
    assert answer.startswith("HTTP/1.0 400"), answer[:200]
    assert "\\u65e0\\u6cd5\\u8bfb\\u53d6" in answer or "无法读取" in answer  # 页面发来的修改无法读取
    assert "Error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "request_line",
    [b"GET / HTTP/9.9", b"\x16\x03\x01\x00\xa5\x01\x00", b"GET /" + b"a" * 70000 + b" HTTP/1.1", b"BREW /org/lakeside HTTP/1.1"],
    ids=["version", "tls", "long", "method"],
)
def test_a_request_the_server_cannot_parse_gets_a_chinese_page(served, request_line):
    answer = _exchange(served, request_line + b"\r\nHost: 127.0.0.1\r\n\r\n").decode("utf-8", "replace")
    body = answer.split("\r\n\r\n", 1)[-1]  # an HTTP/0.9 answer (a version it cannot read) has no head
    assert "预览无法处理这个请求" in body and _english(body) == [], body


def test_a_request_left_half_sent_is_ended_not_waited_on_for_good(served, capsys):
    _exchange(served, _edit_request(served, b'{"key":', length=100))  # closed by the server, not by the deadline
    _exchange(served, b"GET /org/lake")  # not even the request line's end
    assert "Error" not in capsys.readouterr().err
