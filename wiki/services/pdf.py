"""A page as a PDF to print, send or archive: the version this reader may see, with a cover line saying which
revision it is and who approved it, printed by WeasyPrint.

It is made in the request, not by the worker, and kept per revision: an ordinary 5 KB plan prints in about
0.3 s and the largest page the wiki accepts by default (100 KB) in 4–8 s, prose or tables (measured on the
2-core development machine while others used it), which a person pressing *PDF* waits for, where a queue would
make them wait longer. A page past PDF_MAX_BYTES is refused with a 413 instead, so no request keeps a web
worker printing near gunicorn's 30 s.

WeasyPrint fetches nothing from the network: our fetcher serves the wiki's own static files and refuses every
other address, so an image in the page text that points elsewhere is left out of the PDF.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select
from werkzeug.security import safe_join

from wiki.cache import LRUCache
from wiki.errors import TooLarge
from wiki.extensions import db
from wiki.models import Approval, Decision, Page, Revision, User
from wiki.services import pages
from wiki.services.rendering import rendered
from wiki.text.mail_text import absolute_links
from wiki.text.sizes import human_size

# The largest body we print (about 10 s at the rate measured above). The default page limit (100 KB) is under
# it; a wiki that raised MAX_PAGE_BYTES gets a sentence for its biggest pages instead of a worker stuck printing.
PDF_MAX_BYTES = 128 * 1024
# An address no network can answer: relative URLs in our own template resolve against it, and the fetcher
# serves only /static/ under it.
_OWN = "https://council-wiki.invalid/"
# Every reader of a revision gets the same PDF, so it is printed once per revision and cover line (the cover
# changes when the revision is approved): a rep pressing PDF again, or the whole field after a summary, waits
# for no printing and keeps no web worker busy.
_printed: LRUCache[bytes] = LRUCache(capacity=32)


@dataclass(frozen=True)
class PagePdf:
    filename: str
    data: bytes


def cover_line(page: Page, revision: Revision) -> str:
    """ "Revision 12, approved by Priya Shah on 3 Nov 2026", or "Revision 13: Draft, not yet approved"."""
    approval = db.session.execute(
        select(Approval)
        .where(Approval.revision_id == revision.id, Approval.decision == Decision.APPROVED)
        .order_by(Approval.id)
        .limit(1)
    ).scalar_one_or_none()
    if approval is None:
        return f"Revision {revision.number}: Draft, not yet approved"
    when = approval.created_at
    return f"Revision {revision.number}, approved by {approval.decided_by.name} on {when.day} {when:%b %Y}"


def page_pdf(user: User, slug: str, number: int | None = None) -> PagePdf:
    """The PDF of what the page view shows this reader (revision `number` where they may read it)."""
    page = pages.readable_page(user, slug)
    revision = pages.visible_revision(user, page, number)
    if revision.size > PDF_MAX_BYTES:
        raise TooLarge(
            f"This page is {human_size(revision.size)}; a PDF can be made of pages up to "
            f"{human_size(PDF_MAX_BYTES)}. Download its Markdown instead, or split the page."
        )
    site = current_app.config["SITE_URL"]
    cover = cover_line(page, revision)

    def printed() -> bytes:
        html = render_template(
            "transfer/pdf.html",
            page=page,
            revision=revision,
            cover=cover,
            # A printed link has no page to be relative to.
            body=absolute_links(rendered(revision).html, site),
            site_url=site,
        )
        return print_html(html)

    data = _printed.get_or_make((revision.id, revision.title, cover, site), printed)
    return PagePdf(filename=f"{page.slug}-r{revision.number}.pdf", data=data)


def print_html(html: str) -> bytes:
    import weasyprint  # loaded on the first PDF, not by every process that imports the services

    return weasyprint.HTML(string=html, base_url=_OWN, url_fetcher=_own_files_fetcher()).write_pdf()


def _own_files_fetcher():
    import weasyprint

    static = Path(current_app.static_folder)

    class OwnFiles(weasyprint.URLFetcher):
        """Serves /static/ from the app's static folder; refuses everything else (WeasyPrint leaves it out)."""

        def fetch(self, url, headers=None):
            if not url.startswith(_OWN + "static/"):
                raise ValueError(f"not fetched: {url[:200]}")
            found = safe_join(str(static), url[len(_OWN + "static/") :].split("?")[0].split("#")[0])
            if found is None or not Path(found).is_file():
                raise ValueError(f"no such static file: {url[:200]}")
            media_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": media_type})

    return OwnFiles()
