"""The student's path in a real browser: a released notebook opened in JupyterLab in headless
Chromium, an answer typed into the exercise's cell, the notebook run from the menu, and the
check cell's output read off the page: the ✓ line for a right answer; for a plausible mistake the
✗ message with its hint, and none of the kit's own stack frames.

Screenshots of both land in the test's temporary folder (the path is printed), and in
`$D2LKIT_SCREENSHOTS` when that is set (docs/img/check-pass.png and check-fail.png come from there).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "3.6-softmax-regression-scratch.ipynb"
EXERCISE = "ch03.softmax"
SOLUTION_CELL = "def softmax("
CHECK_CELL = f'check("{EXERCISE}", softmax)'
# JupyterLab starts a kernel, which imports torch, and runs the cells: minutes on a loaded machine
WAIT_SECONDS = 180

RIGHT = '''def softmax(X: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax. X: (batch_size, num_outputs) -> (batch_size, num_outputs)."""
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)'''

# tests/mutants/ch03/softmax_scratch.py: the book's first version, without the max shift
WRONG = '''def softmax(X: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax. X: (batch_size, num_outputs) -> (batch_size, num_outputs)."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=1, keepdim=True)'''

# the last code cell whose editor text contains arguments[0]
_FIND_CELL = """
const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
return cells.filter(c => (c.querySelector('.cm-content')?.innerText ?? '').includes(arguments[0])).pop()
    ?? null;
"""


def _wait(driver, condition, what: str, seconds: float = WAIT_SECONDS):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.25).until(condition)
    except TimeoutException:
        pytest.fail(f"timed out after {seconds} s waiting for {what}")


def _cell(driver, text: str):
    return _wait(driver, lambda d: d.execute_script(_FIND_CELL, text), f"the cell with {text!r}")


def _source(cell) -> str:
    lines = cell.find_elements("css selector", ".cm-content .cm-line")
    return "\n".join(line.get_attribute("textContent").rstrip() for line in lines)


def _output(cell) -> str:
    return "\n".join(
        out.text for out in cell.find_elements("css selector", ".jp-OutputArea-output")
    )


def _idle(driver) -> None:
    from selenium.webdriver.support import expected_conditions as ec

    _wait(
        driver,
        ec.presence_of_element_located(
            (
                "css selector",
                '.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="idle"]',
            )
        ),
        "the notebook's kernel to be idle",
    )


def _open(driver, lab) -> None:
    """Opens the notebook, waits for its kernel, and folds the file browser away."""
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(lab.lab_url(NOTEBOOK))
    _idle(driver)
    browser_tab = _wait(
        driver,
        ec.element_to_be_clickable(
            ("css selector", ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        ),
        "the file browser's tab",
    )
    browser_tab.click()


def _type(driver, cell, code: str) -> None:
    """Replaces the cell's text with `code`, typed as a student types it. The editor indents
    each new line by itself: the typed line's own indentation replaces what it inserted."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    editor = cell.find_element("css selector", ".cm-content")
    editor.click()
    actions = ActionChains(driver)
    actions.key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.DELETE)
    for i, line in enumerate(code.splitlines()):
        if i:
            actions.send_keys(Keys.ENTER).key_down(Keys.SHIFT).send_keys(Keys.HOME)
            actions.key_up(Keys.SHIFT)
        actions.send_keys(line)
    actions.perform()
    _wait(driver, lambda d: _source(cell) == code, "the typed code in the editor", seconds=30)


def _run_all(driver) -> None:
    """Run > Run All Cells, from the menu bar."""
    from selenium.webdriver.support import expected_conditions as ec

    menu = driver.find_elements("css selector", "#jp-MainMenu .lm-MenuBar-item")
    next(item for item in menu if item.text.strip() == "Run").click()
    _wait(
        driver,
        ec.element_to_be_clickable(
            ("css selector", '.lm-Menu-item[data-command="runmenu:run-all"]')
        ),
        "Run All Cells in the Run menu",
        seconds=30,
    ).click()


def _scrolled(driver, cell):
    """The page once the run is over, `cell` at the bottom of the view."""
    _idle(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", cell)
    return driver


def _cjk_font() -> None:
    """Without a CJK font the screenshots show the Chinese title as boxes: an error where the
    browser tests are required (CI), a warning elsewhere."""
    fc_list = shutil.which("fc-list")
    if fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout:
        return
    message = "no CJK font (fc-list :lang=zh): apt-get install fonts-noto-cjk"
    if os.environ.get("CI") or os.environ.get("D2LKIT_REQUIRE_BROWSER"):
        pytest.fail(message)
    warnings.warn(message, stacklevel=2)


def test_check_cell_in_jupyterlab(chromium, jupyterlab, screenshot):
    _cjk_font()
    shutil.copy(ROOT / "assignments" / "ch03" / NOTEBOOK, jupyterlab.root)
    _open(chromium, jupyterlab)
    solution, check = _cell(chromium, SOLUTION_CELL), _cell(chromium, CHECK_CELL)

    _type(chromium, solution, RIGHT)
    _run_all(chromium)
    passed = _wait(chromium, lambda d: "✓" in _output(check) and _output(check), "the ✓ line")
    assert re.fullmatch(rf"✓ {re.escape(EXERCISE)}: \d+ cases passed", passed.strip())
    screenshot(_scrolled(chromium, check), "check-pass.png")

    _type(chromium, solution, WRONG)
    _run_all(chromium)
    failed = _wait(chromium, lambda d: "✗" in _output(check) and _output(check), "the ✗ message")
    # the first failing case, then the hint of autograder/checks/ch03/softmax_scratch.py
    assert failed.startswith(f"✗ {EXERCISE}: case '")
    assert "hint: exp overflows" in failed
    assert "subtract each row's maximum" in failed
    # the message alone: no traceback, none of the kit's frames
    for internal in ("Traceback", "autograder/", "grade_cell", "CheckFailed", 'File "'):
        assert internal not in failed
    screenshot(_scrolled(chromium, check), "check-fail.png")
