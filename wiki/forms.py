"""Flask-WTF forms: CSRF on every POST and one place for field names the HTML and tests rely on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from wiki.views import whole_number

ROLE_CHOICES = [
    SelectChoice("field", "Field rep"),
    SelectChoice("council", "Council member"),
    SelectChoice("lead", "Marketing lead"),
]
KIND_CHOICES = [SelectChoice("plan", "Plan"), SelectChoice("collateral", "Collateral"), SelectChoice("note", "Note")]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired()])
    password = PasswordField("Password", validators=[InputRequired()])


class EditForm(FlaskForm):
    title = StringField("Title")
    kind = SelectField("Kind of page", choices=KIND_CHOICES, validate_choice=False)
    body = TextAreaField("Text (Markdown)")
    summary = StringField("Edit summary")
    base_revision = HiddenField(validators=[Optional()])


class ActionForm(FlaskForm):
    """Buttons that only need a CSRF token and, sometimes, a short note."""

    note = StringField("Note", validators=[Optional()])


class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired()])
    name = StringField("Name", validators=[InputRequired()])
    role = SelectField("Role", choices=ROLE_CHOICES)
    region = StringField("Region or group", validators=[Optional()])
    password = PasswordField("First password (at least 10 characters)", validators=[InputRequired()])


class UserUpdateForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired()])
    role = SelectField("Role", choices=ROLE_CHOICES)
    region = StringField("Region or group", validators=[Optional()])
    active = BooleanField("Active")


class PasswordResetForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired()])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired()])
    new = PasswordField("New password (at least 10 characters)", validators=[InputRequired()])


STATUS_CHOICES = [
    SelectChoice("planned", "Planned"),
    SelectChoice("active", "Active"),
    SelectChoice("paused", "Paused"),
    SelectChoice("done", "Done"),
]


class CouncilMemberForm(FlaskForm):
    """The templates list the choices; the service checks every value."""

    # Not coerce=int: it passes a number of any size on, and SQLite can't even compare one past 64 bits.
    person_id = SelectField("Person", coerce=whole_number, validate_choice=False)
    represents = StringField("Region or group", validators=[Optional()])
    term_start = DateField("Term starts", validators=[Optional()])
    term_end = DateField("Term ends (optional)", validators=[Optional()])
    confirm = HiddenField(validators=[Optional()])


class TacticForm(FlaskForm):
    """The template lists owners and pages; ids stay text so the service can refuse a bad one out loud."""

    name = StringField("Name", validators=[InputRequired()])
    description = TextAreaField("Description (Markdown)", validators=[Optional()])
    page_ids = SelectMultipleField("Collateral pages", validate_choice=False)
    cadence_days = StringField("Review every (days)", default="14")
    status = SelectField("Status", choices=STATUS_CHOICES, default="active", validate_choice=False)
    owner_id = SelectField("Owner", validate_choice=False)


class TacticReviewForm(FlaskForm):
    note = TextAreaField("What did you find?", validators=[Optional()])


class EmailPreferencesForm(FlaskForm):
    summary_emails = BooleanField("Send me the council's summary email")
