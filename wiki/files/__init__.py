"""Pure logic about uploaded files: what a file is, what is inside it, what changed between two versions.
No Flask, no database. Parsing runs in a child process (sandbox.py) so a hostile file can't exhaust a worker."""
