"""`opsgov init`: scaffold a new workspace that passes `opsgov lint` as it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

from opsgov.atomic import write_text
from opsgov.definitions import KINDS
from opsgov.errors import OpsgovError
from opsgov.resources import builtin_dir, builtin_frameworks
from opsgov.schema import schema_text


def _files(name: str, framework: str, today: dt.date) -> dict[str, str]:
    frameworks = builtin_frameworks()
    if framework not in frameworks:
        raise OpsgovError(
            f"there is no built-in framework {framework!r}; choose one of: {', '.join(frameworks)}"
        )
    source = builtin_dir("templates") / "workspace"
    values = {"name": name, "period": f"{today:%Y-%m}"}

    def filled(name: str) -> str:
        return Template((source / name).read_text("utf-8")).safe_substitute(values)

    files = {
        "opsgov.yaml": filled("opsgov.yaml"),
        "registry.yaml": filled("registry.yaml"),
        "fx_rates.csv": filled("fx_rates.csv"),
        "framework.yaml": frameworks[framework]
        .read_text("utf-8")
        .replace("$schema=../schemas/", "$schema=schemas/", 1),
        "contracts/example_bpo.yaml": filled("contract.yaml"),
        # profiles/ sits one level down too: its `../schemas/` resolves to the workspace's.
        "profiles/example_bpo_daily.yaml": filled("profile.yaml"),
        "inbox/README.md": "Put each month's files from the sites in a folder YYYY-MM here.\n",
        # playbooks/ sits one level down, as in the repository: `../schemas/` still resolves.
        "playbooks/new_site_launch.yaml": (
            builtin_dir("playbooks") / "new_site_launch.yaml"
        ).read_text("utf-8"),
    }
    # The framework's own KPI tests (every KPI, worked out by hand) as the workspace's examples.
    for test in sorted((builtin_dir("frameworks") / "tests" / framework).glob("*.yaml")):
        text = test.read_text("utf-8").replace(
            "$schema=../../../schemas/", "$schema=../schemas/", 1
        )
        files[f"tests/{test.name}"] = text
    files["tests/example_bpo_credits_and_capacity.yaml"] = filled("contract_test.yaml")
    for kind in KINDS:
        files[f"schemas/{kind}.schema.json"] = schema_text(kind)
    return files


def scaffold_workspace(
    target: Path,
    *,
    framework: str = "trust_safety",
    force: bool = False,
    today: dt.date | None = None,
) -> list[Path]:
    """Write a new workspace into `target`; refuses to overwrite files unless `force`."""
    files = _files(target.resolve().name or "opsgov workspace", framework, today or dt.date.today())
    existing = [rel for rel in files if (target / rel).exists()]
    if existing and not force:
        raise OpsgovError(
            f"{target} already has {', '.join(existing)}; "
            "use --force to overwrite, or choose an empty folder"
        )
    written: list[Path] = []
    for rel, text in files.items():
        path = target / rel
        write_text(path, text)
        written.append(path)
    return written
