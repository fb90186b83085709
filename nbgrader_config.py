"""nbgrader course configuration: this repository is the course root.

`solutions/` holds the source notebooks and `assignments/` the released ones (nbgrader's `source/` and
`release/`); `submitted/`, `autograded/` and `feedback/` are created beside them when you grade.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.autograde import GradeInSandbox
from autograder.isolate import CELL_TIMEOUT
from autograder.lms_collector import LmsCollector

c = get_config()  # noqa: F821 - injected by nbgrader

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
# the plain-text sources stay with the staff; students get the notebooks
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True

# autograde runs submissions with the kit's grader, in its sandbox, instead of nbgrader's `Execute`:
# the grade cells' verdicts come from outside the student's process (autograder/autograde.py). Its
# per-cell timeout is `autograder grade`'s (CELL_TIMEOUT); `nbgrader validate` uses the same.
# `nbgrader validate` still executes notebooks itself: use it on the kit's own notebooks only.
c.Autograde.autograde_preprocessors = [
    GradeInSandbox,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.Execute.timeout = int(CELL_TIMEOUT)
c.Execute.allow_errors = True

# a grade cell scores zero if anything reaches stderr: drop torch's known warnings before scoring
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(UserWarning|DeprecationWarning|FutureWarning|warnings\.warn)"

# a student who deletes a grade cell gets it back at autograde, so the exercise is still graded
c.OverwriteCells.add_missing_cells = True

# `nbgrader zip_collect` reads an LMS's download (Canvas or Moodle file names) as `autograder grade`
# does: whose file it is from its name, which released notebook it is from its cells, and only each
# student's newest upload of a notebook (autograder/lms_collector.py). The roster's ids are the logins.
c.ZipCollectApp.collector_plugin = LmsCollector
