"""D1xx: problems in definition files (frameworks, registries, workspaces, profiles, playbooks)."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W = Severity.ERROR, Severity.WARNING


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


DEFINITION_CODES: tuple[CodeSpec, ...] = (
    # Reading the YAML
    _c(
        "D100",
        "YAML syntax error",
        E,
        "The file is not valid YAML (an unclosed quote or bracket, a bad indent, a truncated "
        "file). Fix the line shown; the message says what the parser expected.",
    ),
    _c(
        "D101",
        "duplicate key",
        E,
        "The same key appears twice in one mapping. Most YAML readers silently keep the last "
        "value, so one of the two is lost without a word. Remove or rename one of them.",
    ),
    _c(
        "D102",
        "anchor or alias",
        E,
        "Anchors (`&name`) and aliases (`*name`) are refused: nested aliases can expand without "
        "bound (the 'billion laughs' attack). Write the values out in full.",
    ),
    _c(
        "D103",
        "file too large",
        E,
        "Definition files are capped in size so that a wrong or hostile file cannot exhaust "
        "memory. Split the file, or check that the right file was named.",
    ),
    _c(
        "D104",
        "not UTF-8 text",
        E,
        "Definition files must be UTF-8 text. The file holds bytes that are not UTF-8, binary "
        "data or control characters. Re-save it as UTF-8.",
    ),
    _c(
        "D105",
        "tab indentation",
        E,
        "YAML does not allow tabs for indentation. Replace the tabs with spaces.",
    ),
    _c("D106", "empty file", E, "The file holds no YAML document. Add the definition."),
    _c(
        "D107",
        "not a definition",
        E,
        "The document must be a mapping with a `kind` key naming a definition kind (framework, "
        "registry, workspace, ...). Add or correct `kind`.",
    ),
    _c(
        "D108",
        "unsupported tag",
        E,
        "Explicit YAML tags such as `!!python/object` are refused: definitions are plain data.",
    ),
    _c(
        "D109",
        "nesting too deep",
        E,
        "The document nests lists or mappings deeper than any definition needs.",
    ),
    # Schema
    _c(
        "D110",
        "unknown key",
        E,
        "The key is not part of this definition kind. It is usually a typo: the hint names the "
        "closest known key. `opsgov schema KIND` lists every key.",
    ),
    _c(
        "D111", "missing key", E, "A required key is missing. Add it; `opsgov schema` describes it."
    ),
    _c(
        "D112",
        "invalid value",
        E,
        "The value does not have the type or form this key takes. YAML 1.1 surprises are "
        "caught here: opsgov reads `NO`, `on`, `0123` and `1:30` as text, so a key that wants "
        "a boolean or a number says so instead of silently taking a different value.",
    ),
    _c(
        "D113",
        "duplicate id",
        E,
        "Two entries of one list share an id (two measures, KPIs, categories or sites with the "
        "same id). Ids must be unique within their list.",
    ),
    # Formulas and KPIs
    _c(
        "D120",
        "formula syntax error",
        E,
        "The formula cannot be parsed. Formulas use + - * /, parentheses, comparisons, numbers, "
        "measure and KPI ids, and a short list of functions.",
    ),
    _c(
        "D121",
        "unknown name in formula",
        E,
        "The formula names something that is neither a measure nor a KPI of the framework. "
        "The hint suggests the closest known name.",
    ),
    _c(
        "D122",
        "unknown function",
        E,
        "The formula calls a function that does not exist or passes it the wrong number of "
        "arguments. The message lists the functions available.",
    ),
    _c(
        "D123",
        "cycle between KPIs",
        E,
        "KPIs refer to each other in a loop, so none of them can be computed. Break the loop by "
        "writing one of the formulas over measures.",
    ),
    _c(
        "D124",
        "unit does not fit the formula",
        E,
        "The KPI's declared unit does not match what its formula computes: a percent KPI must be "
        "a ratio of like quantities, a duration KPI must compute time, a currency KPI money; "
        "adding or comparing unlike quantities is refused too.",
    ),
    _c(
        "D125",
        "unknown category",
        E,
        "The KPI's category is not declared in the framework's categories.",
    ),
    _c(
        "D126",
        "category weights do not sum to 100",
        E,
        "Category weights are percentages of the composite score and must sum to 100.",
    ),
    _c(
        "D127",
        "thresholds out of order",
        E,
        "The RAG thresholds do not fit the KPI's direction: for higher-is-better the green "
        "threshold must be at or above amber, for lower-is-better at or below, and for a target "
        "band the green band must sit inside the amber band.",
    ),
    _c(
        "D128",
        "target on the wrong side",
        W,
        "The target would not be rated green by the KPI's own thresholds.",
    ),
    _c(
        "D129",
        "unknown measure",
        E,
        "A KPI's minimum sample, or a check, names a measure that is not declared.",
    ),
    _c(
        "D130",
        "category without KPIs",
        W,
        "A weighted category has no KPI, so its weight can never be earned.",
    ),
    _c(
        "D131",
        "check is not a condition",
        E,
        "A framework check must be a comparison (such as `qa_correct <= qa_audited`), so that "
        "each row either passes or fails.",
    ),
    _c(
        "D132",
        "KPI cannot be scored",
        E,
        "A KPI with a category and a weight above 0 needs thresholds (or a band) to be rated "
        "and scored. Add them, or set its weight to 0 to show it unscored.",
    ),
    _c(
        "D133",
        "percent written as 0-100",
        W,
        "Percent KPIs compute fractions (0.95 is 95 %), so a target or threshold above 1 can "
        "never be met or is meant as 0-100. Write it as a fraction.",
    ),
    # Cross references
    _c(
        "D140",
        "override for an unknown scope",
        E,
        "An override names a region, vendor or site that the registry does not have, so it "
        "would silently never apply.",
    ),
    _c("D141", "override for an unknown KPI", E, "An override names a KPI the framework lacks."),
    _c("D142", "unknown region", E, "A site names a region the registry does not declare."),
    _c("D143", "unknown vendor", E, "A site names a vendor the registry does not declare."),
    _c(
        "D144",
        "unknown currency",
        E,
        "The currency is not an ISO 4217 code (three capital letters such as USD, EUR, PHP).",
    ),
    _c(
        "D145",
        "unknown country",
        E,
        "The country is not an ISO 3166-1 alpha-2 code (two capital letters such as PH, IE).",
    ),
    _c(
        "D146",
        "unknown time zone",
        E,
        "The time zone is not an IANA name such as `Europe/Dublin` or `Asia/Manila`.",
    ),
    _c(
        "D147",
        "status dates inconsistent",
        E,
        "A site's status and dates disagree: a live site needs a go-live date, a closed site a "
        "close date after its go-live date.",
    ),
    _c("D148", "missing file", E, "The workspace names a file or folder that does not exist."),
    _c(
        "D149",
        "kind in the wrong place",
        E,
        "The workspace points at a file of another definition kind (a registry where a framework "
        "belongs, for example).",
    ),
    _c(
        "D153",
        "profiles that would tie",
        W,
        "Two intake profiles have the same files pattern (or paths), vendors that do not tell "
        "them apart (the same one, or one without `vendor:`), and the same sheet choice, so only "
        "their header rows can decide which reads a file; a file both fit is read by neither "
        "(V326). Give each its vendor, its own pattern or sheet, or keep one.",
    ),
    _c(
        "D154",
        "profile vendor not in the registry",
        E,
        "A profile's `vendor:` is not a vendor id of the registry. Files are routed to the "
        "profiles of the vendor of the site their name gives, so this profile would read no "
        "file named for a registered site.",
    ),
    _c(
        "D156",
        "column shared badly",
        E,
        "A profile column lists a measure under `also` (the same figures fill it) that cannot "
        "take them: a measure another column already maps, one listed twice, the column's own "
        "measure, or a measure of another kind (a count column cannot also be a duration; "
        "categories and dates are never shared). Map each measure from one column only.",
    ),
    _c(
        "D157",
        "unknown reported measure",
        E,
        "A vendor's or site's `reports` or `does_not_report` names something that is not a "
        "numeric measure of the framework (a KPI id, a typo), or names one measure in both "
        "lists. List measure ids, such as the ones a KPI's formula uses.",
    ),
    _c(
        "D158",
        "reported measure nobody reads",
        W,
        "The registry says a site reports a measure, but no intake profile that reads the "
        "site's files maps it, so it can never arrive and every month would report it missing "
        "(V323). Map it in the profile, or take it out of `reports`.",
    ),
    _c(
        "D194",
        "KPI chain too deep",
        E,
        "A KPI is computed from KPIs that are computed from KPIs, more than fifteen deep. Real "
        "frameworks go two or three deep; a longer chain is generated by mistake and makes every "
        "run slower. Write the formula over measures.",
    ),
    # Intake profiles read the way validate will read them
    _c(
        "D150",
        "two columns for one measure",
        E,
        "Two entries of a profile's `columns` fill the same measure. Only one column can be "
        "read into a measure, so the other would be dropped or the two added by chance. Keep "
        "one entry and list the other header among its `headers`.",
    ),
    _c(
        "D151",
        "percentage with no base",
        E,
        "A column read as a percentage (`percent_0_100` or `percent_0_1`) has no `percent_of`. "
        "A framework's measures are counts, durations and money, so a share on its own would "
        "be stored as a count of 0.93: give `percent_of` the measure it is a share of (SLA % "
        "of SLA-eligible items gives items within SLA).",
    ),
    _c(
        "D152",
        "profile not checked",
        W,
        "An intake profile was linted without the framework it will be read against (no "
        "framework was loaded, or several and no workspace names one for it), so its measures, "
        "bases and category values were not checked. Lint the workspace instead.",
    ),
    _c(
        "D195",
        "gate on an unknown KPI",
        E,
        "A framework gate names a KPI the framework does not define, so it could never fire. "
        "Name one of the framework's KPIs.",
    ),
)
