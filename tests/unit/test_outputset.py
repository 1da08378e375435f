"""A scorecard's outputs change as one set: never a mix of old and new, even under kill -9."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opsgov.errors import OutputError
from opsgov.outputset import recover, write_set

NAMES = ("scorecard.json", "scorecard.md", "scorecard.html", "scorecard.xlsx")


def _set(generation: int) -> dict[str, bytes]:
    # Sizes differ by file so that a half-written file could not pass for a whole one.
    return {n: f"{generation}\n".encode() * (1000 * (i + 1)) for i, n in enumerate(NAMES)}


def _generations(folder: Path) -> set[int]:
    return {int((folder / n).read_bytes().split(b"\n", 1)[0]) for n in NAMES}


def _leftovers(parent: Path) -> list[str]:
    found = [p.name for p in parent.rglob(".*") if not p.name.endswith(".lock")]
    return sorted(found)


def test_a_new_set_replaces_the_old_and_other_files_stay(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "2026-10"
    write_set(folder, _set(1))
    (folder / "governance.html").write_text("pack", "utf-8")
    (folder / "annotated").mkdir()
    (folder / "annotated" / "HYD1.xlsx").write_text("copy", "utf-8")
    written = write_set(folder, _set(2))
    assert written == [folder / n for n in NAMES]
    assert _generations(folder) == {2}
    assert (folder / "governance.html").read_text("utf-8") == "pack"
    assert (folder / "annotated" / "HYD1.xlsx").read_text("utf-8") == "copy"
    assert _leftovers(tmp_path / "out") == []


def test_a_swap_killed_after_the_new_set_was_complete_is_finished(tmp_path: Path) -> None:
    folder = tmp_path / "2026-10"
    write_set(folder, _set(1))
    (folder / "annotated").mkdir()
    # What a kill between renaming the old folder aside and renaming the new one in leaves:
    os.rename(folder, tmp_path / ".2026-10.ab12.old")
    new = tmp_path / ".2026-10.ab12.new"
    new.mkdir()
    for name, data in _set(2).items():
        (new / name).write_bytes(data)
    (new / ".complete").write_bytes(b"")
    recover(folder)
    assert _generations(folder) == {2}
    assert (folder / "annotated").is_dir()
    assert _leftovers(tmp_path) == []


def test_a_swap_killed_before_the_new_set_was_complete_is_undone(tmp_path: Path) -> None:
    folder = tmp_path / "2026-10"
    write_set(folder, _set(1))
    os.rename(folder, tmp_path / ".2026-10.ab12.old")
    new = tmp_path / ".2026-10.ab12.new"
    new.mkdir()
    (new / "scorecard.json").write_bytes(b"2\n")
    recover(folder)
    assert _generations(folder) == {1}
    assert _leftovers(tmp_path) == []


def test_stale_temporary_files_of_the_set_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "2026-10"
    write_set(folder, _set(1))
    (folder / ".scorecard.json.k3j4l5.tmp").write_bytes(b"half")
    (folder / ".notes.txt").write_bytes(b"a user's own hidden file")
    write_set(folder, _set(2))
    assert not (folder / ".scorecard.json.k3j4l5.tmp").exists()
    assert (folder / ".notes.txt").exists()


def test_a_file_in_the_way_is_an_output_error_and_nothing_changes(tmp_path: Path) -> None:
    folder = tmp_path / "2026-10"
    folder.write_text("not a folder", "utf-8")
    with pytest.raises(OutputError, match=r"cannot write scorecard\.json"):
        write_set(folder, _set(1))
    assert folder.read_text("utf-8") == "not a folder"
    assert _leftovers(tmp_path) == []


_WRITER = """
import sys
from pathlib import Path
from opsgov.outputset import write_set
folder = Path(sys.argv[1])
names = {names!r}
generation = 0
while True:
    generation += 1
    write_set(folder, {{n: f"{{generation}}\\n".encode() * (1000 * (i + 1))
                        for i, n in enumerate(names)}})
"""


def test_kill_9_at_any_moment_leaves_one_whole_set(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "2026-10"
    write_set(folder, _set(0))
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(names=NAMES), "utf-8")
    rng = random.Random(20261203)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, str(script), str(folder)])
        time.sleep(0.3 + rng.random() * 0.4)  # start-up, then somewhere in the writing loop
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover(folder, NAMES)
        assert len(_generations(folder)) == 1
        assert _leftovers(tmp_path / "out") == []
