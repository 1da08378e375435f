"""Playbooks: the library, site resolution, dated checklists, their outputs, status and triggers.

Modules, lowest first: `calendar` (working days), `resolve` (where a playbook applies, its
variants, dependency order, critical path), `checklist` (the dated, owned checklist model),
`outputs` and `xlsx` (md, csv, html and xlsx renderings), `status` (reading a filled-in
checklist back), `triggers` (which playbooks a scorecard fires), `library` (finding files).
"""
