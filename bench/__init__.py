"""`make bench`: speed figures for the table in the README and bench-results.json."""
