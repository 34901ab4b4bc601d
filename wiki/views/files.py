"""Files on a page: the list and upload form, a file's preview and versions, downloads and decisions."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput, WikiError
from wiki.services import file_review, file_threads, file_uploads, files, pages
from wiki.text.sizes import human_size
from wiki.views import int_arg
from wiki.views.file_voice import file_voice_context
from wiki.web import accepts_upload

bp = Blueprint("files", __name__)


def _file(slug: str, name: str):
    page = pages.readable_page(current_user, slug)
    return page, files.get_attachment(current_user, page, name)


def _uploaded() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadInput("Choose a file to upload.", field="file")
    return upload.filename, upload.read()


def _already_there(page, same: file_uploads.SameFile):
    """A second click on *Upload*, or the same file chosen again: say so on the file's page, not as an error,
    since what the user wanted is there."""
    flash(same.message, "info")
    return redirect(url_for("files.preview", slug=page.slug, name=same.name), code=303)


def _to_preview(page, attachment, message: str):
    flash(message, "success")
    return redirect(url_for("files.preview", slug=page.slug, name=attachment.name), code=303)


@bp.get("/p/<slug>/files")
@login_required
def index(slug: str):
    return _index(pages.readable_page(current_user, slug))


def _index(page, **upload):
    return render_template(
        "files/index.html",
        page=page,
        rows=files.list_files(current_user, page),
        can=files.capabilities(current_user),
        max_upload=human_size(files.max_upload_bytes()),
        max_upload_bytes=files.max_upload_bytes(),
        **upload,
    )


def _refused_upload(error: WikiError, show_form):
    """A file that can't be kept is answered on the form it came from, with the note the user typed, not on an
    error page: choosing another file is the next step."""
    if error.field not in ("file", "note"):
        raise error
    html = show_form(upload_error=error.message, upload_note=request.form.get("note", ""))
    return html, error.status


@bp.post("/p/<slug>/files")
@login_required
@accepts_upload
def upload(slug: str):
    page = pages.readable_page(current_user, slug)
    try:
        filename, data = _uploaded()
        version = file_uploads.upload(current_user, page, filename, data, request.form.get("note", ""))
    except file_uploads.SameFile as same:
        return _already_there(page, same)
    except WikiError as error:
        return _refused_upload(error, lambda **upload: _index(page, **upload))
    attachment = version.attachment
    if version.number == 1:
        message = f"Added “{attachment.name}”. A marketing lead approves it before the field can download it."
    else:
        message = f"Uploaded version {version.number} of “{attachment.name}”; it waits for a lead's approval."
    return _to_preview(page, attachment, message)


@bp.post("/p/<slug>/files/<name>/versions")
@login_required
@accepts_upload
def upload_version(slug: str, name: str):
    page, attachment = _file(slug, name)
    try:
        filename, data = _uploaded()
        version = file_uploads.upload(
            current_user, page, filename, data, request.form.get("note", ""), to=attachment.name
        )
    except file_uploads.SameFile as same:
        return _already_there(page, same)
    except WikiError as error:
        return _refused_upload(error, lambda **upload: _preview(page, attachment, None, **upload))
    return _to_preview(
        page, attachment, f"Uploaded version {version.number} of “{attachment.name}”; it waits for a lead's approval."
    )


@bp.get("/p/<slug>/files/<name>")
@login_required
def download(slug: str, name: str):
    page, attachment = _file(slug, name)
    version = files.get_version(current_user, page, attachment, int_arg("v"))
    kind = files.kind_of(version)
    response = send_file(
        io.BytesIO(files.content(version)),
        mimetype=kind.media_type,
        as_attachment=True,
        download_name=files.download_name(attachment, version),
        etag=version.blob_sha256,
        last_modified=version.created_at,
        conditional=True,
    )
    # Drafts and permissions change: the browser may keep a copy but asks again before using it.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


@bp.get("/p/<slug>/files/<name>/pictures/<int:position>")
@login_required
def picture(slug: str, name: str, position: int):
    page, attachment = _file(slug, name)
    version = files.get_version(current_user, page, attachment, int_arg("v"))
    sha, data = files.image(version, position)
    # Drawn by the sandbox, never the uploaded bytes: the one kind of file content served inline.
    response = send_file(io.BytesIO(data), mimetype="image/png", etag=sha, conditional=True)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


@bp.get("/p/<slug>/files/<name>/preview")
@login_required
def preview(slug: str, name: str):
    page, attachment = _file(slug, name)
    return _preview(page, attachment, int_arg("v"))


def _preview(page, attachment, number: int | None, **upload):
    version = files.get_version(current_user, page, attachment, number)
    can = files.capabilities(current_user)
    return render_template(
        "files/preview.html",
        page=page,
        attachment=attachment,
        version=version,
        kind=files.kind_of(version),
        units=files.units_of(version),
        text=files.text_of(version) if not version.units else "",
        versions=files.versions(current_user, page, attachment),
        decisions=file_review.decisions(current_user, attachment) if can.see_drafts else {},
        threads=file_threads.for_preview(current_user, attachment, version),
        can=can,
        max_upload=human_size(files.max_upload_bytes()),
        max_upload_bytes=files.max_upload_bytes(),
        can_delete=file_uploads.can_delete(current_user, attachment),
        **file_voice_context(current_user, page, attachment, version),
        **upload,
    )


@bp.get("/p/<slug>/files/<name>/changes")
@login_required
def changes(slug: str, name: str):
    page, attachment = _file(slug, name)
    new_number = int_arg("to", attachment.head_number)
    old_number = int_arg("from", max(new_number - 1, 1))
    found = files.comparison(current_user, page, attachment, old_number, new_number)
    return render_template("files/changes.html", page=page, attachment=attachment, comparison=found)


@bp.post("/p/<slug>/files/<name>/restore")
@login_required
def restore(slug: str, name: str):
    page, attachment = _file(slug, name)
    number = _form_version("to restore")
    version = file_uploads.restore(current_user, page, attachment, number, request.form.get("note", ""))
    return _to_preview(
        page, attachment, f"Version {number} is back as version {version.number}; it waits for a lead's approval."
    )


@bp.post("/p/<slug>/files/<name>/delete")
@login_required
def delete(slug: str, name: str):
    page, attachment = _file(slug, name)
    removed = file_uploads.delete(current_user, page, attachment)
    flash(f"Deleted “{removed}” and its versions.", "success")
    return redirect(url_for("files.index", slug=page.slug), code=303)


@bp.post("/p/<slug>/files/<name>/approve")
@login_required
def approve(slug: str, name: str):
    page, attachment = _file(slug, name)
    number = _form_version("to approve")
    file_review.approve(current_user, page, attachment, number, request.form.get("note", ""))
    return _back(page, attachment, f"Approved version {number} of “{attachment.name}”: the field can download it now.")


@bp.post("/p/<slug>/files/<name>/request-changes")
@login_required
def request_changes(slug: str, name: str):
    page, attachment = _file(slug, name)
    number = _form_version("needs changes")
    file_review.request_changes(current_user, page, attachment, number, request.form.get("note", ""))
    return _back(page, attachment, f"Sent version {number} of “{attachment.name}” back with your note.")


def _form_version(what: str) -> int:
    number = int_arg("v", source=request.form)
    if number is None:
        raise BadInput(f"Say which version {what}.")
    return number


def _back(page, attachment, message: str):
    """Decisions are made from the file's preview or from the page's review; go back to where it was made."""
    flash(message, "success")
    if request.form.get("next") == "review":
        return redirect(url_for("review.page", slug=page.slug), code=303)
    return redirect(url_for("files.preview", slug=page.slug, name=attachment.name), code=303)
