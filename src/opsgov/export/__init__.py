"""Reports in the formats readers forward: a paginated PDF and a slide deck."""
