"""Paths that are not UTF-8 (a folder or a report copied from a GBK system) through import and the
template cache: the command does its work, and what it writes shows such a name with U+FFFD."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fulian_report import api
from fulian_report.selection import Selection
from fulian_report.render.template_cache import TemplateBytecodeCache
from tests.conftest import GOLDEN

REPORT = GOLDEN / "seeds" / "furong-2021.txt"


def test_a_report_whose_name_is_not_utf8_is_imported_and_named_with_u_fffd(tmp_path):
    report = tmp_path / os.fsdecode(b"\xff\xfe.txt")
    shutil.copyfile(REPORT, report)
    result = api.import_report(report, tmp_path / "data")
    organisation = next((tmp_path / "data").glob("*/*/organisation.yaml")).read_text(encoding="utf-8")
    assert "“\ufffd\ufffd.txt”导入" in organisation
    assert result is not None


def test_data_under_a_folder_not_utf8_is_imported_and_built_with_the_style_beside_it(tmp_path):
    data = tmp_path / os.fsdecode(b"\xca\xfd\xbe\xdd")  # 数据 in GBK
    api.import_report(REPORT, data)
    reports = api.build(Selection(int(next(data.iterdir()).name), data, tmp_path / "out"))
    assert reports and all(path.exists() for report in reports for path in report.files)


def test_template_cache_keys_of_paths_not_utf8_are_made_and_differ():
    cache = TemplateBytecodeCache()
    one = cache.get_cache_key("report.j2", os.fsdecode(b"/data/\xff/style/report.j2"))
    other = cache.get_cache_key("report.j2", os.fsdecode(b"/data/\xfe/style/report.j2"))
    assert one != other and one == cache.get_cache_key("report.j2", os.fsdecode(b"/data/\xff/style/report.j2"))


def test_preview_serves_and_edits_an_organisation_whose_folder_name_is_not_utf8(tmp_path):
    import http.client
    import json

    from fulian_report.preview import Preview, PreviewServer
    from tests.conftest import MINIMAL_ORG, write_org

    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org=os.fsdecode(b"fu\xff"))
    served = PreviewServer(Preview(2021, data), port=0)
    served.start()
    port = served.httpd.server_address[1]

    def ask(method: str, path: str, body: bytes | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": f"127.0.0.1:{port}", "Cookie": f"fulian_preview_{port}={served.token}"}
        if body is not None:
            headers.update({"Content-Type": "application/json", "Origin": served.origin})
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = (response.status, dict(response.getheaders()), response.read().decode("utf-8"))
        connection.close()
        return answer

    try:
        status, headers, _ = ask("GET", "/")
        assert status == 302 and headers["Location"].startswith("/org/fu%FF"), (status, headers)
        status, _, page = ask("GET", "/org/fu%FF")
        assert status == 200 and 'data-org="fu%FF"' in page
        assert ask("GET", "/fragment/fu%FF")[0] == 200
        edit = json.dumps({"key": ["cases", "visits", "received"], "was": "55件", "value": "56件"}).encode()
        status, _, answer = ask("POST", "/edit/fu%FF", edit)
        assert status == 200 and json.loads(answer)["ok"], answer
        assert "received: 56件" in (data / "2021" / os.fsdecode(b"fu\xff") / "cases.yaml").read_text(encoding="utf-8")
    finally:
        served.close()
