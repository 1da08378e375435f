"""Re-save files with LibreOffice Calc, headless, so tests see what a real application writes.

`scripts/install-system-deps.sh` installs it on Debian/Ubuntu; without it the tests that need
it skip and say why.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 120
"""The first start of a fresh profile takes a few seconds; a conversion well under one."""

_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1",
}


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert `src` to `fmt` (xlsx, xls, ods or csv) in `outdir` with headless LibreOffice.

    Each call uses its own throw-away user profile, so runs never share state or lock each
    other out, and a timeout bounds a hung conversion.

    Args:
        src: The file to convert.
        fmt: The target format.
        outdir: Where the converted file goes (created if missing).

    Returns:
        The converted file.
    """
    return convert_many([src], fmt, outdir)[0]


def convert_many(sources: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert several files to `fmt` with one LibreOffice start (see `convert`)."""
    program = soffice()
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/install-system-deps.sh")
    outdir.mkdir(parents=True, exist_ok=True)
    names = ", ".join(s.name for s in sources)
    timeout = TIMEOUT_SECONDS + 10 * len(sources)
    with tempfile.TemporaryDirectory(prefix="opsgov-lo-profile-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _FILTERS.get(fmt, fmt),
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"LibreOffice did not convert {names} to {fmt} in {timeout} s")
    outs = [outdir / f"{src.stem}.{fmt}" for src in sources]
    if done.returncode != 0 or not all(out.exists() for out in outs):
        pytest.fail(
            f"LibreOffice could not convert {names} to {fmt} (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return outs
