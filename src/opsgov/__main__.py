"""`python -m opsgov`."""

from opsgov.cli import main

main()
