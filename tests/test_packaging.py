"""The wheel carries the built-in frameworks and templates: install it outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_installed_elsewhere_scaffolds_and_lints(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("opsgov-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Reuse this interpreter's installed dependencies; opsgov itself comes only from the wheel.
    site = next(p for p in sys.path if p.endswith("site-packages"))
    env_site = next((env_dir / "lib").glob("python3.*/site-packages"))
    (env_site / "deps.pth").write_text(site + "\n", "utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(env_site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import opsgov, opsgov.resources as r; "
            "print(opsgov.__file__); print(r.builtin_dir('frameworks'))",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert all(str(REPO) not in line for line in where), where
    subprocess.run([str(python), "-m", "opsgov", "init", "ws", "-q"], cwd=work, env=env, check=True)
    result = subprocess.run(
        [str(python), "-m", "opsgov", "lint", "--workspace", "ws"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # A playbook checklist and a scorecard rendered from the installed wheel's built-ins.
    checklist = subprocess.run(
        [str(python), "-m", "opsgov", "playbook", "checklist", "new_site_launch", "--site", "BOG1",
         "--start", "2026-12-01", "-w", "ws", "--format", "html", "--out", "launch.html"],
        cwd=work, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert checklist.returncode == 0, checklist.stdout + checklist.stderr
    assert "<table" in (work / "launch.html").read_text("utf-8")
    shutil.copytree(
        REPO / "sample_data", work / "sample", ignore=shutil.ignore_patterns("out", "history*")
    )
    scored = subprocess.run(
        [str(python), "-m", "opsgov", "score", "--period", "2026-10", "-w", "sample",
         "--out", "card", "--no-history", "-q"],
        cwd=work, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert scored.returncode == 0, scored.stdout + scored.stderr
    assert "League table" in (work / "card" / "scorecard.html").read_text("utf-8")
