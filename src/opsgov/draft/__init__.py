"""Draft intake profiles: a new vendor's file read well enough that a person only checks.

`opsgov.draft.profile.draft_profile` is the entry point; the other modules are its steps:
`words` (headers as concepts, in many languages), `evidence` (what the values say), `match`
(columns to measures), `settings` (file, sheet, site, date and text settings) and `render`
(the commented YAML).
"""
