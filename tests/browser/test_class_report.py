"""The class report in a real browser: the generated class's pages load without an error, fetch
nothing but themselves and their embedded images, and every histogram renders. A screenshot of
the chapter's page lands beside the student path's (`$D2LKIT_SCREENSHOTS`)."""

import pytest
from selenium.webdriver.common.by import By

from autograder.cli import main

pytestmark = pytest.mark.slow


def test_the_class_report_loads_and_its_images_render(graded_class, chromium, screenshot, tmp_path):
    html = tmp_path / "report"
    assert main(["report", str(graded_class.out), "--html", str(html)]) == 0
    for name in ("index.html", "ch03.html"):
        chromium.get((html / name).as_uri())
        assert chromium.execute_script("return document.readyState") == "complete"
        errors = [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        fetched = chromium.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert all(url.startswith(("data:", "file:")) for url in fetched), fetched
        images = chromium.find_elements(By.TAG_NAME, "img")
        widths = [
            chromium.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)
            for i in images
        ]
        assert all(widths), f"{widths.count(0)} of {len(images)} images of {name} did not render"
    assert len(images) == 13  # the chapter's total and each of its 12 exercises
    screenshot(chromium, "class-report.png")
