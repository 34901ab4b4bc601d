"""Pure text logic: rendering, diffs, merges, slugs. No Flask, no database, no I/O."""
