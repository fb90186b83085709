"""The red team (`tests/redteam/`): hostile submissions graded beside honest ones, in the sandbox:
bubblewrap's, and the container's (an unprivileged user, as on Gradescope; needs root).

Each attack is graded as it deserves, and none reaches outside its own notebook: the honest
submissions keep full marks, the grader survives, files outside scratch are untouched, the test's
server on 127.0.0.1 hears nothing, and no process outlives the grading. Small caps (1 GiB, 32
processes, 4 s per cell) keep the whole suite to seconds.
"""

import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import container, report, sandbox
from autograder.cli import main
from autograder.grade import Options, grade, grade_submissions
from autograder.isolate import Limits
from autograder.submissions import find_submissions
from tests.helpers import container_user

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "solutions" / "ch03" / "3.2-linear-regression-scratch.ipynb"
ATTACKS = ROOT / "tests" / "redteam"
LIMITS = Limits(memory=1 << 30, processes=32, cpu_seconds=60, file_size=64 << 20)
TIMEOUT = 4.0
pytestmark = pytest.mark.slow


def submit(folder: Path, cell: str | None = None) -> Path:
    """The 3.2 solution, with `cell` added at the end (or in place of the solution cell its
    first line names)."""
    nb = nbformat.read(BASE, as_version=4)
    if cell is not None:
        first = cell.splitlines()[0]
        if first.startswith("# replaces: "):
            grade_id = first.removeprefix("# replaces: ").strip()
            (target,) = [
                c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
            ]
            target.source = cell
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    folder.mkdir(parents=True)
    path = folder / BASE.name
    nbformat.write(nb, path)
    return path


class Server:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                self.socket.accept()[0].close()
                self.connections += 1
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.socket.close()


def leftover(marker: str) -> list[int]:
    """Processes whose command line names `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module", params=["bubblewrap", "container"])
def red_team(request, tmp_path_factory):
    if request.param == "bubblewrap" and sandbox.bwrap() is None:
        pytest.skip("bubblewrap is not installed")
    user = container_user("d2lkit-redteam") if request.param == "container" else None
    if request.param == "container" and user is None:
        pytest.skip("the container's sandbox drops to an unprivileged user: that needs root")
    tmp = tmp_path_factory.mktemp("class")
    victim = submit(tmp / "honest")
    submit(tmp / "honest-too")
    victim_bytes = victim.read_bytes()
    server = Server()
    marker = f"{os.getpid()}.{server.port}"
    fill = {
        "victim": str(victim),
        "kit": str(ROOT),
        "port": str(server.port),
        "grader": str(os.getpid()),
        "marker": marker,
    }
    for attack in sorted(ATTACKS.glob("*.cell")):
        cell = attack.read_text()
        for key, value in fill.items():
            cell = cell.replace("{" + key + "}", value)
        submit(tmp / attack.stem, cell)
    try:
        if user is None:
            graded = grade([tmp], jobs=2, timeout=TIMEOUT, show_progress=False, limits=LIMITS)
        else:
            options = Options(TIMEOUT, sandbox=False, limits=LIMITS, user=container.lookup(user))
            graded = grade_submissions(find_submissions([tmp]), options, show_progress=False)
    finally:
        server.close()
    return {
        "graded": {g.submission.name: g for g in graded},
        "victim": (victim, victim_bytes),
        "server": server,
        "marker": marker,
    }


def results(red_team, name):
    graded = red_team["graded"][name]
    return {i: r for i, r in graded.results.items() if r.exercise.notebook == BASE.stem}, graded


def full_marks(red_team, name):
    r, graded = results(red_team, name)
    assert r and all(x.passed for x in r.values()), report.details(graded)
    return graded


def zero(red_team, name, phrase, kind):
    """Every exercise of the notebook scores zero with the reason, and the reason's kind as data."""
    r, graded = results(red_team, name)
    assert all(not x.passed and phrase in x.message() for x in r.values()), report.details(graded)
    assert {x.reason_kind for x in r.values()} == {kind}


def test_honest_submissions_keep_full_marks(red_team):
    full_marks(red_team, "honest")
    full_marks(red_team, "honest-too")
    assert len(red_team["graded"]) == 2 + len(list(ATTACKS.glob("*.cell")))


def test_writes_outside_scratch_fail_and_touch_nothing(red_team):
    full_marks(red_team, "write_outside")
    victim, before = red_team["victim"]
    assert victim.read_bytes() == before
    assert not (ROOT / "autograder" / "pwned.py").exists() and not (ROOT / "pwned").exists()
    assert not Path("/pwned").exists() and not Path("/etc/pwned").exists()


def test_another_submission_is_out_of_sight(red_team):
    full_marks(red_team, "read_other")


def test_no_network(red_team):
    full_marks(red_team, "network")
    assert red_team["server"].connections == 0


def test_no_process_outlives_its_notebook(red_team):
    full_marks(red_team, "outlive")
    assert leftover(red_team["marker"]) == []


def test_a_fork_bomb_meets_the_process_cap_and_ends_its_notebook(red_team):
    zero(red_team, "fork_bomb", f"tried to start more than {LIMITS.processes} processes", "limit")


def test_a_memory_bomb_meets_the_memory_cap_and_ends_its_notebook(red_team):
    zero(red_team, "memory_bomb", "exceeded the 1 GiB memory limit", "limit")


def test_signalling_the_grader_reaches_nothing(red_team):
    full_marks(red_team, "signal_grader")


def test_a_gigabyte_of_output_is_counted_not_kept(red_team):
    graded = full_marks(red_team, "gigabyte_output")
    assert any("of output, not kept" in n for n in graded.notes), graded.notes


def test_exiting_or_crashing_scores_zero_with_the_reason(red_team):
    zero(red_team, "os_exit", "exited with status 3", "error")
    zero(red_team, "segfault", "segmentation fault", "error")


def test_a_loop_that_ignores_the_interrupt_is_stopped(red_team):
    zero(
        red_team, "infinite_loop", "did not finish within 4 s and ignored the interrupt", "timeout"
    )


def test_a_slow_target_loses_only_its_exercise(red_team):
    r, graded = results(red_team, "slow_target")
    assert not r["ch03.linreg"].passed and "did not finish within 4 s" in r["ch03.linreg"].message()
    assert r["ch03.linreg"].reason_kind == "timeout"
    assert all(x.passed for i, x in r.items() if i != "ch03.linreg"), report.details(graded)


def test_without_bubblewrap_grading_stops_with_one_line_naming_the_fix(monkeypatch, capsys):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert main(["grade", str(BASE), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt-get install bubblewrap" in err[0] and "--no-sandbox" in err[0]


def test_a_kit_living_below_tmp_stays_in_sight_with_its_solutions_covered(tmp_path):
    # a CI clone under /tmp: the sandbox's fresh /tmp would hide the kit and its environment
    kit = tmp_path / "kit"
    (kit / "solutions").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    needed = [kit, kit / ".venv", Path("/usr")]
    assert sandbox._under_tmp(needed) == [kit]
    assert sandbox._cover(kit / "solutions", needed) == ["--tmpfs", str(kit / "solutions")]
    # what lies below /tmp outside the kit is hidden by the fresh /tmp already
    assert sandbox._cover(tmp_path / "elsewhere", needed) == []
