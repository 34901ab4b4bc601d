"""Comments and suggestions: anchoring through edits, decisions, permissions, and the inbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import make_page, make_user
from wiki.errors import BadInput, Conflict, NotAllowed
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Comment,
    Notification,
    NotificationKind,
    Revision,
    RevisionOrigin,
    Thread,
    ThreadState,
)
from wiki.services import accounts, pages, threads
from wiki.services.pages import EditSubmission
from wiki.services.threads import Selection

PLAN = (
    "# FY27 plan\n\n"
    "## Segments\n\n"
    "Regional banks remain the heart of the plan: they have the oldest cores.\n\n"
    "## Value proposition\n\n"
    "Northwind lets a mid-sized institution move off its legacy core in phases.\n\n"
    "## Tactics\n\n"
    "- A customer presentation focused on **phased modernisation**.\n"
    "- A direct-marketing email to heads of operations.\n"
)


@pytest.fixture
def plan(app, people):
    with app.app_context():
        return make_page(people["council"], slug="fy27-plan", bodies=(PLAN,))


def edit(user, body, summary="edit"):
    page = pages.get_page("fy27-plan")
    return pages.save_revision(user, EditSubmission("fy27-plan", body, summary, page.head_number))


def head_body():
    return pages.get_page("fy27-plan").head.body


def comment_on(user, quote, line, body="A comment"):
    return threads.start_thread(
        user,
        pages.get_page("fy27-plan"),
        pages.get_page("fy27-plan").head_number,
        body,
        Selection(quote=quote, line=line),
    )


def suggestion(user, exact, replacement):
    page = pages.get_page("fy27-plan")
    start = page.head.body.index(exact)
    return threads.suggest(user, page, page.head_number, start, start + len(exact), exact, replacement)


def test_comment_is_anchored_to_the_markdown_source_of_the_selection(app, people, plan):
    with app.app_context():
        thread = comment_on(people["council"], "customer presentation focused on phased modernisation", 11)
        assert thread.exact == "customer presentation focused on **phased modernisation"
        assert thread.anchor_state == AnchorState.ANCHORED and thread.anchored_number == 1


def test_comment_follows_its_passage_when_other_paragraphs_change(app, people, plan):
    with app.app_context():
        thread = comment_on(people["council"], "they have the oldest cores", 4)
        edit(people["lead"], "Intro paragraph added by a lead.\n\n" + PLAN.replace("in phases", "step by step"))
        thread = db.session.get(Thread, thread.id)
        assert thread.anchor_state == AnchorState.ANCHORED
        assert thread.anchored_number == 2
        body = head_body()
        assert body[thread.start : thread.start + len(thread.exact)] == "they have the oldest cores"


def test_comment_whose_passage_is_deleted_is_orphaned_not_dropped(app, people, plan):
    with app.app_context():
        thread = comment_on(people["council"], "they have the oldest cores", 4)
        edit(
            people["lead"],
            PLAN.replace("Regional banks remain the heart of the plan: they have the oldest cores.\n\n", ""),
        )
        thread = db.session.get(Thread, thread.id)
        assert thread.anchor_state == AnchorState.ORPHANED
        assert thread.original_exact == "they have the oldest cores"
        listed = threads.page_threads(people["council"], pages.get_page("fy27-plan"))
        assert [t.id for t in listed.orphaned] == [thread.id]


def test_comment_on_an_old_revision_is_anchored_on_the_head(app, people, plan):
    with app.app_context():
        edit(people["lead"], "New opening.\n\n" + PLAN)
        page = pages.get_page("fy27-plan")
        thread = threads.start_thread(
            people["council"], page, 1, "On the old text", Selection("the oldest cores", line=4)
        )
        assert thread.origin_number == 1 and thread.anchored_number == 2
        assert head_body()[thread.start : thread.start + len(thread.exact)] == "the oldest cores"


def test_whole_page_comment_and_replies_with_resolve_and_reopen(app, people, plan):
    with app.app_context():
        page = pages.get_page("fy27-plan")
        thread = threads.start_thread(people["council"], page, 1, "Overall: too long", None)
        assert thread.anchor_state == AnchorState.PAGE
        threads.reply(people["lead"], thread, "Agreed, let's cut section 3")
        threads.set_resolved(people["lead"], thread, True)
        assert db.session.get(Thread, thread.id).state == ThreadState.RESOLVED
        threads.set_resolved(people["council"], thread, False)
        assert db.session.get(Thread, thread.id).state == ThreadState.OPEN
        assert [c.body for c in db.session.get(Thread, thread.id).comments] == [
            "Overall: too long",
            "Agreed, let's cut section 3",
        ]


def test_deleted_comment_shows_as_deleted_and_replies_stay(app, people, plan, as_council):
    with app.app_context():
        thread = threads.start_thread(people["council"], pages.get_page("fy27-plan"), 1, "Original words", None)
        first = db.session.get(Thread, thread.id).comments[0]
        threads.reply(people["lead"], thread, "A reply that stays")
        threads.delete_comment(people["council"], first)
    html = as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "This comment was deleted." in html and "A reply that stays" in html and "Original words" not in html


def test_nobody_edits_or_deletes_another_persons_comment(app, people, plan):
    with app.app_context():
        thread = threads.start_thread(people["council"], pages.get_page("fy27-plan"), 1, "Mine", None)
        comment = db.session.get(Thread, thread.id).comments[0]
        with pytest.raises(NotAllowed):
            threads.edit_comment(people["lead"], comment, "Rewritten by the lead")
        with pytest.raises(NotAllowed):
            threads.delete_comment(people["lead"], comment)
        threads.edit_comment(people["council"], comment, "Mine, clarified")
        assert db.session.get(Thread, thread.id).comments[0].body == "Mine, clarified"


def test_field_users_cannot_comment_or_suggest_on_drafts(app, people, plan, as_field):
    with app.app_context():
        with pytest.raises(NotAllowed):
            threads.start_thread(people["field"], pages.get_page("fy27-plan"), 1, "Hi", None)
        with pytest.raises(NotAllowed):
            suggestion(people["field"], "oldest cores", "newest cores")
    # The plan was never published, so for the field it doesn't exist at all.
    assert as_field.post("/p/fy27-plan/threads", {"body": "hi", "rev": "1"}).status_code == 404


def test_accepting_a_suggestion_after_another_paragraph_changed_applies_cleanly(app, people, plan):
    with app.app_context():
        owner, suggester = people["council"], make_user(role="council", name="Sofia Lindqvist", region="EMEA")
        thread = suggestion(suggester, "in phases", "in phases, one product line at a time")
        edit(people["lead"], PLAN.replace("the oldest cores", "the oldest and costliest cores"))
        revision = threads.accept(owner, db.session.get(Thread, thread.id))
        body = head_body()
        assert "one product line at a time" in body and "oldest and costliest cores" in body
        assert revision.author_id == suggester.id and revision.accepted_by_id == owner.id
        assert revision.origin == RevisionOrigin.SUGGESTION
        assert revision.summary == f"Suggested by Sofia Lindqvist, accepted by {owner.name}"
        assert db.session.get(Thread, thread.id).state == ThreadState.ACCEPTED


def test_accepting_after_the_same_sentence_was_rewritten_reports_stale_and_changes_nothing(app, people, plan):
    with app.app_context():
        thread = suggestion(people["lead"], "move off its legacy core in phases", "replace its core gradually")
        edit(
            people["lead"],
            PLAN.replace(
                "Northwind lets a mid-sized institution move off its legacy core in phases.",
                "We help banks modernise without a big-bang cutover weekend.",
            ),
        )
        before = head_body()
        head_number = pages.get_page("fy27-plan").head_number
        with pytest.raises(Conflict, match="stale"):
            threads.accept(people["council"], db.session.get(Thread, thread.id))
        assert head_body() == before and pages.get_page("fy27-plan").head_number == head_number
        assert db.session.get(Thread, thread.id).anchor_state == AnchorState.STALE


def test_a_stale_suggestion_can_be_refreshed_by_its_author(app, people, plan):
    with app.app_context():
        author = make_user(role="council")
        thread = suggestion(author, "they have the oldest cores", "their cores are the oldest")
        edit(people["lead"], PLAN.replace("they have the oldest cores", "they have the oldest core systems"))
        thread = db.session.get(Thread, thread.id)
        assert thread.anchor_state == AnchorState.STALE
        assert thread.exact == "they have the oldest core systems"
        with pytest.raises(NotAllowed):
            threads.refresh(people["lead"], thread, "x")
        threads.refresh(author, thread, "their core systems are the oldest")
        threads.accept(people["lead"], db.session.get(Thread, thread.id))
        assert "their core systems are the oldest" in head_body()


def test_council_member_cannot_accept_suggestions_on_a_page_they_dont_own(app, people, plan):
    with app.app_context():
        other = make_user(role="council")
        thread = suggestion(people["lead"], "oldest cores", "oldest core systems")
        with pytest.raises(NotAllowed):
            threads.accept(other, db.session.get(Thread, thread.id))
        with pytest.raises(NotAllowed):
            threads.reject(other, db.session.get(Thread, thread.id), "no")


def test_rejecting_needs_a_reason_and_tells_the_suggester(app, people, plan):
    with app.app_context():
        author = make_user(role="council")
        thread = suggestion(author, "oldest cores", "ancient cores")
        with pytest.raises(BadInput, match="Say why"):
            threads.reject(people["lead"], db.session.get(Thread, thread.id), "  ")
        threads.reject(people["lead"], db.session.get(Thread, thread.id), "Too informal for bank CIOs")
        thread = db.session.get(Thread, thread.id)
        assert thread.state == ThreadState.REJECTED and thread.decision_reason == "Too informal for bank CIOs"
        notes = db.session.execute(select(Notification).where(Notification.user_id == author.id)).scalars().all()
        assert any("rejected" in n.text for n in notes)


def test_inbox_collects_mentions_replies_decisions_and_suggestions(app, people, plan, browser):
    with app.app_context():
        owner = people["council"]
        tom = make_user(role="council", name="Tom Becker", email="tom.becker@example.com")
        page = pages.get_page("fy27-plan")
        thread = threads.start_thread(tom, page, 1, "Slide 7 is generic", None)
        threads.reply(people["lead"], thread, "Agreed; @council can you fix it?")
        suggestion(tom, "oldest cores", "oldest core systems")
    reader = browser(people["council"])
    html = reader.get("/inbox").get_data(as_text=True)
    assert "mentioned you" in html and "suggested an edit" in html
    assert 'aria-label="Inbox, 2 unread"' in reader.get("/").get_data(as_text=True)
    tom_view = browser(tom).get("/inbox").get_data(as_text=True)
    assert "replied in a thread" in tom_view
    reader.post("/inbox/read", {})
    assert "unread" not in reader.get("/").get_data(as_text=True).split("<main")[0]
    with app.app_context():
        read = db.session.execute(select(Notification.read_at).where(Notification.user_id == owner.id)).scalars()
        assert [read_at is not None for read_at in read] == [True, True]


def test_mentions_autocomplete_lists_council_and_leads_only(app, people, plan, as_council):
    data = as_council.get("/people/mentions?q=l").get_json()
    handles = {person["handle"] for person in data}
    assert "lead" in handles and "field" not in handles


def test_thread_actions_answer_htmx_with_the_changed_fragment(app, people, plan, as_council):
    headers = {"HX-Request": "true", "HX-Request-Type": "partial"}
    response = as_council.post(
        "/p/fy27-plan/threads",
        {"body": "Is 'oldest' fair?", "rev": "1", "quote": "the oldest cores", "line": "5", "prefix": "they have "},
        headers=headers,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="threads"') and 'data-quote="the oldest cores"' in html
    with app.app_context():
        thread_id = db.session.execute(select(Thread.id)).scalar_one()
    reply = as_council.post(f"/threads/{thread_id}/replies", {"body": "Yes"}, headers=headers)
    assert reply.get_data(as_text=True).lstrip().startswith(f'<li id="thread-{thread_id}"')
    plain = as_council.post(f"/threads/{thread_id}/resolve", {})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#thread-{thread_id}")


def test_suggestion_form_shows_the_markdown_source_of_the_selection(app, people, plan, as_council):
    html = as_council.get(
        "/p/fy27-plan/suggest?rev=1&line=11&quote=customer+presentation+focused+on+phased+modernisation"
    ).get_data(as_text=True)
    assert "customer presentation focused on **phased modernisation" in html


def test_accept_over_http_credits_the_suggester_in_history(app, people, plan, as_council):
    with app.app_context():
        author = make_user(role="council", name="Kenji Watanabe")
        thread_id = suggestion(author, "heads of operations", "heads of operations and CROs").id
    response = as_council.post(f"/threads/{thread_id}/accept", {})
    assert response.status_code == 303
    history = as_council.get("/p/fy27-plan/history").get_data(as_text=True)
    assert "Suggested by Kenji Watanabe, accepted by Cora Council" in history
    with app.app_context():
        head = db.session.execute(select(Revision).order_by(Revision.number.desc())).scalars().first()
        assert head.author_id == author.id


def test_the_kept_margin_shows_every_change_to_the_discussion(app, people, as_council):
    with app.app_context():
        page = make_page(people["council"], bodies=("# Plan\n\nOne.\n",))
        thread_id = threads.start_thread(people["lead"], page, 1, "First remark.", None).id
    assert "First remark." in as_council.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        threads.reply(people["lead"], threads.get_thread(thread_id), "A later reply.")
    assert "A later reply." in as_council.get("/p/fy27-plan").get_data(as_text=True)


def test_a_kept_margin_is_never_served_with_another_sessions_csrf_token(app, people, browser):
    with app.app_context():
        page = make_page(people["council"], bodies=("# Plan\n\nOne.\n",))
        threads.start_thread(people["lead"], page, 1, "A remark.", None)
    first, second = browser(people["council"]), browser(people["council"])
    first.get("/p/fy27-plan")
    html = second.get("/p/fy27-plan").get_data(as_text=True)
    reply_form = re.search(r'<form method="post" action="/threads/1/replies".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply_form).group(1)
    response = second.post("/threads/1/replies", {"body": "From the second tab", "csrf_token": token})
    assert response.status_code == 303


# Mentions at scale, and the words of someone who left the council ----------------------------------------------


def test_a_comment_full_of_handles_that_name_nobody_posts_and_tells_the_people_it_does_name(
    app, people, plan, as_council
):
    """As many distinct @handles as a comment holds (1,236 of one or two characters), one of them a lead's."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    handles = list(alphabet) + [first + second for first in alphabet for second in alphabet][:1200]
    body = " ".join(f"@{handle}" for handle in handles) + " @lead"
    assert len(body) <= threads.MAX_COMMENT and len(set(threads.MENTION.findall(body))) == 1237
    response = as_council.post("/p/fy27-plan/threads", {"rev": "1", "body": body})
    assert response.status_code == 303
    with app.app_context():
        mentions = select(Notification.user_id).where(Notification.kind == NotificationKind.MENTION)
        mentioned = db.session.execute(mentions).scalars()
        assert list(mentioned) == [people["lead"].id]


def test_one_comment_can_notify_at_most_max_mentions_people_and_says_so(app, people, plan, as_council, monkeypatch):
    monkeypatch.setattr(threads, "MAX_MENTIONS", 2)
    with app.app_context():
        for name in ("Ada", "Bo"):
            make_user(role="council", name=name, email=f"{name.lower()}@example.com")
    response = as_council.post("/p/fy27-plan/threads", {"rev": "1", "body": "@lead @ada @bo please look"})
    assert response.status_code == 400
    assert "A comment can mention at most 2 people; this one mentions 3." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Thread)).first() is None
        assert db.session.execute(select(Notification)).first() is None


@pytest.fixture
def words_of_cora(app, people, plan):
    """Cora (council) wrote a comment and an open suggestion."""
    with app.app_context():
        thread = comment_on(people["council"], "oldest cores", 4, "Which banks exactly?")
        proposal = suggestion(people["council"], "oldest cores", "most dated cores")
        comment_id = db.session.get(Thread, thread.id).comments[0].id
        return {"comment_id": comment_id, "suggestion_id": proposal.id}


@pytest.mark.parametrize(("new_role", "allowed"), [("field", False), ("council", True), ("lead", True)])
def test_an_author_changes_their_words_only_while_council_or_lead(
    app, people, words_of_cora, browser, new_role, allowed
):
    with app.app_context():
        accounts.set_role(people["lead"], people["council"].id, new_role)
    cora = browser(people["council"])  # her role change ended her sessions: she signs in again
    edited = cora.post(f"/comments/{words_of_cora['comment_id']}/edit", {"body": "Which banks? All of them."})
    refreshed = cora.post(f"/threads/{words_of_cora['suggestion_id']}/refresh", {"replacement": "NEW TEXT"})
    deleted = cora.post(f"/comments/{words_of_cora['comment_id']}/delete")
    expected = 303 if allowed else 403
    assert (edited.status_code, refreshed.status_code, deleted.status_code) == (expected, expected, expected)
    with app.app_context():
        comment = db.session.get(Comment, words_of_cora["comment_id"])
        proposal = db.session.get(Thread, words_of_cora["suggestion_id"])
        if allowed:
            assert comment.deleted_at is not None and proposal.replacement == "NEW TEXT"
        else:
            assert comment.body == "Which banks exactly?" and comment.deleted_at is None and comment.edited_at is None
            assert proposal.replacement == "most dated cores"


def test_a_lead_accepting_a_demoted_members_suggestion_gets_the_text_they_wrote_while_on_the_council(
    app, people, words_of_cora, browser, as_lead
):
    with app.app_context():
        accounts.set_role(people["lead"], people["council"].id, "field")
    cora = browser(people["council"])
    assert cora.post(f"/threads/{words_of_cora['suggestion_id']}/refresh", {"replacement": "SPAM"}).status_code == 403
    assert as_lead.post(f"/threads/{words_of_cora['suggestion_id']}/accept").status_code == 303
    with app.app_context():
        assert "most dated cores" in head_body() and "SPAM" not in head_body()
