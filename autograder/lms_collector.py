"""`nbgrader zip_collect` for LMS downloads, read as `autograder grade` reads them.

nbgrader's own collector takes a regular expression whose `file_id` must be the released
notebook's file name, so a Canvas resubmission (`..._3.6-softmax-regression-scratch-1.ipynb`) or
a renamed upload is collected under a name nbgrader then never grades, and two uploads of one
notebook stop the collection ("Duplicate submission file"). This collector asks
`autograder.submissions` instead: the student is the login the LMS put in the file name, the
notebook is the released one its cells are (`submissions.match`), and of several uploads of one
notebook only the newest is collected (the others are logged with the reason).
"""

from __future__ import annotations

import functools
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.submissions import discover, lms_name


@functools.cache
def _graded(folder: Path) -> tuple[dict[Path, str], dict[Path, str]]:
    """A folder of downloads: each notebook to collect → its released stem, each other → why not."""
    found = discover([folder])
    chosen = {path.resolve(): stem for s in found.submissions for stem, path in s.notebooks.items()}
    skipped = {s.path.resolve(): s.reason for s in found.skipped}
    return chosen, skipped


class LmsCollector(FileNameCollectorPlugin):
    """`c.ZipCollectApp.collector_plugin` for Canvas and Moodle downloads."""

    def collect(self, submission_file: str) -> dict | None:
        path = Path(submission_file)
        name = lms_name(path.name)
        if name is None:
            self.log.warning("Skipped %s: not an LMS download's file name", path.name)
            return None
        chosen, skipped = _graded(path.parent.resolve())
        stem = chosen.get(path.resolve())
        if stem is None:
            why = skipped.get(path.resolve(), "nothing in it is graded")
            self.log.warning("Skipped %s: %s", path.name, why)
            return None
        return {"student_id": name.login, "file_id": f"{stem}.ipynb"}
