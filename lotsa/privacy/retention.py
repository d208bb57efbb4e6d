"""Retention classes: for every model, what it holds, how long it is kept, why, and what then.

`CLASSES` names each class once; `MODELS` maps every model of the project (ours and the
third-party ones that hold personal data: accounts, sessions, sign-in attempts, tasks) to
its class. A test walks `django.apps.apps.get_models()` and fails for a model missing here,
so that no model is added without deciding how long its rows live. `manage.py purge`
(`lotsa.privacy.actions.purge`) carries out what the classes say; `cutoffs()` computes the
dates it works from, out of the LOTSA_RETENTION_* settings.

The law the periods come from is named in each class and in docs/security.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The law's floor for the access log: PDL (2008:355) ch. 4 § 3 with HSLF-FS 2016:40 ch. 4 § 9.
MINIMUM_AUDIT_YEARS = 5


class Purge:
    """What `manage.py purge` does to a class's rows when their time is up."""

    ANONYMISE = "anonymise"
    DELETE = "delete"
    KEEP = "keep"


@dataclass(frozen=True)
class RetentionClass:
    code: str
    name: Promise
    holds: Promise
    kept: Promise  # may name %(case_months)s, %(audit_years)s, %(login_days)s, ...
    why: Promise
    purge: str  # a Purge value
    at_the_end: Promise
    # What an erasure request (GDPR art. 17) does to the person's rows of this class.
    on_erasure: Promise

    def period(self) -> str:
        return str(self.kept) % periods()

    def reason(self) -> str:
        return str(self.why) % periods()


def periods() -> dict[str, int]:
    return {
        "case_months": settings.LOTSA_RETENTION_CASE_MONTHS,
        "hold_months": settings.LOTSA_RETENTION_LEGAL_HOLD_MONTHS,
        "audit_years": settings.LOTSA_RETENTION_AUDIT_YEARS,
        "login_days": settings.LOTSA_RETENTION_LOGIN_DAYS,
        "task_days": settings.LOTSA_RETENTION_TASK_DAYS,
        "report_days": settings.LOTSA_RETENTION_REPORT_CONTACT_DAYS,
    }


CASE_REASON = _(
    "Storage limitation (GDPR art. 5(1)(e)): Lotsa's case is the link worker's working record "
    "for guiding the person, not the medical record (PDL ch. 3) nor the social services' file, "
    "where whatever those laws require is kept. The follow-up ends within the case (12 months); "
    "%(case_months)s months after closing cover a return to the link worker and a complaint "
    "(the Health and Social Care Inspectorate does not investigate events more than two years "
    "old, PSL ch. 7 § 12). A Swedish authority needs a disposal decision (arkivlagen 1990:782) "
    "and sets the months to match it."
)

CLASSES: dict[str, RetentionClass] = {
    c.code: c
    for c in [
        RetentionClass(
            code="person",
            name=_("The person"),
            holds=_(
                "Name, identity number, date of birth, phone, e-mail, address, language, sex, "
                "household, municipality."
            ),
            kept=_("As long as any referral or case about them is kept."),
            why=_("Needed to contact and guide the person; nothing longer than their records."),
            purge=Purge.ANONYMISE,
            at_the_end=_(
                "Anonymised with their last record: names, identity number, contact details "
                "and address are cleared, the date of birth keeps only the year; municipality, "
                "sex, household and language stay for statistics. The opaque key stays, so the "
                "access log still points to the same (now anonymous) record."
            ),
            on_erasure=_("Anonymised as at the end of retention; active consents are withdrawn."),
        ),
        RetentionClass(
            code="case_record",
            name=_("Case record"),
            holds=_(
                "A closed case with its referral, contacts, activity referrals and their "
                "history: notes, what matters, the plan, messages to activities."
            ),
            kept=_("%(case_months)s months after the case was closed."),
            why=CASE_REASON,
            purge=Purge.ANONYMISE,
            at_the_end=_(
                "Free text is cleared (notes, what matters, plan, closing note, messages and "
                "explanations, the referral's details); dates, statuses, stages, reasons, "
                "scores, offerings and teams stay for statistics. An activity referral still "
                "in use that changed within the period keeps its case as it is."
            ),
            on_erasure=_("Anonymised at once, if the case is closed."),
        ),
        RetentionClass(
            code="outcome_record",
            name=_("Outcome measurement"),
            holds=_(
                "A case's follow-up schedule and the person's link to it, the answers to the "
                "questionnaires and their scores, the experience surveys (with what the person "
                "would change, in their words), and the visits to the health centre and the "
                "emergency department before and after the referral."
            ),
            kept=_("As the case: %(case_months)s months after the case was closed."),
            why=_(
                "The evaluation of what works, for whom, rests on the scores before and after; "
                "they belong to the case and are kept as long as it is (storage limitation, "
                "GDPR art. 5(1)(e)). After that only figures that name no one stay: anonymous "
                "data is not personal data (GDPR recital 26)."
            ),
            purge=Purge.ANONYMISE,
            at_the_end=_(
                "The answers item by item, what the person would change and the link are "
                "cleared; the scores, their dates and follow-up points, the satisfaction and "
                "progress chosen, and the numbers of visits stay with the anonymised case as "
                "statistics."
            ),
            on_erasure=_(
                "Deleted: the follow-ups, answers and scores, experience surveys and "
                "health-care use."
            ),
        ),
        RetentionClass(
            code="referral",
            name=_("Referral without a case"),
            holds=_(
                "A referral that was declined, forwarded or never answered: the reasons, the "
                "details, the loneliness score, why it was declined."
            ),
            kept=_("%(case_months)s months after it last changed."),
            why=CASE_REASON,
            purge=Purge.ANONYMISE,
            at_the_end=_("Details and the reason for declining are cleared; the rest stays."),
            on_erasure=_("Anonymised at once, unless it still waits in a team's inbox."),
        ),
        RetentionClass(
            code="consent",
            name=_("Consent"),
            holds=_("Scope, recipient, the details shared, how and when given and withdrawn."),
            kept=_("As long as the data it covers, then with the anonymised person."),
            why=_(
                "The controller must be able to show that the person consented (GDPR art. "
                "7(1)) to every disclosure made, also after the data is gone."
            ),
            purge=Purge.KEEP,
            at_the_end=_("Kept: it names no one once the person is anonymised."),
            on_erasure=_("Kept as proof; an active consent is marked withdrawn."),
        ),
        RetentionClass(
            code="break_glass",
            name=_("Break-glass access"),
            holds=_("Which administrator opened whose record, when and why."),
            kept=_("As long as the access log: %(audit_years)s years."),
            why=_("Part of the access log's record of who reached a person's data and why."),
            purge=Purge.DELETE,
            at_the_end=_("Deleted with the access log of the same age."),
            on_erasure=_("Kept: the access log keeps it (PDL ch. 4 § 3)."),
        ),
        RetentionClass(
            code="access_log",
            name=_("Access log"),
            holds=_(
                "Every read, change, disclosure, print, export and refusal: action, unit, "
                "time, user, object, purpose, IP address, the person's opaque key."
            ),
            kept=_("%(audit_years)s years (never less than five)."),
            why=_(
                "PDL ch. 4 § 3 and HSLF-FS 2016:40 ch. 4 § 9: logs are kept at least five "
                "years and checked; the person may get an extract (PDL ch. 8 § 5, GDPR art. 15)."
            ),
            purge=Purge.DELETE,
            at_the_end=_(
                "The oldest events are removed; the last removed one anchors the hash chain, "
                "so verify_audit still checks all that is left."
            ),
            on_erasure=_("Kept: it names the person only by an opaque key."),
        ),
        RetentionClass(
            code="log_check",
            name=_("Log check"),
            holds=_("Who checked which period of the access log, the sample, what was found."),
            kept=_("As long as the access log: %(audit_years)s years."),
            why=_(
                "Shows that the log is checked systematically (HSLF-FS 2016:40 ch. 4 § 9); "
                "it is about the log it checked."
            ),
            purge=Purge.DELETE,
            at_the_end=_("Deleted with the access log of the same age."),
            on_erasure=_("Kept: it names people only as the access log does."),
        ),
        RetentionClass(
            code="unmet_need",
            name=_("Unmet need"),
            holds=_(
                "What was needed, for which age band and target group, where, why nothing fit."
            ),
            kept=_("Kept: it names no person."),
            why=_("The municipality's evidence of gaps in the offering."),
            purge=Purge.KEEP,
            at_the_end=_("Kept."),
            on_erasure=_("Not about a person."),
        ),
        RetentionClass(
            code="account",
            name=_("Staff account"),
            holds=_("A user's name, e-mail, language, memberships and roles."),
            kept=_(
                "While the account exists; a deactivated account is kept as long as the access "
                "log names it."
            ),
            why=_("The access log must say who did what (PDL ch. 4 § 3)."),
            purge=Purge.KEEP,
            at_the_end=_("Kept; an administrator deactivates accounts."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="api_key",
            name=_("API key"),
            holds=_(
                "An organisation's key for its system: a name, the hash of the secret, scopes, "
                "who made and revoked it, when it was last used."
            ),
            kept=_("While the key is in use, and after revocation as long as the access log."),
            why=_("The access log names the key a system called with (PDL ch. 4 § 3)."),
            purge=Purge.KEEP,
            at_the_end=_("Kept; an administrator revokes keys. The secret itself is never stored."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="second_factor",
            name=_("Second factor"),
            holds=_("A user's TOTP secret and recovery codes."),
            kept=_("While the account is active."),
            why=_("A secret is a risk wherever it is no longer needed."),
            purge=Purge.DELETE,
            at_the_end=_("Deleted when the account is deactivated."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="session",
            name=_("Session"),
            holds=_(
                "A signed-in user's session key and data; a single sign-on token, if the "
                "provider's tokens were stored (they are not: SOCIALACCOUNT_STORE_TOKENS)."
            ),
            kept=_("Until it expires (30 minutes idle, 12 hours at most)."),
            why=_("Only needed while the user is signed in."),
            purge=Purge.DELETE,
            at_the_end=_("Expired sessions and tokens are deleted."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="sign_in",
            name=_("Sign-in records"),
            holds=_("Failed and successful sign-ins: e-mail, IP address, browser, time."),
            kept=_("%(login_days)s days."),
            why=_("Lockout after repeated failures, and looking into a security incident."),
            purge=Purge.DELETE,
            at_the_end=_("Deleted."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="admin_history",
            name=_("Admin history"),
            holds=_("Changes made in the admin: who, when, to which object (its name)."),
            kept=_("As long as the access log: %(audit_years)s years."),
            why=_("Accountability for configuration and accounts."),
            purge=Purge.DELETE,
            at_the_end=_("Deleted."),
            on_erasure=_("People are not in the admin."),
        ),
        RetentionClass(
            code="task_result",
            name=_("Background task result"),
            holds=_("Which task ran with which ids (an organisation's name at most), and errors."),
            kept=_("%(task_days)s days after it finished."),
            why=_("Only needed to see that tasks run and to look into a failure."),
            purge=Purge.DELETE,
            at_the_end=_("Deleted."),
            on_erasure=_("Tasks carry ids, not a person's data."),
        ),
        RetentionClass(
            code="directory",
            name=_("Directory"),
            holds=_(
                "Organisations, teams, offerings, places and schedules with their public "
                "contact details (a contact person's name, phone, e-mail); listing changes "
                "and claims by staff."
            ),
            kept=_("While the organisation is listed."),
            why=_("Public information the organisation publishes; no one referred is in it."),
            purge=Purge.KEEP,
            at_the_end=_("Kept; the organisation or a moderator removes it."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="problem_report",
            name=_("Problem report"),
            holds=_("What is wrong with a listing, and an optional e-mail or phone to ask back."),
            kept=_("The contact: %(report_days)s days after the report was resolved."),
            why=_("The contact is only needed while the report is looked into."),
            purge=Purge.ANONYMISE,
            at_the_end=_("The contact is cleared; the report stays with its listing."),
            on_erasure=_("Not about the person."),
        ),
        RetentionClass(
            code="no_personal_data",
            name=_("No personal data"),
            holds=_("Configuration: permissions, groups, content types, the vocabularies."),
            kept=_("Kept."),
            why=_("Holds nothing about a person."),
            purge=Purge.KEEP,
            at_the_end=_("Kept."),
            on_erasure=_("Not about the person."),
        ),
    ]
}

# Every model, by its label, to its class. Models not installed are skipped.
MODELS: dict[str, str] = {
    # lotsa.people, lotsa.referrals
    "people.Person": "person",
    "people.Consent": "consent",
    "people.BreakGlass": "break_glass",
    "referrals.Case": "case_record",
    "referrals.Contact": "case_record",
    "referrals.ActivityReferral": "case_record",
    "referrals.ActivityReferralEvent": "case_record",
    "referrals.Referral": "referral",
    "referrals.UnmetNeed": "unmet_need",
    # lotsa.outcomes
    "outcomes.OutcomeSettings": "no_personal_data",
    "outcomes.FollowUp": "outcome_record",
    "outcomes.Assessment": "outcome_record",
    "outcomes.ExperienceSurvey": "outcome_record",
    "outcomes.HealthcareUse": "outcome_record",
    # lotsa.audit, lotsa.privacy
    "audit.AuditEvent": "access_log",
    "privacy.LogCheck": "log_check",
    # lotsa.accounts
    "accounts.User": "account",
    "accounts.Membership": "account",
    "accounts.ApiKey": "api_key",
    "accounts.Organization": "directory",
    "accounts.Team": "directory",
    # lotsa.directory
    "directory.Term": "no_personal_data",
    "directory.Offering": "directory",
    "directory.Place": "directory",
    "directory.Schedule": "directory",
    "directory.OfferingChange": "directory",
    "directory.ClaimRequest": "directory",
    "directory.ProblemReport": "problem_report",
    # django.contrib
    "admin.LogEntry": "admin_history",
    "auth.Permission": "no_personal_data",
    "auth.Group": "no_personal_data",
    "contenttypes.ContentType": "no_personal_data",
    "sessions.Session": "session",
    # allauth
    "account.EmailAddress": "account",
    "account.EmailConfirmation": "account",
    "mfa.Authenticator": "second_factor",
    "socialaccount.SocialApp": "no_personal_data",
    "socialaccount.SocialAccount": "account",
    "socialaccount.SocialToken": "session",
    # django-axes
    "axes.AccessAttempt": "sign_in",
    "axes.AccessAttemptExpiration": "sign_in",
    "axes.AccessFailureLog": "sign_in",
    "axes.AccessLog": "sign_in",
    # django-tasks
    "django_tasks_database.DBTaskResult": "task_result",
}


def class_of(model: type[models.Model]) -> RetentionClass | None:
    code = MODELS.get(model._meta.label)
    return CLASSES[code] if code else None


def table() -> list[tuple[str, RetentionClass]]:
    """(model label, class) for every installed model, in the order of MODELS."""
    from django.apps import apps

    installed = {model._meta.label for model in apps.get_models()}
    return [(label, CLASSES[code]) for label, code in MODELS.items() if label in installed]


# --- the dates purge works from ---------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day where it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Cutoffs:
    """The moments before which each class's rows are due. `now` is the purge's "now"."""

    now: dt.datetime
    case: dt.datetime
    legal_hold: dt.datetime
    audit: dt.datetime
    login: dt.datetime
    task: dt.datetime
    report_contact: dt.datetime


def cutoffs(today: dt.date | None = None) -> Cutoffs:
    """Cutoffs for a purge run on `today` (local date; default: now).

    A case closed on a day is due once `case_months` whole months have passed since the
    start of that day; the access log is cut at local midnight `audit_years` years ago.
    """
    if today is None:
        now = timezone.now()
        today = timezone.localdate(now)
    else:
        now = start_of(today)
    midnight = start_of(today)
    return Cutoffs(
        now=now,
        case=start_of(months_before(today, settings.LOTSA_RETENTION_CASE_MONTHS)),
        legal_hold=start_of(months_before(today, settings.LOTSA_RETENTION_LEGAL_HOLD_MONTHS)),
        audit=start_of(months_before(today, 12 * settings.LOTSA_RETENTION_AUDIT_YEARS)),
        login=midnight - dt.timedelta(days=settings.LOTSA_RETENTION_LOGIN_DAYS),
        task=midnight - dt.timedelta(days=settings.LOTSA_RETENTION_TASK_DAYS),
        report_contact=midnight - dt.timedelta(days=settings.LOTSA_RETENTION_REPORT_CONTACT_DAYS),
    )


# --- system checks ----------------------------------------------------------------------


@checks.register(checks.Tags.compatibility)
def check_retention_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse settings that would break the law or the purge."""
    errors: list[checks.CheckMessage] = []
    years = settings.LOTSA_RETENTION_AUDIT_YEARS
    if years < MINIMUM_AUDIT_YEARS:
        errors.append(
            checks.Error(
                f"LOTSA_RETENTION_AUDIT_YEARS is {years}: the access log must be kept at least "
                f"{MINIMUM_AUDIT_YEARS} years (PDL ch. 4 § 3, HSLF-FS 2016:40 ch. 4 § 9).",
                id="lotsa.privacy.E001",
            )
        )
    months = settings.LOTSA_RETENTION_CASE_MONTHS
    if months < 1:
        errors.append(
            checks.Error(
                f"LOTSA_RETENTION_CASE_MONTHS is {months}: it must be at least 1.",
                id="lotsa.privacy.E002",
            )
        )
    hold = settings.LOTSA_RETENTION_LEGAL_HOLD_MONTHS
    if not 0 <= hold <= months:
        errors.append(
            checks.Error(
                f"LOTSA_RETENTION_LEGAL_HOLD_MONTHS is {hold}: it must be between 0 and "
                f"LOTSA_RETENTION_CASE_MONTHS ({months}); purge would anonymise cases the law "
                "still requires.",
                id="lotsa.privacy.E003",
            )
        )
    for name in (
        "LOTSA_RETENTION_LOGIN_DAYS",
        "LOTSA_RETENTION_TASK_DAYS",
        "LOTSA_RETENTION_REPORT_CONTACT_DAYS",
    ):
        if getattr(settings, name) < 1:
            errors.append(checks.Error(f"{name} must be at least 1 day.", id="lotsa.privacy.E004"))
    return errors
