"""Draft intake profiles: a new vendor's file read well enough that a person only checks.

`opsgov.draft.profile.draft_profile` is the entry point; the other modules are its steps:
`words` (headers as concepts, in many languages), `evidence` (what the values say), `match`
(columns to measures), `plan` (roles, no measure twice, units), `settings` (file, sheet,
site, date and grain), `roles` (currency, row keys, the queue by its values) and `render`
(the commented YAML).
"""
