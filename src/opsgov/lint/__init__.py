"""`opsgov lint`: every problem in a set of definition files, at once, with positions."""
