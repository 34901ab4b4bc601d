"""Issue 14's side-by-side figures: every page a reader opens most, in requests per second under wrk, each next to
bare Flask's hello_rps measured in the same run. The pages are the peer benchmark's plan (bench/content.py)."""

from __future__ import annotations

from bench.diffs import PEER_SLUG

# What each figure requests, and as whom.
PAGES = {
    "view_council_rps": ("council", f"/p/{PEER_SLUG}"),
    "view_field_rps": ("field", f"/p/{PEER_SLUG}"),
    "history_rps": ("council", f"/p/{PEER_SLUG}/history"),
    "changes_rps": ("lead", "/changes"),
    "home_lead_rps": ("lead", "/"),
    "search_rps": ("council", "/search?q=pipeline"),
}


def setup(lead) -> None:
    """The field reads the plan's newest revision."""
    from wiki.services import pages, review

    page = pages.get_page(PEER_SLUG)
    review.approve(lead, page, page.head_number)


def served_figures(base: str, cookies: dict[str, str], wrk) -> dict:
    figures = {}
    for name, (reader, path) in PAGES.items():
        wrk(base + path, cookies[reader])
        figures[name] = wrk(base + path, cookies[reader])
    return figures


def ratios(results: dict) -> dict:
    return {
        name.removesuffix("_rps") + "_to_hello": results[name] / results["hello_rps"]
        for name in (*PAGES, "diff_rps")
        if name in results
    }
