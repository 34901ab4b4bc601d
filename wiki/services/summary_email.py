"""The summary as an email: the exact HTML (CSS inlined) and plain-text parts every recipient reads, and the
archive's view of a frozen one.

Links are built from SITE_URL, so they are absolute and right in the reader's mail client whether a lead pressed
Send or cron composed it; no request is needed, or faked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import css_inline
from flask import current_app, render_template

from wiki.mail import UNSUBSCRIBE_MARKER
from wiki.models import Summary
from wiki.services.summary_content import Content
from wiki.text.mail_text import absolute_links, markdown_as_text, marked
from wiki.text.render import render

# The archive shows the email's content without its envelope (html, head, outer table).
CONTENT_START, CONTENT_END = "<!--summary-content-->", "<!--/summary-content-->"


def frozen_content(html: str, unsubscribe_url: str) -> str:
    """The email's content without its envelope, as the browser shows it."""
    start, end = html.find(CONTENT_START), html.find(CONTENT_END)
    if start != -1 and end != -1:
        html = html[start + len(CONTENT_START) : end]
    return html.replace(UNSUBSCRIBE_MARKER, unsubscribe_url)


def archived_content(summary: Summary, unsubscribe_url: str) -> str:
    """The summary exactly as it was sent, for the archive."""
    return frozen_content(summary.html_body or "", unsubscribe_url)


@dataclass(frozen=True)
class Email:
    subject: str
    html: str
    text: str


def absolute_url(endpoint: str, **values) -> str:
    """The address of a page of the wiki as SITE_URL names it, built from the URL map alone."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def render_email(summary: Summary, content: Content) -> Email:
    """The exact email (HTML with the CSS inlined, and the plain-text part), with the unsubscribe marker."""
    site = current_app.config["SITE_URL"]
    context = {
        "summary": summary,
        "content": content,
        # A mail client has no page to resolve "/p/fy27-plan" against, and plain text is read as words.
        "intro_html": absolute_links(render(summary.intro).html, site) if summary.intro else "",
        "intro_text": markdown_as_text(summary.intro, site) if summary.intro else "",
        "marked": marked,
        "browser_url": absolute_url("summaries.show", summary_id=summary.id),
        "unsubscribe_url": UNSUBSCRIBE_MARKER,
        "site_name": current_app.config["SITE_NAME"],
        "absolute": absolute_url,
    }
    html = css_inline.inline(render_template("email/summary.html", **context))
    text = render_template("email/summary.txt", **context)
    return Email(subject=summary.subject, html=html, text=text)
