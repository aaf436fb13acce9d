"""Headless Chromium through selenium, as the browser tests and `make pictures` drive it.

Debian's chromium and chromium-driver only (browser downloads are not used); flags that keep it from
reaching the network, and a fresh profile per session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1")


class BrowserMissing(RuntimeError):
    """Chromium, its driver or selenium is not installed; the message says which."""


def binaries() -> tuple[str, str]:
    """Paths of chromium and chromedriver, or ``BrowserMissing`` saying what to install."""
    browser = next(filter(None, (shutil.which(n) for n in ("chromium", "chromium-browser"))), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver",) if os.path.exists(p)), None)
    if browser is None or driver is None:
        raise BrowserMissing("Debian's chromium and chromium-driver are not installed "
                             "(`make test` installs them when run as root)")
    return browser, driver


@contextmanager
def chromium(log_console: bool = False) -> Iterator[Any]:
    """A headless Chromium session with its own throw-away profile; quit and cleaned up on exit."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise BrowserMissing(f"selenium is not installed (pip install -e '.[test]'): {exc}") from None
    browser, driver_path = binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="kubectl-arch-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if log_console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        raise BrowserMissing(f"headless Chromium did not start: {(exc.msg or str(exc)).splitlines()[0]}") from None
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def viewport(driver: Any, width: int, height: int) -> None:
    """The page's layout viewport exactly ``width`` x ``height`` CSS pixels (a phone below 500 wide)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
