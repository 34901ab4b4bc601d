"""Reps' own versions of a published page: who sees them, editing, bringing in updates, sending changes back."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.factories import make_member, make_page, make_tactic, make_user, make_variant, publish, send_variant_back
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Notification,
    RevisionOrigin,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    Variant,
    VariantRevision,
    utcnow,
)
from wiki.services import pages, summary_content, threads, variants
from wiki.services.pages import EditSubmission

DECK = "# Customer presentation\n\nSlide 1: who we are.\n\nSlide 7: generic pricing.\n\nSlide 9: next steps.\n"


@pytest.fixture
def world(app, people):
    """The deck, published, in a tactic the council member owns; a second rep and a council member who
    owns nothing."""
    with app.app_context():
        lead, council = people["lead"], people["council"]
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan")
        publish(lead, plan, 1)
        deck = make_page(lead, slug="deck", title="Customer presentation", kind="collateral", bodies=(DECK,))
        publish(lead, deck, 1)
        make_member(lead, council)
        make_tactic(lead, plan, "Customer presentation", owner=council, pages=(deck,))
        other = make_user(role="field", name="Olga Other", email="olga@example.com", region="Nordics")
        bystander = make_user(role="council", name="Bea Bystander", email="bea@example.com")
    return {**people, "other": other, "bystander": bystander}


def _variant(app, rep, name="Regional bank, Lyon", *bodies):
    with app.app_context():
        variant = make_variant(rep, pages.get_page("deck"), name, *bodies)
        return variant.id


def _draft(app, author, body, title="Customer presentation"):
    with app.app_context():
        page = pages.get_page("deck")
        pages.save_revision(
            author, EditSubmission(slug="deck", body=body, summary="draft", base_number=page.head_number, title=title)
        )


def _head_body(app, variant_id):
    with app.app_context():
        return variants.head(db.session.get(Variant, variant_id)).body


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


# Making a version ---------------------------------------------------------------------------------


def test_a_rep_makes_a_version_from_the_published_text_never_the_draft(app, world, browser):
    _draft(app, world["council"], DECK.replace("generic pricing", "DRAFT-ONLY pricing"), title="DRAFT-TITLE")
    for role in ("field", "council"):
        person = browser(world[role])
        response = person.post("/p/deck/variants", {"name": f"Bank for {role}"})
        assert response.status_code == 303
        editor = person.get(response.headers["Location"]).get_data(as_text=True)
        assert "Slide 7: generic pricing." in editor
        assert "DRAFT-ONLY" not in editor and "DRAFT-TITLE" not in editor


def test_a_version_needs_a_name_of_at_most_120_characters(world, as_field):
    empty = as_field.post("/p/deck/variants", {"name": "   "})
    assert empty.status_code == 400 and "Name the client or segment" in empty.get_data(as_text=True)
    long = as_field.post("/p/deck/variants", {"name": "x" * 121})
    assert long.status_code == 400 and "at most 120 characters" in long.get_data(as_text=True)
    assert as_field.post("/p/deck/variants", {"name": "x" * 120}).status_code == 303


def test_nobody_makes_a_version_of_an_unpublished_page(app, world, as_field, as_council):
    with app.app_context():
        make_page(world["lead"], slug="unpublished", bodies=("Secret\n",))
    assert as_field.post("/p/unpublished/variants", {"name": "Bank"}).status_code == 404
    assert as_council.post("/p/unpublished/variants", {"name": "Bank"}).status_code == 403


# Who sees a version -------------------------------------------------------------------------------


def test_another_rep_cannot_read_a_version_until_it_is_shared_and_never_edits_it(app, world, browser):
    variant_id = _variant(app, world["field"], "Regional bank, Lyon", DECK.replace("generic", "euro"))
    other = browser(world["other"])
    url = f"/p/deck/variants/{variant_id}"
    missing = other.get("/p/deck/variants/999999")
    hidden = other.get(url)
    assert hidden.status_code == missing.status_code == 404
    # The CSRF token in each page is signed with the time, so it can differ by a second.
    token = re.compile(r'"X-CSRFToken": "[^"]+"|name="csrf_token"[^>]*')
    assert token.sub("", hidden.get_data(as_text=True)) == token.sub("", missing.get_data(as_text=True))
    assert "Regional bank" not in other.get("/p/deck/variants").get_data(as_text=True)

    owner = browser(world["field"])
    assert owner.post(f"{url}/shares", {"person": str(world["other"].id)}).status_code == 303
    shown = other.get(url)
    assert shown.status_code == 200 and "Slide 7: euro pricing." in shown.get_data(as_text=True)
    assert "Regional bank" in other.get("/p/deck/variants").get_data(as_text=True)
    assert other.get(f"{url}/edit").status_code == 403
    assert other.post(f"{url}/edit", {"body": "Mine now", "base_revision": "2"}).status_code == 403
    assert other.post(f"{url}/send", {"hunk": "x"}).status_code == 403
    assert _head_body(app, variant_id) == DECK.replace("generic", "euro")
    with app.app_context():
        notice = db.session.execute(select(Notification).where(Notification.user_id == world["other"].id)).scalar_one()
        assert "shared their version for “Regional bank, Lyon” of “Customer presentation”" in notice.text

    assert owner.post(f"{url}/shares/{world['other'].id}/remove").status_code == 303
    assert other.get(url).status_code == 404


def test_the_tactic_owner_and_the_leads_see_every_version_and_other_council_members_do_not(app, world, browser):
    variant_id = _variant(app, world["field"], "Regional bank, Lyon")
    url = f"/p/deck/variants/{variant_id}"
    for role in ("council", "lead"):
        person = browser(world[role])
        assert person.get(url).status_code == 200
        assert "Regional bank, Lyon" in person.get("/p/deck/variants").get_data(as_text=True)
        assert person.get(f"{url}/edit").status_code == 403
    bystander = browser(world["bystander"])
    assert bystander.get(url).status_code == 404
    assert "Regional bank" not in bystander.get("/p/deck/variants").get_data(as_text=True)


# Editing --------------------------------------------------------------------------------------------


def test_saving_numbers_the_versions_revisions_and_shows_the_word_diff_from_the_published_text(app, world, as_field):
    variant_id = _variant(app, world["field"])
    url = f"/p/deck/variants/{variant_id}"
    saved = as_field.post(f"{url}/edit", {"body": DECK.replace("generic", "euro"), "base_revision": "1"})
    assert saved.status_code == 303
    page = as_field.get(url).get_data(as_text=True)
    assert "<del>generic</del><ins>euro</ins>" in page.replace("\n", "")
    assert "#2" in page and "based on revision 1 of the original" in page
    with app.app_context():
        numbers = db.session.execute(
            select(VariantRevision.number).where(VariantRevision.variant_id == variant_id)
        ).scalars()
        assert list(numbers) == [1, 2]
        assert pages.get_page("deck").head.body == DECK, "the original is untouched"


def test_saving_from_a_stale_window_merges_or_answers_409_with_my_text_kept(app, world, as_field):
    variant_id = _variant(app, world["field"])
    url = f"/p/deck/variants/{variant_id}/edit"
    as_field.post(url, {"body": DECK.replace("who we are", "who we are for banks"), "base_revision": "1"})
    merged = as_field.post(url, {"body": DECK.replace("next steps", "a pilot"), "base_revision": "1"})
    assert merged.status_code == 303
    assert _head_body(app, variant_id) == DECK.replace("who we are", "who we are for banks").replace(
        "next steps", "a pilot"
    )
    mine = DECK.replace("who we are", "who we are, in Lyon")
    conflict = as_field.post(url, {"body": mine, "base_revision": "1"})
    body = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "who we are, in Lyon" in body and 'name="base_revision" value="3"' in body


def test_bad_edits_are_refused_with_the_right_status(app, world, as_field):
    variant_id = _variant(app, world["field"])
    url = f"/p/deck/variants/{variant_id}/edit"
    too_big = as_field.post(url, {"body": "x" * (app.config["MAX_PAGE_BYTES"] + 1), "base_revision": "1"})
    assert too_big.status_code == 413
    assert as_field.post(url, {"body": "x", "base_revision": "7"}).status_code == 400
    assert as_field.post(url, {"body": "x", "base_revision": "one"}).status_code == 400
    assert as_field.post(url, {"body": "x", "base_revision": "1", "summary": "s" * 301}).status_code == 400
    assert _head_body(app, variant_id) == DECK


# Bringing in a newer published revision -------------------------------------------------------------


def _publish_new(app, world, body):
    _draft(app, world["council"], body)
    with app.app_context():
        page = pages.get_page("deck")
        publish(world["lead"], page, page.head_number)


def test_bring_in_the_update_merges_the_new_published_text_with_my_changes(app, world, as_field):
    variant_id = _variant(app, world["field"], "Bank", DECK.replace("generic", "euro"))
    _publish_new(app, world, DECK.replace("next steps", "next steps and a pilot"))
    page = as_field.get(f"/p/deck/variants/{variant_id}").get_data(as_text=True)
    assert "Revision 2 of “Customer presentation” was published" in page and "Bring in the update" in page
    assert as_field.post(f"/p/deck/variants/{variant_id}/update").status_code == 303
    assert _head_body(app, variant_id) == DECK.replace("generic", "euro").replace(
        "next steps", "next steps and a pilot"
    )
    with app.app_context():
        assert db.session.get(Variant, variant_id).base.number == 2
    assert "Bring in the update" not in as_field.get(f"/p/deck/variants/{variant_id}").get_data(as_text=True)


def test_bring_in_the_update_with_a_conflict_shows_both_sides_and_loses_nothing(app, world, as_field):
    mine = DECK.replace("generic pricing", "pricing in euros")
    variant_id = _variant(app, world["field"], "Bank", mine)
    _publish_new(app, world, DECK.replace("generic pricing", "pricing by segment"))
    conflict = as_field.post(f"/p/deck/variants/{variant_id}/update")
    body = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Slide 7: pricing by segment." in body and "Slide 7: pricing in euros." in body
    assert _head_body(app, variant_id) == mine, "the rep's text is as it was"
    with app.app_context():
        assert db.session.get(Variant, variant_id).base.number == 1

    combined = DECK.replace("generic pricing", "pricing by segment, in euros")
    token = _form_token(body)
    saved = as_field.post(
        f"/p/deck/variants/{variant_id}/edit",
        {"body": combined, "base_revision": "2", "upstream": "2", "csrf_token": token},
    )
    assert saved.status_code == 303
    assert _head_body(app, variant_id) == combined
    with app.app_context():
        assert db.session.get(Variant, variant_id).base.number == 2


# Sending changes back -------------------------------------------------------------------------------


def test_sent_back_changes_become_suggestions_by_the_rep_and_accepting_credits_them(app, world, browser):
    rep, owner = world["field"], world["council"]
    variant_id = _variant(
        app, rep, "Regional bank, Lyon", DECK.replace("generic pricing", "pricing in euros").replace("next", "first")
    )
    person = browser(rep)
    form = person.get(f"/p/deck/variants/{variant_id}/send").get_data(as_text=True)
    keys = re.findall(r'name="hunk" value="([0-9a-f]+)"', form)
    assert len(keys) == 2
    sent = person.post(
        f"/p/deck/variants/{variant_id}/send", {"hunk": keys[0], "reaction": "They want figures in euros"}
    )
    assert sent.status_code == 303
    with app.app_context():
        thread = db.session.execute(select(Thread)).scalar_one()
        assert (thread.kind, thread.author_id, thread.anchor_state) == (
            ThreadKind.SUGGESTION,
            rep.id,
            AnchorState.ANCHORED,
        )
        assert (thread.exact, thread.replacement) == ("Slide 7: generic pricing.", "Slide 7: pricing in euros.")
        note = thread.comments[0].body
        assert "They want figures in euros" in note and f"/p/deck/variants/{variant_id}" in note
        inbox = db.session.execute(select(Notification).where(Notification.user_id == owner.id)).scalar_one()
        assert "Finn Field sent 1 change from their version for “Regional bank, Lyon”" in inbox.text
        revision = threads.accept(owner, thread)
        assert revision.author_id == rep.id and revision.origin == RevisionOrigin.SUGGESTION
        assert revision.summary == "Suggested by Finn Field, accepted by Cora Council"
        assert "Slide 7: pricing in euros." in revision.body
        notice = db.session.execute(select(Notification).where(Notification.user_id == rep.id)).scalar_one()
        assert "Cora Council accepted your suggestion on “Customer presentation”" in notice.text
        assert "revision 2" not in notice.text, "the field never hears of an unpublished revision"
        publish(world["lead"], pages.get_page("deck"), 2)
        gathered = summary_content.gather(utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
        assert [(credit.key, credit.person.id) for credit in gathered.accepted] == [(f"suggestion:{thread.id}", rep.id)]
    shown = person.get(f"/p/deck/variants/{variant_id}").get_data(as_text=True)
    assert "accepted" in shown and "They want figures in euros" in shown


def test_a_sent_change_whose_passage_the_draft_rewrote_goes_as_a_page_comment_quoting_it(app, world, browser):
    rep = world["field"]
    variant_id = _variant(app, rep, "Bank", DECK.replace("generic pricing", "pricing in euros"))
    _draft(app, world["council"], DECK.replace("Slide 7: generic pricing.", "Slide 7: DRAFT rewrite."))
    with app.app_context():
        assert send_variant_back(rep, db.session.get(Variant, variant_id), "Customer liked it") == 1
        thread = db.session.execute(select(Thread)).scalar_one()
        assert (thread.kind, thread.anchor_state) == (ThreadKind.COMMENT, AnchorState.PAGE)
        body = thread.comments[0].body
        assert "> Slide 7: generic pricing." in body and "> Slide 7: pricing in euros." in body
    flashed = browser(rep).get(f"/p/deck/variants/{variant_id}").get_data(as_text=True)
    assert "DRAFT" not in flashed


def test_changes_sent_back_on_a_page_without_an_owner_land_with_the_leads(app, world):
    with app.app_context():
        note = make_page(world["lead"], slug="faq", title="FAQ", kind="note", bodies=("Q1\n\nA1.\n",))
        publish(world["lead"], note, 1)
        variant = make_variant(world["field"], note, "Bank", "Q1\n\nA1, for banks.\n")
        send_variant_back(world["field"], variant)
        to = set(db.session.execute(select(Notification.user_id)).scalars())
        assert to == {world["lead"].id}


def test_the_same_change_cannot_be_sent_twice_and_a_stale_list_is_refused(app, world, as_field):
    variant_id = _variant(app, world["field"], "Bank", DECK.replace("generic", "euro"))
    url = f"/p/deck/variants/{variant_id}/send"
    key = re.findall(r'name="hunk" value="([0-9a-f]+)"', as_field.get(url).get_data(as_text=True))[0]
    assert as_field.post(url, {"hunk": key}).status_code == 303
    assert as_field.post(url, {"hunk": key}).status_code == 409
    assert as_field.post(url, {"hunk": "0123456789abcdef"}).status_code == 409
    assert as_field.post(url, {}).status_code == 400
    assert as_field.post(url, {"hunk": key, "reaction": "r" * 1001}).status_code == 400


def test_a_rejected_change_reaches_the_rep_with_the_published_title_only(app, world):
    rep = world["field"]
    with app.app_context():
        variant = make_variant(rep, pages.get_page("deck"), "Bank", DECK.replace("generic", "euro"))
        send_variant_back(rep, variant)
    _draft(app, world["council"], DECK + "\nMore.\n", title="SECRET-NEW-TITLE")
    with app.app_context():
        thread = db.session.execute(select(Thread)).scalar_one()
        threads.reject(world["council"], thread, "We keep one price list")
        notice = db.session.execute(select(Notification).where(Notification.user_id == rep.id)).scalar_one()
        assert notice.text == "Cora Council rejected your suggestion on “Customer presentation”: We keep one price list"
        assert db.session.get(Thread, thread.id).state == ThreadState.REJECTED


# Divergence -----------------------------------------------------------------------------------------


def test_the_owner_sees_the_versions_grouped_by_the_passage_they_change(app, world, browser):
    euro = DECK.replace("generic pricing", "pricing in euros")
    _variant(app, world["field"], "Regional bank, Lyon", euro)
    second = _variant(app, world["other"], "Insurer, Oslo", DECK.replace("generic pricing", "pricing in NOK"))
    _variant(app, world["other"], "Retail", DECK.replace("who we are", "who we are for retail"))
    with app.app_context():
        send_variant_back(world["other"], db.session.get(Variant, second), "Wanted local currency")
        groups = variants.divergence(world["council"], pages.get_page("deck"))
        assert [(group.count, group.label) for group in groups] == [
            (2, "Slide 7: generic pricing."),
            (1, "Slide 1: who we are."),
        ]
        by_client = {entry.variant.name: entry for entry in groups[0].entries}
        assert by_client["Insurer, Oslo"].reaction == "Wanted local currency"
        assert by_client["Regional bank, Lyon"].reaction == ""
    listing = browser(world["council"]).get("/p/deck/variants").get_data(as_text=True)
    assert "2 versions changed <em>Slide 7: generic pricing.</em>" in listing
    assert "Wanted local currency" in listing and "Olga Other" in listing
    assert "2 reps have their own versions" in browser(world["council"]).get("/p/deck").get_data(as_text=True)
    assert "Where the versions depart" not in browser(world["field"]).get("/p/deck/variants").get_data(as_text=True)
    assert "have their own versions" not in browser(world["bystander"]).get("/p/deck").get_data(as_text=True)


@contextmanager
def _counted(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_list_of_versions_takes_as_many_queries_for_many_versions_as_for_one(app, world, browser):
    """For a rep reading versions shared by many colleagues, and for a lead reading every version grouped."""
    readers = [browser(world["field"]), browser(world["lead"])]

    def shared_version(n: int) -> None:
        with app.app_context():
            colleague = make_user(role="field", name=f"Colleague {n}")
            variant = make_variant(colleague, pages.get_page("deck"), f"Client {n}", DECK.replace("generic", f"€{n}"))
            variants.share(colleague, variant, world["field"].id)

    shared_version(0)
    counts = []
    for reader in readers:
        reader.get("/p/deck/variants")
        with _counted(app) as few:
            assert reader.get("/p/deck/variants").status_code == 200
        counts.append(len(few))
    for n in range(1, 6):
        shared_version(n)
    for reader, before in zip(readers, counts, strict=True):
        with _counted(app) as many:
            body = reader.get("/p/deck/variants").get_data(as_text=True)
        assert "Client 5" in body and len(many) == before


def test_the_dashboard_lists_recent_versions_on_the_pages_staff_answer_for(app, world, browser):
    _variant(app, world["field"], "Regional bank, Lyon")
    assert "Regional bank, Lyon" in browser(world["council"]).get("/").get_data(as_text=True)
    assert "Regional bank, Lyon" in browser(world["lead"]).get("/").get_data(as_text=True)
    assert "Regional bank, Lyon" not in browser(world["bystander"]).get("/").get_data(as_text=True)


def test_the_demo_has_three_reps_versions_of_the_customer_presentation_and_one_sent_back(app):
    assert app.test_cli_runner().invoke(args=["demo", "--if-empty"]).exit_code == 0
    with app.app_context():
        page = pages.get_page("customer-presentation")
        lead = db.session.execute(select(User).where(User.email == "maya.chen@example.com")).scalar_one()
        groups = variants.divergence(lead, page)
        assert (groups[0].count, groups[0].label) == (
            2,
            "First product live in 7–9 months; typical programme 24 months.",
        )
        sent = [entry for group in groups for entry in group.entries if entry.reaction]
        assert [entry.variant.name for entry in sent] == ["Small insurer, Porto"]
        suggestion = db.session.execute(select(Thread).where(Thread.kind == ThreadKind.SUGGESTION)).scalars().all()
        assert any(thread.author.name == "Isabel Costa" for thread in suggestion)


# Renaming and deleting ------------------------------------------------------------------------------


def test_the_author_renames_their_version_and_nobody_else_can(app, world, browser):
    variant_id = _variant(app, world["field"], "Regional bank, Lyon")
    url = f"/p/deck/variants/{variant_id}"
    rep = browser(world["field"])
    assert rep.post(f"{url}/shares", {"person": str(world["other"].id)}).status_code == 303
    assert 'value="Regional bank, Lyon"' in rep.get(url).get_data(as_text=True)
    assert rep.post(f"{url}/rename", {"name": "  Mutual   bank, Lyon "}).status_code == 303
    assert "Your version for “Mutual bank, Lyon”" in rep.get(url).get_data(as_text=True)
    assert "Mutual bank, Lyon" in browser(world["council"]).get("/p/deck/variants").get_data(as_text=True)
    empty = rep.post(f"{url}/rename", {"name": " "})
    assert empty.status_code == 400 and "Name the client or segment" in empty.get_data(as_text=True)
    for person in (world["other"], world["lead"]):
        assert browser(person).post(f"{url}/rename", {"name": "Theirs"}).status_code == 403
    assert browser(world["bystander"]).post(f"{url}/rename", {"name": "Theirs"}).status_code == 404
    with app.app_context():
        assert db.session.get(Variant, variant_id).name == "Mutual bank, Lyon"


def test_deleting_a_version_asks_first_and_keeps_what_it_sent_back_whose_link_then_says_removed(app, world, browser):
    variant_id = _variant(app, world["field"], "Regional bank, Lyon", DECK.replace("generic", "euro"))
    url = f"/p/deck/variants/{variant_id}"
    rep = browser(world["field"])
    rep.post(f"{url}/shares", {"person": str(world["other"].id)})
    with app.app_context():
        send_variant_back(world["field"], db.session.get(Variant, variant_id), "Liked euros", link=url)
    confirm = rep.get(f"{url}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete your version for “Regional bank, Lyon”?" in page
    assert "its 2 revisions go for good" in page and "The 1 colleague you shared it with" in page
    assert "The 1 change you sent back stays on “Customer presentation” as suggestions" in page
    with app.app_context():
        assert db.session.get(Variant, variant_id) is not None, "opening the confirmation deletes nothing"

    deleted = rep.post(f"{url}/delete")
    assert deleted.status_code == 303 and deleted.headers["Location"].endswith("/p/deck/variants")
    listing = rep.get("/p/deck/variants").get_data(as_text=True)
    assert "Your version for “Regional bank, Lyon” is deleted." in listing and f'href="{url}"' not in listing
    with app.app_context():
        assert db.session.get(Variant, variant_id) is None
        left = db.session.execute(select(VariantRevision).where(VariantRevision.variant_id == variant_id))
        assert left.first() is None
        thread = db.session.execute(select(Thread)).scalar_one()
        assert thread.kind == ThreadKind.SUGGESTION and thread.state == ThreadState.OPEN
        assert url in thread.comments[0].body
    # The suggestion's link, followed by the owner who decides it, says what happened.
    for person, who in ((world["council"], "Its author"), (world["bystander"], "Its author"), (world["field"], "You")):
        gone = browser(person).get(url)
        assert gone.status_code == 410, person.email
        assert f"{who} removed this version on" in gone.get_data(as_text=True)
        assert "stay on the page as suggestions" in gone.get_data(as_text=True)
    # A colleague it was shared with, and any other rep, meet a version that doesn't exist.
    assert browser(world["other"]).get(url).status_code == 404
    assert rep.get(f"{url}/edit").status_code == 404 and rep.post(f"{url}/delete").status_code == 404
    assert "Slide 7: euro pricing." in browser(world["council"]).get("/p/deck").get_data(as_text=True)


def test_a_removed_versions_number_is_never_given_to_a_new_version(app, world, as_field):
    removed = _variant(app, world["field"], "Regional bank, Lyon")
    assert as_field.post(f"/p/deck/variants/{removed}/delete").status_code == 303
    made = as_field.post("/p/deck/variants", {"name": "Insurer, Porto"})
    assert not made.headers["Location"].startswith(f"/p/deck/variants/{removed}/")
    assert as_field.get(f"/p/deck/variants/{removed}").status_code == 410


def test_only_the_author_deletes_their_version(app, world, browser):
    variant_id = _variant(app, world["field"])
    url = f"/p/deck/variants/{variant_id}"
    browser(world["field"]).post(f"{url}/shares", {"person": str(world["other"].id)})
    for person in (world["other"], world["lead"], world["council"]):
        assert browser(person).get(f"{url}/delete").status_code == 403
        assert browser(person).post(f"{url}/delete").status_code == 403
        assert "Delete this version" not in browser(person).get(url).get_data(as_text=True)
    assert browser(world["bystander"]).post(f"{url}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Variant, variant_id) is not None


# Old revisions ------------------------------------------------------------------------------------


def test_an_old_revision_of_a_version_reads_with_its_diff_and_the_history_links_every_revision(app, world, browser):
    variant_id = _variant(
        app, world["field"], "Bank", DECK.replace("generic", "euro"), DECK.replace("generic", "euro, by segment")
    )
    url = f"/p/deck/variants/{variant_id}"
    browser(world["field"]).post(f"{url}/shares", {"person": str(world["other"].id)})
    for person in (world["field"], world["other"], world["council"]):
        old = browser(person).get(f"{url}?rev=2")
        html = old.get_data(as_text=True)
        assert old.status_code == 200, person.email
        assert "You are reading #2, an older revision of this version." in html
        assert "Slide 7: euro pricing." in html and "by segment" not in html
        assert "<del>generic</del><ins>euro</ins>" in html.replace("\n", "")
        assert f'href="{url}?rev=1">#1</a>' in html and f'href="{url}">#3</a>' in html
        assert '<strong aria-current="page">#2</strong>' in html
    current = browser(world["field"]).get(url).get_data(as_text=True)
    assert "an older revision" not in current and "euro, by segment" in current
    assert f'href="{url}?rev=2">#2</a>' in current and '<strong aria-current="page">#3</strong>' in current
    assert "an older revision" not in browser(world["field"]).get(f"{url}?rev=3").get_data(as_text=True)
    first = browser(world["field"]).get(f"{url}?rev=1").get_data(as_text=True)
    assert "Finn Field" in first and "Started from revision 1" in first
    missing = browser(world["field"]).get(f"{url}?rev=9")
    assert missing.status_code == 404 and "This version has no revision #9" in missing.get_data(as_text=True)
    assert browser(world["field"]).get(f"{url}?rev=two").status_code == 400
    assert browser(world["bystander"]).get(f"{url}?rev=1").status_code == 404
