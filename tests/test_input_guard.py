"""Text the wiki can't store faithfully — NUL, bytes that aren't UTF-8 — is refused with a 400 wherever a request
carries it: form field names and values in either encoding, the query string, the path. Nothing is stored.

The routes come from the app's url_map, so a route added later is swept too."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from urllib.parse import quote_from_bytes

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tests.factories import make_member, make_page, make_tactic, publish
from tests.files.makers import make_deck
from tests.files.seed import add_file
from wiki.extensions import db
from wiki.models import Blob, Page, ThreadKind, utcnow
from wiki.services import subscriptions, summaries, threads
from wiki.services.threads import Selection

BOUNDARY = b"guard-boundary"
BAD_VALUES = {"NUL": b"\x00", "UTF-8": b"\xff\xfe"}
# Free text of every form: the bad bytes go in the middle of each, so a route that stores any of them would.
TEXT_FIELDS = (
    "body summary title note reason replacement exact quote prefix name region email password represents "
    "description subject intro current new"
).split()


@pytest.fixture
def world(app, people):
    """Something behind every route: a published plan with a second draft, a comment and a suggestion on it,
    a council seat owning a tactic, a draft summary, an inbox notice."""
    with app.app_context():
        lead, member, rep = people["lead"], people["council"], people["field"]
        head = "# Plan\n\nFirst words, then more.\n"
        plan = make_page(lead, bodies=("# Plan\n\nFirst words.\n", head))
        start = head.index("First words")
        publish(lead, plan, 1)
        seat = make_member(lead, member)
        tactic = make_tactic(lead, plan, owner=member)
        comment_thread = threads.start_thread(member, plan, 2, "Is this right?", Selection(quote="First words"))
        threads.reply(lead, comment_thread, "I think so.")
        suggestion = threads.suggest(member, plan, 2, start, start + 11, "First words", "Our first words")
        draft = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())
        comment_id = threads.get_thread(comment_thread.id).comments[0].id
        values = {
            "slug": "fy27-plan",
            "thread_id": comment_thread.id,
            "comment_id": comment_id,
            "member_id": seat.id,
            "summary_id": draft.id,
            "tactic_id": tactic.id,
            "user_id": rep.id,
            "token": subscriptions.unsubscribe_token(rep.id),
        }
        assert threads.get_thread(suggestion.id).kind == ThreadKind.SUGGESTION
        ordinary = {
            "base_revision": "2",
            "rev": "2",
            "start": str(start),
            "end": str(start + 11),
            "line": "3",
            "kind": "plan",
            "role": "field",
            "active": "y",
            "person_id": str(rep.id),
            "term_start": date.today().isoformat(),
            "cadence_days": "14",
            "status": "active",
            "would_share": "no",
            "summary_emails": "y",
            "audience": "field",
            "then": "preview",
        }
        return {"values": values, "ordinary": ordinary}


def url_for_rule(rule, values: dict) -> str:
    """The rule's path with real ids; an argument no test knows yet gets 1 (an int) or the plan's slug."""
    arguments = {
        name: values.get(name, 1 if isinstance(converter, IntegerConverter) else "fy27-plan")
        for name, converter in rule._converters.items()
    }
    return rule.build(arguments, append_unknown=False)[1]


def post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda rule: rule.rule)


def get_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


def forms_with(bad: bytes, token: str, ordinary: dict) -> dict[str, list[tuple[bytes, bytes]]]:
    """The same form spoiled two ways: in every free-text value, and in a field's name."""
    good = [(b"csrf_token", token.encode())] + [(k.encode(), v.encode()) for k, v in ordinary.items()]
    texts = [(name.encode(), b"Fine words " + bad + b" here") for name in TEXT_FIELDS]
    plain = [(name.encode(), b"Fine words here") for name in TEXT_FIELDS]
    return {
        "in values": good + texts,
        "in a field name": good + plain + [(b"note" + bad, b"x")],
    }


def urlencoded(fields: list[tuple[bytes, bytes]]) -> bytes:
    return "&".join(f"{quote_from_bytes(name)}={quote_from_bytes(value)}" for name, value in fields).encode()


def multipart(fields: list[tuple[bytes, bytes]], files: list[tuple[bytes, bytes, bytes]] = ()) -> bytes:
    parts = [b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value for name, value in fields]
    parts += [
        b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content
        for name, filename, content in files
    ]
    return b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + BOUNDARY + b"--\r\n"


ENCODINGS = {
    "urlencoded": (urlencoded, "application/x-www-form-urlencoded"),
    "multipart": (multipart, "multipart/form-data; boundary=" + BOUNDARY.decode()),
}


def stored() -> dict[str, list[tuple]]:
    """Every row of every table, in key order: what a refused request must leave exactly as it was."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(query)]
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@pytest.mark.parametrize("role", ["lead", "field"])
def test_every_post_route_refuses_nul_and_invalid_utf8_in_either_encoding_and_stores_nothing(
    app, people, world, browser, role
):
    person = browser(people[role])
    token = person.csrf_token("/")
    with app.app_context():
        before = stored()
    rules = post_rules(app)
    assert len(rules) > 30, "the url_map should list every POST route"
    for rule in rules:
        url = url_for_rule(rule, world["values"])
        for problem, bad in BAD_VALUES.items():
            for where, fields in forms_with(bad, token, world["ordinary"]).items():
                for encoding, (encode, content_type) in ENCODINGS.items():
                    response = person.client.post(url, data=encode(fields), content_type=content_type)
                    case = (rule.rule, problem, where, encoding)
                    assert response.status_code == 400, (case, response.status_code)
                    assert problem in response.get_data(as_text=True), case
        with app.app_context():
            after = stored()
        assert changed_tables(before, after) == [], rule.rule


@pytest.mark.parametrize("problem", BAD_VALUES)
def test_every_get_route_refuses_nul_and_invalid_utf8_in_the_query_string(app, people, world, as_lead, problem):
    bad = quote_from_bytes(BAD_VALUES[problem])
    with app.app_context():
        before = stored()
    for rule in get_rules(app):
        url = url_for_rule(rule, world["values"])
        for query in (f"q=a{bad}b", f"rev=1&{bad}=1"):
            response = as_lead.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query, response.status_code)
            assert problem in response.get_data(as_text=True), (url, query)
    with app.app_context():
        assert changed_tables(before, stored()) == []


@pytest.mark.parametrize("path", ["/p/fy27%FFplan", "/p/fy27%00plan", "/review/%C3", "/unsubscribe/a%00b"])
def test_a_path_with_nul_or_invalid_utf8_answers_400(world, as_lead, path):
    response = as_lead.get(path)
    assert response.status_code == 400
    assert "The address contained" in response.get_data(as_text=True)


def test_a_files_binary_content_is_not_taken_for_text(app, world, as_council):
    """Slides and PDFs are bytes: only the names around them are text."""
    token = as_council.csrf_token("/")
    fields = [(b"csrf_token", token.encode()), (b"body", "Caf\u00e9 *ok*".encode())]
    files = [(b"file", "d\u00e9ck.pdf".encode(), b"%PDF-1.7\x00\xff\xfe\x00binary")]
    response = as_council.client.post(
        "/p/fy27-plan/preview", data=multipart(fields, files), content_type=ENCODINGS["multipart"][1]
    )
    assert response.status_code == 200
    assert "Café" in response.get_data(as_text=True)
    named = as_council.client.post(
        "/p/fy27-plan/preview",
        data=multipart(fields, [(b"file", b"deck\x00.pdf", b"%PDF")]),
        content_type=ENCODINGS["multipart"][1],
    )
    assert named.status_code == 400 and "NUL" in named.get_data(as_text=True)


def upload_rules(app):
    """The routes whose form carries a file (marked with wiki.web.accepts_upload), found in the url_map."""
    return [rule for rule in post_rules(app) if getattr(app.view_functions[rule.endpoint], "accepts_upload", False)]


@pytest.mark.parametrize("problem", BAD_VALUES)
def test_an_upload_is_refused_for_bad_text_around_the_file_never_for_the_file_itself(
    app, people, world, as_council, problem
):
    """Files on pages (issue 11): the note, the field names and the file's name are text; a deck is bytes."""
    with app.app_context():
        add_file(people["council"], "fy27-plan", "deck.pptx", make_deck([("One", "First words", "")]))
    rules = upload_rules(app)
    assert len(rules) >= 2, "the upload form and the new-version form both carry a file"
    bad, token = BAD_VALUES[problem], as_council.csrf_token("/")
    fields = [(b"csrf_token", token.encode()), (b"note", b"Fine words here")]
    for index, rule in enumerate(rules):
        url = url_for_rule(rule, {**world["values"], "name": "deck.pptx"})
        deck = make_deck([("One", f"Upload {index}", "")])
        assert b"\x00" in deck, "a deck is binary, NUL bytes and all"
        spoiled = {
            "in the note": ([fields[0], (b"note", b"Fine " + bad + b" words")], [(b"file", b"deck.pptx", deck)]),
            "in a field name": ([*fields, (b"note" + bad, b"x")], [(b"file", b"deck.pptx", deck)]),
            "in the file name": (fields, [(b"file", b"deck" + bad + b".pptx", deck)]),
            "in the file's field name": (fields, [(b"file" + bad, b"deck.pptx", deck)]),
        }
        with app.app_context():
            before = stored()
        for where, (form, files) in spoiled.items():
            response = as_council.client.post(url, data=multipart(form, files), content_type=ENCODINGS["multipart"][1])
            assert response.status_code == 400, (rule.rule, where, response.status_code)
            assert problem in response.get_data(as_text=True), (rule.rule, where)
        with app.app_context():
            assert changed_tables(before, stored()) == [], rule.rule
        if rule.endpoint == "transfer.import_upload":
            continue  # lead-only, and it keeps pages rather than files (tests/test_export_import.py)
        kept = as_council.client.post(
            url,
            data=multipart(fields, [(b"file", "d\u00e9ck.pptx".encode(), deck)]),
            content_type=ENCODINGS["multipart"][1],
        )
        assert kept.status_code == 303, (rule.rule, kept.get_data(as_text=True)[:500])
        with app.app_context():
            assert db.session.get(Blob, hashlib.sha256(deck).hexdigest()) is not None, rule.rule


def test_anonymous_sign_in_with_a_nul_in_a_multipart_email_answers_400_and_counts_no_failure(app, world, browser):
    stranger = browser()
    with app.app_context():
        before = stored()
    token = stranger.csrf_token("/login")
    fields = [(b"csrf_token", token.encode()), (b"email", b"lead@example.com\x00"), (b"password", b"x" * 12)]
    response = stranger.client.post("/login", data=multipart(fields), content_type=ENCODINGS["multipart"][1])
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    with app.app_context():
        assert changed_tables(before, stored()) == []


def test_a_multipart_page_edit_with_invalid_utf8_is_refused_not_saved_with_replacement_characters(
    app, world, as_council
):
    token = as_council.csrf_token("/")
    fields = [(b"csrf_token", token.encode()), (b"body", b"Prices \xe9 here\n"), (b"base_revision", b"2")]
    response = as_council.client.post(
        "/p/fy27-plan/edit", data=multipart(fields), content_type=ENCODINGS["multipart"][1]
    )
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Page).where(Page.slug == "fy27-plan")).scalar_one().head_number == 2


def test_an_id_past_64_bits_answers_404_on_every_route(app, world, as_lead):
    """SQLite can't even compare such a number with an id (OverflowError)."""
    number = 10**20
    token = as_lead.csrf_token("/")
    rules = [rule for rule in app.url_map.iter_rules() if "int" in rule.rule]
    assert len(rules) > 15
    for rule in rules:
        values = {**world["values"], **{name: number for name in rule.arguments}}
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = as_lead.client.open(url, method=method, data={"csrf_token": token})
            # Werkzeug answers 405 when a GET route on the same path would have matched the method.
            assert response.status_code in (404, 405), (method, url, response.status_code)
