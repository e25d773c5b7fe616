"""`preview` in a real browser: Debian's chromium, headless, driven through its own chromedriver.

Skips where chromium or chromedriver is missing, unless FULIAN_REQUIRE_BROWSER=1 (CI).
No driver or browser is ever downloaded: selenium is handed the system chromedriver.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from fulian_report.preview import Preview, PreviewServer
from tests.conftest import DATA, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = ROOT / "docs" / "images" / "preview.png"

os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not fetch anything

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("FULIAN_REQUIRE_BROWSER") == "1":
        raise RuntimeError("FULIAN_REQUIRE_BROWSER=1, but /usr/bin/chromium or /usr/bin/chromedriver is missing")
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _wait(browser, seconds: float, poll_frequency: float = 0.5) -> WebDriverWait:
    """A deadline that outlives a redraw: the page replaces its report after every save, so an
    element found just before may be gone when it is read; the condition is then asked again."""
    return WebDriverWait(browser, seconds, poll_frequency=poll_frequency, ignored_exceptions=(StaleElementReferenceException,))


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def served(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    server = PreviewServer(Preview(2021, data, ["furong"]), port=0)
    server.start()
    time.sleep(0.3)  # the watcher's first scan
    yield server, data
    server.close()


def test_the_preview_shows_a4_pages_whose_figures_name_their_lines_and_follows_a_save(browser, served):
    server, data = served
    browser.get(server.url)
    pages = browser.find_elements(By.CSS_SELECTOR, "section.page")
    assert len(pages) >= 2
    width, height = pages[0].size["width"], pages[0].size["height"]
    assert abs(height / width - 297 / 210) < 0.01  # A4
    lines = pages[0].find_elements(By.CSS_SELECTOR, ".line")
    assert len(lines) == 22
    pitch = lines[1].location["y"] - lines[0].location["y"]
    assert abs(pitch - height * (225 / 22) / 297) < 1  # the text block's height over its lines

    figures = browser.find_elements(By.CSS_SELECTOR, "[data-source]")
    assert len(figures) >= 20
    for figure in figures[:40]:
        file, line = figure.get_attribute("data-source").rsplit(":", 1)
        assert (data / file).is_file() and int(line) > 0
        assert figure.get_attribute("href") == f"vscode://file/{(data / file).resolve()}:{line}"
        assert figure.get_attribute("title")
    received = next(f for f in figures if f.get_attribute("data-source") == "2021/furong/cases.yaml:10")
    assert received.text == "444对"

    if os.environ.get("FULIAN_UPDATE_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOT))

    # A save shows without a reload: the page keeps its marker, the figure changes.
    browser.execute_script("window.notReloaded = true")
    cases = data / "2021" / "furong" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("couples_received: 444对", "couples_received: 1444对"), encoding="utf-8")
    _wait(browser, 10).until(
        lambda driver: any(f.text == "1444对" for f in driver.find_elements(By.CSS_SELECTOR, '[data-source="2021/furong/cases.yaml:10"]'))
    )
    assert browser.execute_script("return window.notReloaded") is True

    # Broken data: the findings show on the page, with the last good report under them.
    cases.write_text(cases.read_text(encoding="utf-8").replace("1444对", "一千对"), encoding="utf-8")
    _wait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".findings li.error"))
    finding = browser.find_element(By.CSS_SELECTOR, ".findings li.error")
    assert "cases.yaml:10" in finding.text and "错误" in finding.text
    assert browser.find_elements(By.CSS_SELECTOR, "section.page")


# --- filling in next year's values ------------------------------------------------------------

FILL_SCREENSHOT = ROOT / "docs" / "images" / "preview-fill.png"


@pytest.fixture
def next_year(data_copy):
    """`init 2022 --from 2021` on a copy of data/, previewed."""
    from fulian_report.cli import run

    assert run(["init", "2022", "--from", "2021", "--data", str(data_copy)]) == 0
    server = PreviewServer(Preview(2022, data_copy, ["furong", "xiangdong"]), port=0)
    server.start()
    time.sleep(0.3)  # the watcher's first scan
    yield server, data_copy
    server.close()


def _left_to_fill(folder: Path) -> int:
    """How many values validate lists as still to fill."""
    from fulian_report.model.dataset import InvalidOrg, load_org

    try:
        load_org(folder, 2022)
    except InvalidOrg as exc:
        return sum(f.message.startswith("待填：") for f in exc.findings)
    return 0


def _box(browser, key_part: str):
    """The input box whose key holds `key_part`, found again if a redraw replaced it meanwhile."""
    return _wait(browser, 10).until(
        lambda d: next((box for box in d.find_elements(By.CSS_SELECTOR, "section.page input.fill") if key_part in box.get_attribute("data-key")), False)
    )


def _redrawn(browser, server, org: str) -> None:
    """Wait until the page shows the server's latest version of the organisation."""
    _wait(browser, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-version") == str(server.preview.versions[org])
    )


def _value_for(box) -> str:
    """What an office would type: last year's value, a year later for a date."""
    from fulian_report.model.unfilled import stand_in

    value = stand_in(box.get_attribute("placeholder"))
    return f"{value['start']}至{value['end']}" if isinstance(value, dict) else value


def test_a_new_year_is_filled_in_where_it_is_read(browser, next_year):
    server, data = next_year
    folder = data / "2022" / "furong"
    cases = folder / "cases.yaml"
    browser.get(server.url)
    browser.get(f"{server.origin}/org/furong")
    boxes = browser.find_elements(By.CSS_SELECTOR, "section.page input.fill[data-source]")
    assert len(boxes) >= 100
    for box in boxes:
        file, line = box.get_attribute("data-source").rsplit(":", 1)
        assert "待填" in (data / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert box.get_attribute("placeholder") and "2021 年的报告中是" in box.get_attribute("title")
    count = browser.find_element(By.ID, "to-fill-count").text
    assert count.startswith("还有 172 项待填"), count

    # A value and Enter: that line is written, every other line stays, validate lists one fewer.
    left = _left_to_fill(folder)
    before = cases.read_text(encoding="utf-8").splitlines()
    received = _box(browser, '"couples_received"')
    line = int(received.get_attribute("data-source").rsplit(":", 1)[1])
    received.send_keys("450对", Keys.ENTER)
    _wait(browser, 2, poll_frequency=0.05).until(lambda _: "450对" in cases.read_text(encoding="utf-8"))
    after = cases.read_text(encoding="utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [line - 1] and len(before) == len(after)
    assert after[line - 1].split("#")[0].rstrip() == "  couples_received: 450对"
    assert _left_to_fill(folder) == left - 1
    _wait(browser, 10).until(lambda d: d.find_element(By.ID, "to-fill-count").text.startswith("还有 171 项待填"))
    _wait(browser, 10).until(lambda d: any(f.text == "450对" for f in d.find_elements(By.CSS_SELECTOR, f'a.figure[data-source="2022/furong/cases.yaml:{line}"]')))
    _wait(browser, 5).until(lambda d: d.execute_script("return document.activeElement.classList.contains('fill')"))

    # "abc" writes nothing, and the page says why in Chinese, beside the box.
    unchanged = cases.read_bytes()
    reconciled = _box(browser, '"couples_reconciled"')
    reconciled.clear()
    reconciled.send_keys("abc", Keys.ENTER)
    error = _wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".fill-error"))
    assert "abc" in error.text and "cases.yaml" in error.text and re.search(r"[\u4e00-\u9fff]{4}", error.text), error.text
    assert cases.read_bytes() == unchanged

    # Another editor saves another line of the same file meanwhile: that save is kept.
    text = cases.read_text(encoding="utf-8")
    analysed = re.search(r"couples_analysed: (待填（2021年：[^）]*）)", text).group(1)
    version = server.preview.versions["furong"]
    cases.write_text(text.replace(analysed, "360对"), encoding="utf-8")
    _wait(browser, 10).until(lambda _: server.preview.versions["furong"] > version)  # the watcher saw the save
    _redrawn(browser, server, "furong")
    dv = _box(browser, '"dv_accompanied"')
    dv_source = dv.get_attribute("data-source")
    dv.clear()
    dv.send_keys("3对", Keys.ENTER)
    _wait(browser, 2, poll_frequency=0.05).until(lambda _: "dv_accompanied: 3对" in cases.read_text(encoding="utf-8"))
    assert "couples_analysed: 360对" in cases.read_text(encoding="utf-8")

    _wait(browser, 10).until(lambda d: f"{dv_source} 改为“3对”" in d.find_element(By.ID, "undo").text)
    _redrawn(browser, server, "furong")

    # The page showed a value that has changed on disk since: it says so and writes nothing.
    unchanged = cases.read_bytes()
    browser.execute_script(  # in one step, so that no redraw comes between
        "var box = Array.from(document.querySelectorAll('section.page input.fill'))"
        ".find(function (b) { return b.getAttribute('data-key').indexOf('couples_reconciled') >= 0; });"
        "box.setAttribute('data-was', '130对'); box.value = '140对';"
        "box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));"
    )
    told = _wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".changed-notice"))
    assert "已改为" in told.text and "没有写入" in told.text, told.text
    assert cases.read_bytes() == unchanged
    _redrawn(browser, server, "furong")
    if os.environ.get("FULIAN_UPDATE_SCREENSHOT") == "1" or not FILL_SCREENSHOT.exists():
        browser.execute_script("document.querySelector('section.page input.fill').focus(); window.scrollTo(0, 0)")
        FILL_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(FILL_SCREENSHOT))

    # Undo puts the previous value back.
    undo = browser.find_element(By.ID, "undo-button")
    undo.click()
    _wait(browser, 2, poll_frequency=0.05).until(lambda _: "dv_accompanied: 待填（2021年：" in cases.read_text(encoding="utf-8"))
    _redrawn(browser, server, "furong")

    # A printed figure of the year becomes a box when clicked; its source tooltip stays.
    figure = browser.find_element(By.CSS_SELECTOR, f'a.figure[data-source="2022/furong/cases.yaml:{line}"]')
    tooltip = figure.get_attribute("title")
    figure.click()
    box = browser.switch_to.active_element
    assert box.get_attribute("value") == "450对" and box.get_attribute("title") == tooltip
    box.clear()
    box.send_keys("451对", Keys.ENTER)
    _wait(browser, 2, poll_frequency=0.05).until(lambda _: "couples_received: 451对" in cases.read_text(encoding="utf-8"))

    # Without its token the page is refused.
    browser.delete_all_cookies()
    browser.get(f"{server.origin}/org/furong")
    assert "完整的预览地址" in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.CSS_SELECTOR, "section.page")


def test_every_value_of_both_offices_filled_through_the_page_then_build_succeeds(browser, next_year, tmp_path):
    import json
    import urllib.request

    from fulian_report.cli import run

    server, data = next_year
    browser.get(server.url)
    # xiangdong through the browser, box after box, as a clerk does: Enter moves to the next.
    browser.get(f"{server.origin}/org/xiangdong")
    typed = 0
    while True:
        boxes = browser.find_elements(By.CSS_SELECTOR, "section.page input.fill")
        if not boxes:  # values the report does not print: boxes of their own in the list at the top
            boxes = browser.find_elements(By.CSS_SELECTOR, ".to-fill input.fill")
            if not boxes:
                break
            browser.execute_script("document.querySelector('details.to-fill').open = true")
        box = boxes[0]
        source = box.get_attribute("data-source")
        box.send_keys(_value_for(box), Keys.ENTER)
        _wait(browser, 10).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, f'#report input.fill[data-source="{source}"]')
            or d.find_elements(By.CSS_SELECTOR, ".fill-error")
        )
        assert not browser.find_elements(By.CSS_SELECTOR, ".fill-error"), browser.find_element(By.CSS_SELECTOR, ".fill-error").text
        typed += 1
    assert typed >= 20 and _left_to_fill(data / "2022" / "xiangdong") == 0

    # furong through the endpoint the page uses, with the page's own token and origin.
    from fulian_report.model.unfilled import stand_in

    cookie = f"fulian_preview_{server.httpd.server_address[1]}={server.token}"
    page = server.preview.page("furong")
    for spot in page.to_fill:
        value = stand_in(spot.last_year.split("：", 1)[1])
        value = f"{value['start']}至{value['end']}" if isinstance(value, dict) else value
        request = urllib.request.Request(
            f"{server.origin}/edit/furong", method="POST",
            data=json.dumps({"key": list(spot.key), "was": spot.written, "value": value}).encode(),
            headers={"Content-Type": "application/json", "Origin": server.origin, "Cookie": cookie},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["ok"]
    assert _left_to_fill(data / "2022" / "furong") == 0

    browser.get(f"{server.origin}/org/furong")
    assert not browser.find_elements(By.ID, "to-fill-count")
    assert run(["build", "2022", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    assert len(list((tmp_path / "out" / "2022").glob("*.docx"))) == 2
