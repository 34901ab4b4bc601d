"""Reps' own versions of published pages (issue 10, part 1): made from the published text for a client or
segment, edited with their own revisions, brought up to date with newer published revisions, and their
changes sent back to the original as suggestions credited to the rep.

A version only ever starts from, and is compared with, published revisions: the field never meets a draft
here, not even in a count or an error message.

Each job has a module of its own: variant_reading (finding a version for a reader, its revisions, a page's
list), variant_editing (making, saving, bringing in updates), variant_sharing, variant_send_back and
variant_overview (what the people who answer for a page see across its versions). Callers import them
all from here."""

from __future__ import annotations

from wiki.services.variant_editing import (
    MAX_NAME,
    SaveOutcome,
    UpdateConflict,
    VariantConflict,
    bring_in_update,
    check_name,
    make_variant,
    save,
)
from wiki.services.variant_overview import (
    Divergence,
    DivergenceEntry,
    divergence,
    recent_on_my_pages,
    reps_with_versions,
)
from wiki.services.variant_reading import (
    VariantRow,
    diff_base,
    get_variant,
    head,
    own_variant,
    revisions,
    sees_every_version,
    shared_with,
    upstream_revision,
    visible_variants,
)
from wiki.services.variant_send_back import MAX_REACTION, OfferRow, my_changes, offers, send_back
from wiki.services.variant_sharing import share, share_candidates, unshare

__all__ = [
    "MAX_NAME",
    "MAX_REACTION",
    "Divergence",
    "DivergenceEntry",
    "OfferRow",
    "SaveOutcome",
    "UpdateConflict",
    "VariantConflict",
    "VariantRow",
    "bring_in_update",
    "check_name",
    "diff_base",
    "divergence",
    "get_variant",
    "head",
    "make_variant",
    "my_changes",
    "offers",
    "own_variant",
    "recent_on_my_pages",
    "reps_with_versions",
    "revisions",
    "save",
    "sees_every_version",
    "send_back",
    "share",
    "share_candidates",
    "shared_with",
    "unshare",
    "upstream_revision",
    "visible_variants",
]
