"""`python -m opsgov.catalogue`: print the finding-code reference as Markdown."""

import sys

from opsgov.catalogue import catalogue_markdown

sys.stdout.write(catalogue_markdown())
