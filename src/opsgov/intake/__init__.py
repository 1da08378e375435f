"""The input boundary: any file a vendor sends, read into raw cells or refused with a reason.

`opsgov.intake.readers.read_workbook` is the one entry point. The modules, in the order a
file meets them:

- `limits`: what may be read (sizes, cells, characters), with measured defaults;
- `sniff`: what the file really is, by content (`ole` reads OLE containers for it);
- `safety`: zip-based files are checked before any parser sees them;
- `ooxml`, `sheetscan`: the xlsx package structure and a byte scan of its sheets, for what
  the reader does not tell (error cells, formulas without results, the size it will
  allocate); `isolation` measures the binary formats in a child process instead;
- `workbooks`, `sheets`: python-calamine reads spreadsheets into `RawSheet`s;
  `legacy` adds the settings calamine does not expose;
- `csvread`: delimited text;
- `raw`: the model returned (`RawWorkbook`, `RawSheet`, `CellError`);
- `failures`: how a refusal is raised (`WorkbookError` with one W2xx finding).
"""
