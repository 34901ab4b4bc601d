"""Taking pages out of the wiki and bringing documents in: a page's PDF, the leads' export download and the
import form."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user, login_required

from wiki.errors import BadInput, WikiError
from wiki.forms import ActionForm
from wiki.services import export, importing, pdf
from wiki.text.sizes import human_size
from wiki.views import int_arg
from wiki.web import accepts_upload

bp = Blueprint("transfer", __name__)


@bp.get("/p/<slug>/pdf")
@login_required
def page_pdf(slug: str):
    made = pdf.page_pdf(current_user, slug, int_arg("rev"))
    return Response(
        made.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )


@bp.get("/admin/export")
@login_required
def export_zip():
    history = request.args.get("history") == "1"
    export.check_allowed(current_user)
    # Streamed as it is written: the first bytes leave at once, and memory stays flat for a big wiki.
    return Response(
        stream_with_context(export.chunks(current_user, history=history)),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(history)}"'},
    )


def _form(status: int = 200, **shown):
    # The page offers both: whoever opens it must be allowed both.
    importing.check_allowed(current_user)
    export.check_allowed(current_user)
    return render_template(
        "transfer/index.html",
        form=ActionForm(),
        max_upload=human_size(current_app.config["MAX_UPLOAD_BYTES"]),
        max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        max_pages=importing.MAX_WEB_PAGES,
        **shown,
    ), status


@bp.get("/admin/import")
@login_required
def import_form():
    return _form()


@bp.post("/admin/import")
@login_required
@accepts_upload
def import_upload():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise BadInput("Choose a file to import.")
        report = importing.import_file(current_user, upload.filename, upload.read())
    except WikiError as error:
        if error.status == 403:
            raise
        # Answered on the form, so choosing another file is the next step.
        return _form(error.status, import_error=error.message)
    # The report is the answer, not a redirect: it lists every file, more than a flash message holds, and a
    # repeated post only adds "the same as revision N" lines.
    return _form(report=report)
