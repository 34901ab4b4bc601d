"""Composing the summary: what went out to the field in a period, credited to the council."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.factories import make_member, make_page, make_user, publish
from wiki.extensions import db
from wiki.mail import UNSUBSCRIBE_MARKER
from wiki.models import Summary, SummaryState, utcnow
from wiki.services import pages, summaries, summary_content, threads

PLAN = "# Plan\n\nSegments are banks.\n\nPricing is flat.\n"


def council_period(app, people):
    """A plan published before the period, then in the period: an edit by Priya (EMEA), an accepted suggestion
    by Omar (APAC), a resolved recommendation by Priya, and an unpublished draft with a secret."""
    with app.app_context():
        priya = make_user(role="field", name="Priya Raman", email="priya@example.com")
        omar = make_user(role="field", name="Omar Haddad", email="omar@example.com")
        make_member(people["lead"], priya, "EMEA")
        make_member(people["lead"], omar, "APAC")
        priya, omar = db.session.get(type(priya), priya.id), db.session.get(type(omar), omar.id)
        page = make_page(people["lead"], title="FY27 plan", bodies=(PLAN,))
        publish(people["lead"], page, 1)
        pages.save_revision(priya, pages.EditSubmission("fy27-plan", PLAN + "\nWebinars monthly.\n", "Webinars", 1))
        suggestion = threads.suggest(omar, page, 2, 8, 27, "Segments are banks.", "Segments are banks and insurers.")
        threads.accept(people["lead"], suggestion)
        thread = threads.start_thread(priya, page, 3, "Name the APAC insurers we target.", None)
        threads.set_resolved(people["lead"], thread, True)
        publish(people["lead"], pages.get_page("fy27-plan"), 3)
        pages.save_revision(
            priya, pages.EditSubmission("fy27-plan", pages.get_page("fy27-plan").head.body + "\nSECRET-DRAFT\n", "", 3)
        )


def compose(as_lead) -> int:
    response = as_lead.post("/summaries/new", {})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/summaries/(\d+)/edit", response.headers["Location"]).group(1))


def test_compose_gathers_published_changes_and_credits_the_council_by_name_and_region(app, people, as_lead):
    council_period(app, people)
    summary_id = compose(as_lead)
    html = as_lead.get(f"/summaries/{summary_id}/edit").get_data(as_text=True)
    assert "FY27 plan" in html and "revision 3 published by Lena Lead" in html
    assert "Omar Haddad</strong> (APAC)" in html and "Segments are banks and insurers." in html
    assert "Priya Raman</strong> (EMEA)" in html and "Name the APAC insurers we target." in html
    preview = as_lead.get(f"/summaries/{summary_id}/preview").get_data(as_text=True)
    assert "Thanks to" in preview and "Priya Raman (EMEA)" in preview and "Omar Haddad (APAC)" in preview
    assert "New: revision 3" in preview and ">Webinars</li>" in preview
    assert 'href="http://127.0.0.1:5000/p/fy27-plan"' in preview
    assert "Plain-text part" in preview and "SUGGESTIONS FROM THE COUNCIL" in preview


def test_nothing_unpublished_reaches_the_summary(app, people, as_lead):
    council_period(app, people)
    with app.app_context():
        page = pages.get_page("fy27-plan")
        draft_idea = threads.suggest(people["council"], page, 4, 8, 40, page.head.body[8:40], "DRAFT-SUGGESTION")
        threads.accept(people["lead"], draft_idea)
    summary_id = compose(as_lead)
    preview = as_lead.get(f"/summaries/{summary_id}/preview").get_data(as_text=True)
    assert "SECRET-DRAFT" not in preview and "DRAFT-SUGGESTION" not in preview


def test_the_lead_writes_an_intro_and_leaves_items_out(app, people, as_lead):
    council_period(app, people)
    summary_id = compose(as_lead)
    with app.app_context():
        content = summary_content.gather(*_period(summary_id))
        keep = [key for key in content.keys() if not key.startswith("thread:")]
    response = as_lead.post(
        f"/summaries/{summary_id}/edit",
        {
            "subject": "Council news",
            "intro": "Thanks, **everyone**. <script>alert(1)</script>",
            "keep": keep,
            "audience": ["field", "council"],
            "then": "preview",
        },
    )
    assert response.status_code == 303
    preview = as_lead.get(f"/summaries/{summary_id}/preview").get_data(as_text=True)
    assert "<strong>everyone</strong>" in preview and "<script>alert" not in preview
    assert "Name the APAC insurers" not in preview and "Segments are banks and insurers." in preview
    with app.app_context():
        summary = db.session.get(Summary, summary_id)
        assert summary.subject == "Council news" and summary.audience == ["field", "council"]


def test_the_intro_reads_in_a_mail_client_absolute_links_and_plain_words(app, people, as_lead):
    summary_id = compose(as_lead)
    as_lead.post(
        f"/summaries/{summary_id}/edit",
        {
            "subject": "Council news",
            "intro": "Read the [updated plan](/p/fy27-plan): leads score **65 or more**.\n\n### Slide 12\n\n- Pilot",
            "audience": ["field"],
        },
    )
    with app.app_context():
        email = summaries.render_email(db.session.get(Summary, summary_id))
    site = app.config["SITE_URL"]
    assert f'<a href="{site}/p/fy27-plan"' in email.html and 'href="/p/' not in email.html
    assert "Read the updated plan [1]: leads score 65 or more.\n\nSlide 12\n\n- Pilot" in email.text
    assert f"[1] {site}/p/fy27-plan" in email.text
    assert "**" not in email.text and "###" not in email.text


def test_what_changed_on_a_page_is_shown_as_words_with_insertions_marked_in_both_parts(app, people, as_lead):
    with app.app_context():
        before = "## Segments\n\nBanks **and** insurers, see [the deck](/p/deck).\n"
        page = make_page(people["lead"], slug="fy27-plan", title="FY27 plan", bodies=(before,))
        publish(people["lead"], page, 1)
        start = utcnow()
        after = "## Segments\n\nBanks, **credit unions** and insurers, see [the deck](/p/deck).\n"
        pages.save_revision(people["council"], pages.EditSubmission("fy27-plan", after, "Credit unions", 1))
        publish(people["lead"], pages.get_page("fy27-plan"), 2)
        summary = summaries.create_draft(people["lead"], start, utcnow() + timedelta(seconds=1))
        email = summaries.render_email(summary)
    excerpt_html = email.html[email.html.index('class="excerpt"') :].split("</div>")[0]
    assert re.search(r"<ins[^>]*>, credit unions</ins> and insurers, see the deck\.", excerpt_html)
    for syntax in ("**", "##", "](/p/deck)"):
        assert syntax not in excerpt_html and syntax not in email.text
    assert "What changed ({+added+}, [-removed-]): " in email.text and "{+" in email.text
    assert "Segments" in email.text[email.text.index("What changed (") :]


def test_the_email_is_rendered_without_a_request_with_links_under_a_site_url_with_a_path(app, people):
    app.config["SITE_URL"] = "https://intranet.example.com/council"
    with app.app_context():
        make_page(people["lead"], slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
        publish(people["lead"], pages.get_page("fy27-plan"), 1)
        summary = summaries.create_draft(people["lead"], utcnow() - timedelta(days=1), utcnow())
        email = summaries.render_email(summary)
    links = re.findall(r'href="([^"]+)"', email.html)
    assert f"https://intranet.example.com/council/summaries/{summary.id}" in links
    assert "https://intranet.example.com/council/p/fy27-plan" in links
    assert all(link.startswith("https://intranet.example.com/council/") for link in links if link != UNSUBSCRIBE_MARKER)


def test_a_suggestion_is_quoted_as_words_not_markdown(app, people):
    with app.app_context():
        page = make_page(people["lead"], slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
        publish(people["lead"], page, 1)
        start = utcnow()
        idea = threads.suggest(
            people["council"], page, 1, 8, 27, "Segments are banks.", "Segments are **banks** and [insurers](/p/x)."
        )
        threads.accept(people["lead"], idea)
        publish(people["lead"], pages.get_page("fy27-plan"), 2)
        [credit] = summary_content.gather(start, utcnow() + timedelta(seconds=1)).accepted
    assert credit.text == "Segments are banks and insurers."


def test_a_second_summary_the_same_day_tells_only_what_the_first_did_not(app, people, as_lead):
    council_period(app, people)
    first_id = compose(as_lead)
    with app.app_context():
        first = db.session.get(Summary, first_id)
        told = summary_content.gather(first.period_start, first.period_end)
        assert told.changes and told.accepted and told.resolved
        summaries.start_sending(people["lead"], first)
        # The lead picks today as the period, as the compose form's date fields do: it overlaps the first one.
        today = utcnow().date()
        second = summary_content.gather(*summaries.period_of_days(today, today))
        assert (second.changes, second.accepted, second.resolved) == ([], [], [])
        # News after the first summary goes out, compared with what the field was told in it.
        page = pages.get_page("fy27-plan")
        pages.save_revision(
            people["council"],
            pages.EditSubmission("fy27-plan", page.published.body + "\nWebinars monthly, from March.\n", "", 4),
        )
        publish(people["lead"], pages.get_page("fy27-plan"), 5)
        later = summary_content.gather(*summaries.period_of_days(today, today))
        [change] = later.changes
        assert change.previous.number == 3 and change.revision.number == 5


def test_a_draft_needs_a_subject_and_an_audience(app, people, as_lead):
    summary_id = compose(as_lead)
    empty = as_lead.post(f"/summaries/{summary_id}/edit", {"subject": "", "audience": ["field"]})
    assert empty.status_code == 400 and "subject" in empty.get_data(as_text=True)
    nobody = as_lead.post(f"/summaries/{summary_id}/edit", {"subject": "News"})
    assert nobody.status_code == 400 and "at least one" in nobody.get_data(as_text=True)


def test_only_leads_compose_and_drafts_are_invisible_to_everyone_else(app, people, as_lead, as_council, as_field):
    summary_id = compose(as_lead)
    assert as_council.get("/summaries/new").status_code == 403
    assert as_field.post("/summaries/new", {}).status_code == 403
    assert as_field.get(f"/summaries/{summary_id}").status_code == 404
    assert as_council.get(f"/summaries/{summary_id}/edit").status_code == 404
    assert "Drafts" not in as_field.get("/summaries").get_data(as_text=True)


def test_a_sent_summary_is_frozen_and_every_role_reads_it_in_the_archive(app, people, as_lead, as_field):
    council_period(app, people)
    summary_id = compose(as_lead)
    with app.app_context():
        summaries.start_sending(people["lead"], db.session.get(Summary, summary_id))
        summary = db.session.get(Summary, summary_id)
        assert summary.state == SummaryState.SENDING and "Omar Haddad" in summary.text_body
    archive = as_field.get("/summaries").get_data(as_text=True)
    assert f"/summaries/{summary_id}" in archive
    page = as_field.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "Omar Haddad" in page and "Priya Raman" in page and "__UNSUBSCRIBE_URL__" not in page
    edited = as_lead.post(f"/summaries/{summary_id}/edit", {"subject": "Changed", "audience": ["field"]})
    assert edited.status_code == 303
    assert "Changed" not in as_field.get(f"/summaries/{summary_id}").get_data(as_text=True)


def test_the_next_period_starts_where_the_last_sent_summary_ended(app, people):
    with app.app_context():
        start, end = utcnow() - timedelta(days=20), utcnow() - timedelta(days=3)
        summary = summaries.create_draft(people["lead"], start, end)
        summaries.start_sending(people["lead"], summary)
        begins, _ = summaries.default_period()
        assert abs((begins - end).total_seconds()) < 1


def test_without_a_sent_summary_the_period_is_the_last_fourteen_days(app, people):
    with app.app_context():
        begins, ends = summaries.default_period()
        assert round((ends - begins).total_seconds() / 86400) == 14


def _period(summary_id):
    summary = db.session.execute(select(Summary).where(Summary.id == summary_id)).scalar_one()
    return summary.period_start, summary.period_end


def test_each_recipient_gets_one_message_crediting_the_council_with_working_absolute_links(
    app, people, as_lead, browser
):
    from html.parser import HTMLParser
    from urllib.parse import urlsplit

    from tests.conftest_mail import mail_server
    from wiki.services import outbox

    council_period(app, people)
    summary_id = compose(as_lead)
    with mail_server(app) as mailbox, app.app_context():
        summaries.start_sending(people["lead"], db.session.get(Summary, summary_id))
        outbox.deliver(summary_id)
        recipients = {user.email for user in db.session.execute(select(type(people["lead"]))).scalars()}
    assert mailbox.per_recipient() == {email: 1 for email in recipients}

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.found.append(dict(attrs)["href"])

    field_rep = browser(people["field"])
    for received in mailbox.received:
        message = received.message
        assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        for part in (html, text):
            assert "Priya Raman (EMEA)" in part and "Omar Haddad (APAC)" in part
        parser = Links()
        parser.feed(html)
        assert parser.found and all(link.startswith("https://wiki.example.com/") for link in parser.found)
        for link in parser.found:
            path = urlsplit(link).path
            if not path.startswith("/unsubscribe/"):
                assert field_rep.get(path).status_code == 200, path
        assert f"https://wiki.example.com/summaries/{summary_id}" in text


def test_a_second_sent_summary_has_absolute_links_words_not_markdown_and_nothing_the_first_told(
    app, people, as_lead
):
    from tests.conftest_mail import mail_server
    from wiki.services import outbox

    council_period(app, people)
    first_id = compose(as_lead)
    with app.app_context():
        first_items = summary_content.gather(*_period(first_id))
        first_titles = {credit.text for credit in first_items.accepted + first_items.resolved}
    assert len(first_titles) == 2
    with mail_server(app) as mailbox, app.app_context():
        summaries.start_sending(people["lead"], db.session.get(Summary, first_id))
        outbox.deliver(first_id)
        page = pages.get_page("fy27-plan")
        pages.save_revision(
            people["council"],
            pages.EditSubmission("fy27-plan", page.head.body + "\n## Events\n\n**Webinars** monthly.\n", "", 4),
        )
        publish(people["lead"], pages.get_page("fy27-plan"), 5)
        today = utcnow().date()
        second = summaries.create_draft(people["lead"], *summaries.period_of_days(today, today))
        everything = set(summary_content.gather(second.period_start, second.period_end).keys())
        summaries.update_draft(
            people["lead"], second, "More news", "See the [plan](/p/fy27-plan), **now**.", everything, ["lead"]
        )
        second_id = second.id
        mailbox.received.clear()
        summaries.start_sending(people["lead"], db.session.get(Summary, second_id))
        outbox.deliver(second_id)
    [received] = [r for r in mailbox.received if r.message["Subject"] == "More news"][:1]
    html = received.message.get_body(("html",)).get_content()
    text = received.message.get_body(("plain",)).get_content()
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith("https://wiki.example.com/") for link in links)
    for syntax in ("**", "## ", "](/"):
        assert syntax not in text
    assert "See the plan [1], now." in text and "[1] https://wiki.example.com/p/fy27-plan" in text
    assert "Webinars monthly" in text
    for told in first_titles:
        assert told not in html and told not in text


def test_cron_composes_a_draft_and_lists_every_summary(app, people):
    council_period(app, people)
    runner = app.test_cli_runner()
    composed = runner.invoke(args=["summary", "compose", "--days", "14"])
    assert composed.exit_code == 0, composed.output
    assert "Draft summary 1" in composed.output and "1 accepted suggestions" in composed.output
    assert "/summaries/1/edit" in composed.output
    listed = runner.invoke(args=["summary", "list"])
    assert listed.exit_code == 0 and "draft" in listed.output and "What the council changed" in listed.output
    with app.app_context():
        summary = db.session.get(Summary, 1)
        assert summary.created_by_id == people["lead"].id
        assert round((summary.period_end - summary.period_start).total_seconds() / 86400) == 14


def test_compose_without_any_lead_says_how_to_name_one(app):
    result = app.test_cli_runner().invoke(args=["summary", "compose"])
    assert result.exit_code != 0 and "--by EMAIL" in result.output


def test_a_would_not_share_answer_is_counted_and_quoted_in_the_next_summary(app, people, as_lead):
    from tests.factories import make_feedback

    council_period(app, people)
    with app.app_context():
        make_feedback(people["field"], pages.get_page("fy27-plan"), False, "Clients found the segment list generic.")
    summary_id = compose(as_lead)
    preview = as_lead.get(f"/summaries/{summary_id}/preview").get_data(as_text=True)
    assert "1 answer from the field" in preview and "would not" in preview
    assert "Clients found the segment list generic." in preview and "Finn Field" in preview
