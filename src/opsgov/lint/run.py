"""Lint a set of files, folders or a workspace: load every definition, then cross-check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.contracts.invoice import INVOICE_FRAMEWORK
from opsgov.definitions import Loaded, load_definition
from opsgov.fx import FxTable, load_fx
from opsgov.issues import Issue, Location, Severity, make_issue
from opsgov.lint.capacity import check_capacity
from opsgov.lint.common import did_you_mean
from opsgov.lint.contract import check_contract
from opsgov.lint.formulas import check_formulas
from opsgov.lint.framework import check_overrides, check_structure, check_targets
from opsgov.lint.kpitest import check_kpi_test
from opsgov.lint.kpitest_expect import check_expectations
from opsgov.lint.playbook import check_playbook_among, check_workspace_owners
from opsgov.lint.profile import check_profile
from opsgov.lint.registry import check_registry
from opsgov.lint.reporting import check_reporting
from opsgov.lint.routing import check_routing
from opsgov.models.capacity import CapacitySettings
from opsgov.models.common import Definition
from opsgov.models.contract import Contract
from opsgov.models.framework import Framework
from opsgov.models.kpitest import TESTS_FOLDER, KpiTest
from opsgov.models.playbook import Playbook
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.playbooks.library import Library, load_library, playbook_files, search_dirs
from opsgov.reference import is_currency
from opsgov.report import FindingsReport
from opsgov.resources import builtin_frameworks
from opsgov.workspace import BUILTIN_PREFIX, SETTINGS_FILE, display_path, resolve_ref
from opsgov.yamlio import YamlDocument

YAML_SUFFIXES = {".yaml", ".yml"}


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus every YAML file under folders named (hidden folders skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in YAML_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            out.append(path)
    return list(dict.fromkeys(p.resolve() for p in out))


@dataclass
class _Session:
    loaded: dict[Path, Loaded[Definition]] = field(default_factory=dict)
    display: dict[Path, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    pairs: dict[Path, Path] = field(default_factory=dict)  # framework -> registry
    profile_dirs: dict[Path, Path] = field(default_factory=dict)
    """A workspace's profiles folder -> the framework its `opsgov.yaml` names."""
    libraries: dict[Path, Library] = field(default_factory=dict)
    """A workspace folder (resolved) -> its playbook library (its own folder, the built-ins)."""

    def load(
        self, path: Path, display: str | None = None, expect: str | None = None
    ) -> Loaded[Definition]:
        if path not in self.loaded:
            name = display or display_path(path)
            self.display[path] = name
            if not path.exists():
                loaded: Loaded[Definition] = Loaded(
                    name,
                    None,
                    None,
                    [make_issue("D148", "the file does not exist", location=Location(file=name))],
                )
            else:
                loaded = load_definition(path, name, expect)
            self.loaded[path] = loaded
            self.issues.extend(loaded.issues)
        return self.loaded[path]


def _workspace_refs(session: _Session, path: Path, loaded: Loaded[Definition]) -> None:
    settings = loaded.definition
    assert isinstance(settings, Workspace)
    assert loaded.doc is not None
    doc, root = loaded.doc, path.parent
    refs: dict[str, Path] = {}
    for key, kind in (("framework", "framework"), ("registry", "registry")):
        ref: str = getattr(settings, key)
        target = resolve_ref(root, ref)
        if target is None:
            name = ref.removeprefix(BUILTIN_PREFIX)
            session.issues.append(
                make_issue(
                    "D148",
                    f"there is no built-in framework `{name}`",
                    location=doc.locate((key,)),
                    field=key,
                    hint=did_you_mean(name, builtin_frameworks())
                    or "Built-in frameworks: "
                    + ", ".join(f"builtin:{n}" for n in builtin_frameworks()),
                )
            )
            continue
        if not target.is_file():
            session.issues.append(
                make_issue(
                    "D148",
                    f"{key} file `{ref}` does not exist",
                    location=doc.locate((key,)),
                    field=key,
                )
            )
            continue
        refs[key] = target
        session.load(target, ref if ref.startswith(BUILTIN_PREFIX) else None, expect=kind)
    if "framework" in refs and "registry" in refs:
        session.pairs[refs["framework"]] = refs["registry"]
    if "framework" in refs:
        session.profile_dirs[(root / settings.profiles).resolve()] = refs["framework"]
        session.profile_dirs[(root / TESTS_FOLDER).resolve()] = refs["framework"]
    framework = session.loaded[refs["framework"]].definition if "framework" in refs else None
    registry = session.loaded[refs["registry"]].definition if "registry" in refs else None
    if isinstance(framework, Framework):
        session.issues.extend(
            check_overrides(
                doc,
                settings.overrides,
                framework,
                registry if isinstance(registry, Registry) else None,
            )
        )
    others = [ld.definition for ld in session.loaded.values()]
    session.issues.extend(check_workspace_owners(doc, settings, others))
    library = load_library(search_dirs(None, root, settings))
    session.libraries[root.resolve()] = library
    if settings.capacity is not None:
        session.issues.extend(
            check_capacity(
                doc,
                settings.capacity,
                registry if isinstance(registry, Registry) else None,
                framework if isinstance(framework, Framework) else None,
                set(library.playbooks),
            )
        )
    if settings.fx_rates is not None and not (root / settings.fx_rates).exists():
        session.issues.append(
            make_issue(
                "D148",
                f"FX rates file `{settings.fx_rates}` does not exist",
                location=doc.locate(("fx_rates",)),
                field="fx_rates",
            )
        )
    elif settings.fx_rates is not None:
        fx_path = (root / settings.fx_rates).resolve()
        session.display[fx_path] = display_path(fx_path)
        session.issues.extend(load_fx(fx_path, session.display[fx_path])[1])
    if not is_currency(settings.reporting_currency):
        session.issues.append(
            make_issue(
                "D144",
                f"`{settings.reporting_currency}` is not an ISO 4217 currency code",
                location=doc.locate(("reporting_currency",)),
                field="reporting_currency",
                hint="Use the three-letter code, such as USD or EUR.",
            )
        )


def _only(session: _Session, kind: type[Definition]) -> Definition | None:
    found = [ld.definition for ld in session.loaded.values() if isinstance(ld.definition, kind)]
    return found[0] if len(found) == 1 else None


def _contract(session: _Session, doc: YamlDocument, contract: Contract) -> Iterable[Issue]:
    framework, registry = _only(session, Framework), _only(session, Registry)
    settings_path = next(
        (p for p, ld in session.loaded.items() if isinstance(ld.definition, Workspace)), None
    )
    fx: FxTable | None = None
    reporting: str | None = None
    if settings_path is not None:
        settings = session.loaded[settings_path].definition
        assert isinstance(settings, Workspace)
        reporting = settings.reporting_currency
        fx_path = settings_path.parent / settings.fx_rates if settings.fx_rates else None
        fx = load_fx(fx_path, display_path(fx_path))[0] if fx_path and fx_path.is_file() else None
    invoices = {
        ld.definition.id
        for ld in session.loaded.values()
        if isinstance(ld.definition, Profile) and ld.definition.purpose == "invoice"
    }
    return check_contract(
        doc,
        contract,
        framework if isinstance(framework, Framework) else None,
        registry if isinstance(registry, Registry) else None,
        fx,
        reporting,
        invoices if settings_path is not None else None,
    )


def _kpi_test(
    session: _Session, doc: YamlDocument, test: KpiTest, framework: Framework | int
) -> Iterable[Issue]:
    """A test's credits and capacity expectations against the workspace's contracts and settings.

    Contracts only when a workspace is linted: alone, a test's references to the workspace's
    contracts cannot be checked.
    """
    settings = _only(session, Workspace)
    registry = _only(session, Registry)
    contracts = [ld.definition for ld in session.loaded.values()
                 if isinstance(ld.definition, Contract)]  # fmt: skip
    workspace = settings if isinstance(settings, Workspace) else None
    if test.capacity is not None:  # the test's own settings, checked as opsgov.yaml's are
        yield from check_capacity(
            doc,
            test.capacity,
            registry if isinstance(registry, Registry) else None,
            framework if isinstance(framework, Framework) else None,
            None,
        )
    yield from check_expectations(
        doc,
        test,
        contracts if workspace is not None else None,
        registry if isinstance(registry, Registry) else None,
        test.capacity or (workspace.capacity if workspace else None) or CapacitySettings(),
        [k.id for k in framework.kpis] if isinstance(framework, Framework) else None,
    )


def _one_contract_per_vendor(session: _Session) -> Iterable[Issue]:
    first: dict[str, str] = {}
    for path, loaded in session.loaded.items():
        contract = loaded.definition
        if not isinstance(contract, Contract) or loaded.doc is None:
            continue
        if contract.vendor in first:
            yield make_issue(
                "D178",
                f"vendor `{contract.vendor}` already has a contract in {first[contract.vendor]}",
                location=loaded.doc.locate(("vendor",)),
                field="vendor",
            )
        else:
            first[contract.vendor] = session.display[path]


def _framework_of(session: _Session, path: Path) -> Framework | int:
    """The framework a profile is read against: its workspace's, else the only one loaded.

    Returns how many frameworks are loaded when neither applies (0 or several).
    """
    for folder, framework_path in session.profile_dirs.items():
        if path.resolve().is_relative_to(folder):
            framework = session.loaded[framework_path].definition
            if isinstance(framework, Framework):
                return framework
    frameworks = [
        ld.definition for ld in session.loaded.values() if isinstance(ld.definition, Framework)
    ]
    return frameworks[0] if len(frameworks) == 1 else len(frameworks)


def lint_paths(paths: Sequence[Path]) -> FindingsReport:
    """Lint files and folders; a folder holding `opsgov.yaml` is linted as a workspace."""
    return lint_files(expand(paths)).report


@dataclass(frozen=True)
class Linted:
    """What linting read: the report, and every file read with its definition (None if invalid)."""

    report: FindingsReport
    definitions: dict[Path, Definition | None]
    """Each definition file loaded (resolved path) and its model, None where it has errors."""
    read: tuple[Path, ...]
    """Every file the findings depend on: the definitions, the FX rates, playbook libraries."""
    libraries: dict[Path, Library] = field(default_factory=dict)
    """Each workspace folder (resolved) -> its playbook library, as scoring's triggers read it."""


def lint_files(files: Sequence[Path]) -> Linted:
    """Lint files (already expanded, resolved); the report and what was read."""
    session = _Session()
    for path in files:
        session.load(path)
    for path, loaded in list(session.loaded.items()):
        if isinstance(loaded.definition, Workspace):
            _workspace_refs(session, path, loaded)
    registries = [p for p, ld in session.loaded.items() if isinstance(ld.definition, Registry)]
    for path, loaded in session.loaded.items():
        definition, doc = loaded.definition, loaded.doc
        if doc is None or definition is None:
            continue
        if isinstance(definition, Framework):
            reg_path = session.pairs.get(path) or (registries[0] if len(registries) == 1 else None)
            reg = session.loaded[reg_path].definition if reg_path else None
            session.issues.extend(check_structure(doc, definition))
            session.issues.extend(check_formulas(doc, definition))
            session.issues.extend(check_targets(doc, definition))
            session.issues.extend(
                check_overrides(
                    doc,
                    definition.overrides,
                    definition,
                    reg if isinstance(reg, Registry) else None,
                )
            )
        elif isinstance(definition, Registry):
            session.issues.extend(check_registry(doc, definition))
            paired = [f for f, r in session.pairs.items() if r == path]
            fw_path = paired[0] if paired else None
            fw = session.loaded[fw_path].definition if fw_path else _only(session, Framework)
            if isinstance(fw, Framework):
                readers = [
                    ld.definition
                    for ld in session.loaded.values()
                    if isinstance(ld.definition, Profile)
                ]
                session.issues.extend(check_reporting(doc, definition, fw, readers))
        elif isinstance(definition, Profile):
            framework = _framework_of(session, path)
            if definition.purpose == "invoice":
                session.issues.extend(check_profile(doc, definition, INVOICE_FRAMEWORK))
            elif isinstance(framework, Framework):
                session.issues.extend(check_profile(doc, definition, framework))
            else:
                session.issues.append(
                    make_issue(
                        "D152",
                        "not checked against a framework: "
                        + (
                            f"{framework} frameworks are loaded and no workspace names one "
                            "for this profile"
                            if framework
                            else "no framework is loaded"
                        ),
                        location=Location(file=loaded.file),
                        hint="Lint the workspace (`opsgov lint` in its folder), or name "
                        "the framework file together with the profile.",
                    )
                )
        elif isinstance(definition, KpiTest):
            framework = _framework_of(session, path)
            if isinstance(framework, Framework):
                session.issues.extend(check_kpi_test(doc, definition, framework))
            session.issues.extend(_kpi_test(session, doc, definition, framework))
        elif isinstance(definition, Playbook):
            others = [ld.definition for ld in session.loaded.values()]
            session.issues.extend(check_playbook_among(doc, definition, others))
        elif isinstance(definition, Contract):
            session.issues.extend(_contract(session, doc, definition))
    session.issues.extend(_one_contract_per_vendor(session))
    registry = _only(session, Registry)
    profiles = [
        (session.display[p], ld.doc, ld.definition)
        for p, ld in session.loaded.items()
        if isinstance(ld.definition, Profile) and ld.doc is not None
    ]
    session.issues.extend(
        check_routing(profiles, registry if isinstance(registry, Registry) else None)
    )
    report = FindingsReport.build("lint", list(session.display.values()), session.issues)
    read = [*session.display, *_libraries(session)]
    return Linted(
        report,
        {p: ld.definition for p, ld in session.loaded.items()},
        tuple(dict.fromkeys(read)),
        session.libraries,
    )


def _libraries(session: _Session) -> list[Path]:
    """The playbook files of each workspace's library (capacity settings are checked against it)."""
    found: list[Path] = []
    for path, loaded in session.loaded.items():
        settings = loaded.definition
        if isinstance(settings, Workspace):
            for _, folder in search_dirs(None, path.parent, settings):
                found.extend(p.resolve() for p in playbook_files(folder))
    return found


def lint_workspace(root: Path) -> FindingsReport:
    """Lint a workspace: its settings, the files they name and every YAML file in it."""
    return linted_workspace(root).report


def linted_workspace(root: Path) -> Linted:
    """Lint a workspace, or take the lint of the same files from the cache (`opsgov.defcache`)."""
    from opsgov import defcache

    files = expand([root / SETTINGS_FILE, root])
    cached = defcache.load(root, files)
    if isinstance(cached, Linted):
        return cached
    linted = lint_files(files)
    if not linted.report.count(Severity.ERROR):  # a missing file is an error: never cached
        defcache.store(root, files, linted.read, linted)
    return linted
