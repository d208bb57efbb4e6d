"""The person's own follow-up form, opened by the link in their text message or e-mail.

No account: the signed link is the credential, valid for a limited time and until the
answers arrive. The page shows the questions of the organisation's instruments (and the
experience survey at a follow-up), in the language of the link, and nothing about the
person. A link that is expired, used or cut short explains itself and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lotsa.accounts.ratelimits import rate_limit

from .. import actions, instruments, links
from ..forms import ExperienceSurveyForm, InstrumentForm
from ..models import FollowUp, Mode

# A tampered link proves nothing (404); a link that worked once is gone (410).
PROBLEM_STATUS = {"invalid": 404, "expired": 410, "used": 410, "answered": 410}


@dataclass(frozen=True)
class Section:
    """One instrument's questions on the page."""

    instrument: instruments.Instrument
    instructions: str
    form: InstrumentForm


@dataclass(frozen=True)
class Problem:
    """One entry of the error summary: what is wrong, and the field to jump to."""

    label: str
    message: str
    anchor: str


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: keep it out of other sites' Referer headers and out of
    indexes (`same-origin`, so that the form's own POST still passes the CSRF check)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _anchor(field: django_forms.BoundField) -> str:
    """The element an error links to: a radio group's first choice, else the field."""
    if isinstance(field.field.widget, django_forms.RadioSelect):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


def _problems(sections: list[Section], survey: ExperienceSurveyForm | None) -> list[Problem]:
    found: list[Problem] = []
    all_forms: list[django_forms.Form] = [section.form for section in sections]
    if survey is not None:
        all_forms.append(survey)
    for form in all_forms:
        for message in form.non_field_errors():
            found.append(Problem("", str(message), _first_field(form)))
        for field in form:
            for message in field.errors:
                found.append(Problem(str(field.label), str(message), _anchor(field)))
    return found


def _first_field(form: django_forms.Form) -> str:
    return _anchor(next(iter(form)))


def _kindly(form: Any) -> Any:
    """Plain words for a question left out or an answer that is not offered."""
    for field in form.fields.values():
        if isinstance(field, django_forms.ChoiceField):
            field.error_messages["required"] = _("Choose an answer.")
            field.error_messages["invalid_choice"] = _("Choose one of the answers shown.")
    return form


def _answered_nothing(sections: list[Section]) -> bool:
    return all(value is None for section in sections for value in section.form.answers().values())


def _problem_page(request: HttpRequest, reason: str) -> HttpResponse:
    response = render(
        request,
        "outcomes/respond_problem.html",
        {"reason": reason, "link_days": links.link_days()},
        status=PROBLEM_STATUS[reason],
    )
    return _private(response)


@never_cache
@rate_limit("answer_link", methods=("GET", "HEAD", "POST"))
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up's questions; on a complete, valid POST the answers are recorded as the
    person's own (mode "self", no user) and the thank-you page follows."""
    try:
        follow_up = links.get_follow_up_by_token(request, token)
    except links.LinkUnusable as unusable:
        return _problem_page(request, unusable.reason)
    case = follow_up.case
    data: Any = request.POST if request.method == "POST" else None
    sections = [
        Section(
            instrument,
            instruments.localized(instrument.instructions),
            _kindly(InstrumentForm(instrument, data)),
        )
        for instrument in actions.instruments_for(case)
    ]
    survey = (
        _kindly(ExperienceSurveyForm(data))
        if not follow_up.is_baseline and actions.uses_experience_survey(case)
        else None
    )
    nothing_answered = False
    if data is not None:
        # Every form is validated (no short cut), so that every problem is shown at once.
        forms = [*(section.form for section in sections), *([survey] if survey is not None else [])]
        checked = [form.is_valid() for form in forms]
        valid = all(checked)
        nothing_answered = valid and survey is None and _answered_nothing(sections)
        if valid and not nothing_answered:
            response = _record(request, follow_up, sections, survey)
            if response is not None:
                return response
    return _private(
        render(
            request,
            "outcomes/respond.html",
            {
                "follow_up": follow_up,
                "team": case.team,
                "sections": sections,
                "survey": survey,
                "problems": _problems(sections, survey),
                "nothing_answered": nothing_answered,
                "first_question": _first_anchor(sections, survey),
            },
            status=200,
        )
    )


def _first_anchor(sections: list[Section], survey: ExperienceSurveyForm | None) -> str:
    for form in [*(section.form for section in sections), survey]:
        if form is not None and form.fields:
            return _first_field(form)
    return "main"


def _record(
    request: HttpRequest,
    follow_up: FollowUp,
    sections: list[Section],
    survey: ExperienceSurveyForm | None,
) -> HttpResponse | None:
    """Record the answers and thank the person; None (errors added to the forms) when the
    action refuses them."""
    try:
        actions.record_follow_up(
            follow_up,
            answers={section.instrument.code: section.form.answers() for section in sections},
            survey=survey.survey() if survey is not None else None,
            mode=Mode.SELF,
            acting_user=None,
        )
    except instruments.InvalidAnswers as invalid:
        # The forms offer only the instrument's values, so this is a defect or a race with
        # a changed instrument: show it at the fields, store nothing.
        by_code = {section.instrument.code: section.form for section in sections}
        for key, _error in invalid.errors.items():
            code, _dot, item = key.partition(".")
            form = survey if code == "survey" else by_code.get(code)
            if form is not None and item in form.fields:
                form.add_error(item, _("Choose one of the answers shown."))
            elif sections:
                sections[0].form.add_error(None, _("The answers could not be saved. Try again."))
        return None
    return _private(render(request, "outcomes/respond_thanks.html", {"team": follow_up.case.team}))
