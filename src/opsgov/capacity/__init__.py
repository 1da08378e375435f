"""Capacity planning: forecast the work, staff it, and know what losing a site does.

Pure logic, no I/O: `erlang` (queueing models), `fte` (required FTE), `forecast` (monthly
volume forecasts with backtests), `plan` (requirements against headcount), `resilience`
(site-loss scenarios and single points of failure). The CLI reads the history and writes.
"""
