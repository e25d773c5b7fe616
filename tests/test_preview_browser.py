"""`preview` in a real browser: Debian's chromium, headless, driven through its own chromedriver.

Skips where chromium or chromedriver is missing, unless FULIAN_REQUIRE_BROWSER=1 (CI).
No driver or browser is ever downloaded: selenium is handed the system chromedriver.
"""

from __future__ import annotations

import os
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
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


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
    WebDriverWait(browser, 10).until(
        lambda driver: any(f.text == "1444对" for f in driver.find_elements(By.CSS_SELECTOR, '[data-source="2021/furong/cases.yaml:10"]'))
    )
    assert browser.execute_script("return window.notReloaded") is True

    # Broken data: the findings show on the page, with the last good report under them.
    cases.write_text(cases.read_text(encoding="utf-8").replace("1444对", "一千对"), encoding="utf-8")
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".findings li.error"))
    finding = browser.find_element(By.CSS_SELECTOR, ".findings li.error")
    assert "cases.yaml:10" in finding.text and "错误" in finding.text
    assert browser.find_elements(By.CSS_SELECTOR, "section.page")
