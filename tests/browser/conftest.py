"""A real browser for tests: headless Chromium driven by selenium (`chromium`), and a JupyterLab
server on a free localhost port with a token, in a temporary working folder (`jupyterlab`).

Both run offline: selenium is given Debian's `chromium` and `chromedriver` (Selenium Manager, which
downloads drivers, is never asked), and JupyterLab fetches no news, no update check, no extension
index. The browser is missing on a developer's machine: the tests skip; in CI (`CI` or
`D2LKIT_REQUIRE_BROWSER` set) they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOW = (1280, 900)
SERVER_START_SECONDS = 90


def _require_or_skip(reason: str) -> None:
    """Fails where the browser must be there (CI), skips elsewhere."""
    if os.environ.get("CI") or os.environ.get("D2LKIT_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}: the browser tests are required here (CI / D2LKIT_REQUIRE_BROWSER)")
    pytest.skip(reason)


def _binary(variable: str, *names: str) -> str | None:
    """The executable `$variable` names, else the first of `names` on PATH."""
    if os.environ.get(variable):
        return shutil.which(os.environ[variable])
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, for the fixtures' teardown to read."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def chromium(request, tmp_path_factory) -> Iterator:
    """A headless Chromium WebDriver, its page 1280x900, its own profile; quit at teardown. When
    the test fails, the page as it was is saved (`failure.png`, its path printed)."""
    try:
        from selenium import webdriver
    except ImportError:
        _require_or_skip("selenium is not installed (pip install -e '.[dev]')")
    browser = _binary("D2LKIT_CHROMIUM", "chromium", "chromium-browser")
    driver_path = _binary("D2LKIT_CHROMEDRIVER", "chromedriver")
    if not browser or not driver_path:
        _require_or_skip(
            "no chromium or chromedriver on PATH (apt-get install chromium chromium-driver, "
            "or set D2LKIT_CHROMIUM and D2LKIT_CHROMEDRIVER)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless=new",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        # root in a container has no user namespace for Chromium's own sandbox
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=en-US",
        "--hide-scrollbars",
        # nothing phones home
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
    ):
        options.add_argument(flag)
    # the page's console, for tests that check a page loads without errors
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # a path to the driver keeps Selenium Manager (and its downloads) out of it
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        # the page, not the window, is WINDOW: headless Chromium's window counts a frame around it
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(*(2 * want - got for want, got in zip(WINDOW, inner)))
        yield driver
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            shot = tmp_path_factory.mktemp("failure") / "failure.png"
            driver.save_screenshot(str(shot))
            print(f"the page when {request.node.name} failed: {shot}")
    finally:
        driver.quit()


@pytest.fixture
def screenshot(tmp_path) -> Callable[[object, str], Path]:
    """`screenshot(driver, name)` saves the page as `tmp_path/name`, and in `$D2LKIT_SCREENSHOTS`
    too when that is set (docs/img's pictures come from there); prints and returns the path."""

    def save(driver, name: str) -> Path:
        path = tmp_path / name
        driver.save_screenshot(str(path))
        if os.environ.get("D2LKIT_SCREENSHOTS"):
            target = Path(os.environ["D2LKIT_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / name)
        print(f"screenshot: {path}")
        return path

    return save


@dataclass(frozen=True)
class JupyterLab:
    url: str
    token: str
    root: Path
    """the server's working folder: what the file browser shows"""

    def lab_url(self, path: str) -> str:
        """The page that opens `path` (relative to `root`) in JupyterLab, logged in by the token."""
        return f"{self.url}/lab/tree/{path}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(settings_dir: Path, plugin: str, values: dict) -> None:
    package, name = plugin.split(":")
    path = settings_dir / package / f"{name}.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def _lab_settings(config_dir: Path) -> None:
    """User settings for a quiet, deterministic page: no news toast (it would fetch), every cell
    in the DOM (so that tests find cells off screen)."""
    settings = config_dir / "lab" / "user-settings"
    _write_settings(
        settings,
        "@jupyterlab/apputils-extension:notification",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    _write_settings(settings, "@jupyterlab/notebook-extension:tracker", {"windowingMode": "none"})


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(
        f"JupyterLab did not answer in {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}"
    )


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (the server shuts its kernels down), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture
def jupyterlab(tmp_path_factory) -> Iterator[JupyterLab]:
    """A JupyterLab server on 127.0.0.1 with a random token, serving an empty working folder
    (`.root`). Its kernels are the venv's `python3` kernelspec and import `autograder` and
    `d2lkit` from this checkout (PYTHONPATH), whatever the installed copy points at. Its config,
    data, runtime and IPython folders are temporary: nothing of the user's is read or written."""
    if importlib.util.find_spec("jupyterlab") is None:
        _require_or_skip("jupyterlab is not installed (pip install -e '.[dev]')")
    home = tmp_path_factory.mktemp("jupyter")
    root = tmp_path_factory.mktemp("lab-root")
    for folder in ("config", "data", "runtime", "ipython"):
        (home / folder).mkdir()
    _lab_settings(home / "config")
    token = secrets.token_hex(16)
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    # the student's kernel: the self-check (never the grader's silent mode), inline plots
    for variable in ("AUTOGRADER_MODE", "MPLBACKEND"):
        env.pop(variable, None)
    log = home / "server.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        # CI containers run as root
        "--ServerApp.allow_root=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, f"{url}/api/status?token={token}", log)
        yield JupyterLab(url=url, token=token, root=root)
    finally:
        _stop(process)
