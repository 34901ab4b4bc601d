"""Files on pages (issue 11): a 20 MB upload through the live wiki next to bare Flask receiving the same body,
comparing two 60-slide decks slide by slide next to one word diff of their text, and what files cost in storage.

`make bench` measures these with everything else; `.venv/bin/python -m bench.files` measures only these and
prints them (without touching bench-results.json).
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import statistics
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from bench.serving import PASSWORD, gunicorn

PDF_PAGES = 20
UPLOADS = 5
DECK_SLIDES = 60
CHANGED_SLIDES = (4, 17, 29, 41, 55)


# A 20 MB PDF ------------------------------------------------------------------------------------------------


def photo_pdf(pages: int = PDF_PAGES, seed: int = 1) -> bytes:
    """A scanned brochure of about 20 MB: each page a photo (random pixels, so JPEG can't shrink it and the file
    really is that big), written by Pillow, which embeds the JPEG as it is."""
    from PIL import Image

    rng = random.Random(seed)
    width, height = 1000, 1500
    photos = [Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)) for _ in range(pages)]
    out = io.BytesIO()
    photos[0].save(out, format="PDF", save_all=True, append_images=photos[1:], resolution=120, quality=80)
    return out.getvalue()


def distinct(data: bytes, n: int) -> bytes:
    """The same PDF with a comment after its end, so every upload is a new file (a copy of the newest version
    is refused before it is stored); readers skip it."""
    return data + f"\n%upload {n}\n".encode()


# Posting multipart forms ------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def opener() -> urllib.request.OpenerDirector:
    import http.cookiejar

    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )


def multipart(fields: dict[str, str], filename: str, data: bytes, media_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {media_type}\r\n\r\n".encode()
    )
    return b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_ms(browser, url: str, body: bytes, content_type: str, expect: int) -> float:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    started = time.perf_counter()
    try:
        with browser.open(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as answer:
        answer.read()
        status = answer.code
    elapsed = (time.perf_counter() - started) * 1000
    if status != expect:
        raise RuntimeError(f"POST {url} answered {status}, not {expect}")
    return elapsed


def signed_in(base: str, email: str, password: str):
    browser = opener()
    html = browser.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        browser.open(base + "/login", data=data)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
    return browser


def upload_figures(hello_base: str, wiki_base: str, email: str, password: str, slug: str) -> dict:
    """p50 of POSTing a 20 MB PDF as a new version of a file on a page (content check, the sandboxed reader
    drawing its pages, storing it), and of bare Flask parsing the same multipart body and throwing it away."""
    pdf = photo_pdf()
    bare = opener()
    bare_times = []
    for n in range(UPLOADS + 1):
        body, content_type = multipart({"note": ""}, "brochure.pdf", distinct(pdf, n), "application/pdf")
        bare_times.append(post_ms(bare, hello_base + "/upload", body, content_type, 200))
    browser = signed_in(wiki_base, email, password)
    html = browser.open(f"{wiki_base}/p/{slug}/files").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    wiki_times = []
    for n in range(UPLOADS + 1):
        body, content_type = multipart(
            {"csrf_token": token, "note": f"upload {n}"}, "brochure.pdf", distinct(pdf, n), "application/pdf"
        )
        wiki_times.append(post_ms(browser, f"{wiki_base}/p/{slug}/files", body, content_type, 303))
    # The first of each warms the worker up.
    upload_ms, bare_ms = statistics.median(wiki_times[1:]), statistics.median(bare_times[1:])
    return {
        "upload_20mb_ms": upload_ms,
        "upload_20mb_bare_ms": bare_ms,
        "upload_20mb_to_bare": upload_ms / bare_ms,
        "upload_mb": len(pdf) / 2**20,
    }


# Slide by slide ---------------------------------------------------------------------------------------------


def slide_diff() -> dict:
    """p50 of comparing two 60-slide decks, as read from real .pptx files, where 5 slides changed their text,
    next to one word diff of the same text as a single string (what comparing them as a page would cost)."""
    from tests.files.makers import make_deck, sample_slides
    from wiki.files.changes import compare
    from wiki.files.extract import extract
    from wiki.text.diff import word_diff

    slides = sample_slides(DECK_SLIDES)
    edited = list(slides)
    for number in CHANGED_SLIDES:
        title, body, notes = edited[number - 1]
        edited[number - 1] = (title, body.replace("first", "before anything else") + "\nA new closing line.", notes)
    old = extract("pptx", make_deck(slides)).units
    new = extract("pptx", make_deck(edited)).units
    found = [(change.kind, change.new) for change in compare(old, new)]
    if found != [("changed", number) for number in CHANGED_SLIDES]:
        raise RuntimeError(f"the comparison found {found}, not slides {CHANGED_SLIDES} changed")

    def as_text(units) -> str:
        return "\n\n".join(f"{unit.title}\n{unit.text}\n{unit.notes}" for unit in units)

    old_text, new_text = as_text(old), as_text(new)

    def p50(work) -> float:
        times = []
        for _ in range(15):
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times[3:])

    slide_ms = p50(lambda: compare(old, new))
    text_ms = p50(lambda: word_diff(old_text, new_text))
    return {
        "slide_diff_60_slides_ms": slide_ms,
        "word_diff_60_slides_ms": text_ms,
        "slide_diff_to_word_diff": slide_ms / text_ms,
    }


# Storage ----------------------------------------------------------------------------------------------------


def storage() -> dict:
    """What a few typical uploads add to the `blobs` table (the file and the pictures drawn of its pages), in
    KB, and that a second upload of the same bytes under another name adds nothing."""
    from sqlalchemy import func, select

    from tests.files.makers import make_deck, make_pdf, sample_slides
    from wiki import create_app
    from wiki.extensions import db
    from wiki.models import Blob
    from wiki.services import accounts, file_uploads, pages
    from wiki.services.pages import EditSubmission

    workdir = Path(tempfile.mkdtemp(prefix="council-wiki-files-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'files.sqlite'}", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            user = accounts.create_user(None, "files@example.com", "Files", "council", "bench password 1")
            pages.save_revision(user, EditSubmission("deck", "# Deck\n", "", 0, kind="collateral"))
            page = pages.get_page("deck")

            def stored_kb(name: str, data: bytes) -> float:
                before = db.session.execute(select(func.coalesce(func.sum(Blob.size), 0))).scalar_one()
                file_uploads.upload(user, page, name, data)
                after = db.session.execute(select(func.coalesce(func.sum(Blob.size), 0))).scalar_one()
                return (after - before) / 1024

            dense = [
                "\n".join(f"Line {line} of page {n}: why regional banks choose us." for line in range(40))
                for n in range(1, PDF_PAGES + 1)
            ]
            one_changed = [*dense[:2], dense[2].replace("Line 5 ", "Line five "), *dense[3:]]
            light = [f"Why us, {n}\nThree reasons.\nOne.\nTwo.\nThree." for n in range(1, PDF_PAGES + 1)]
            deck = make_deck(sample_slides(DECK_SLIDES))
            figures = {
                "store_deck_60_slides_kb": stored_kb("deck.pptx", deck),
                "store_same_deck_again_kb": stored_kb("copy-of-deck.pptx", deck),
                "store_pdf_20_dense_pages_kb": stored_kb("dense.pdf", make_pdf(dense)),
                # The next version of the same file: only the changed page's picture is new.
                "store_pdf_one_page_changed_kb": stored_kb("dense.pdf", make_pdf(one_changed)),
                "store_pdf_20_light_pages_kb": stored_kb("light.pdf", make_pdf(light)),
                "store_pdf_20mb_photos_kb": stored_kb("photos.pdf", photo_pdf()),
            }
            db.session.remove()
            db.engine.dispose()
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# Only these figures -----------------------------------------------------------------------------------------


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="council-wiki-bench-files-"))
    try:
        env = {"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}", "SECRET_KEY": "bench-secret"}
        os.environ.update(env)
        from wiki import create_app
        from wiki.extensions import db
        from wiki.services import accounts, pages
        from wiki.services.pages import EditSubmission

        app = create_app()
        with app.app_context():
            db.create_all()
            user = accounts.create_user(None, "bench@example.com", "Bench", "council", PASSWORD)
            pages.save_revision(user, EditSubmission("bench-files", "# Files\n", "", 0, kind="collateral"))
            db.session.remove()
            db.engine.dispose()
        results = {}
        with gunicorn("bench.hello:app", {}) as hello, gunicorn("wsgi:app", env) as wiki:
            results.update(upload_figures(hello, wiki, "bench@example.com", PASSWORD, "bench-files"))
        results.update(slide_diff())
        results.update(storage())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, value in results.items():
        print(f"{name:28} {value:12.3f}")


if __name__ == "__main__":
    main()
