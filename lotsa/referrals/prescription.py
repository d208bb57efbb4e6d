"""The prescription for the person: what, when, where and whom to ask, as PDF, .ics and text.

Written in the person's language (`Person.message_language`). The PDF is rendered by
WeasyPrint from a template with its own print CSS; it never fetches anything (no base URL,
and a URL fetcher that refuses every protocol), and the fonts are the system's (DejaVu).
Neither the file names nor the documents carry the person's name or any other detail of
theirs: the paper may be lost on the way home.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from lotsa.directory.models import Offering, Place

from .models import ActivityReferral

PDF_SESSIONS = 5
ICS_SESSIONS = 8
TIME_ZONES = {"SE": "Europe/Stockholm", "DK": "Europe/Copenhagen"}


@dataclasses.dataclass(frozen=True)
class Session:
    date: dt.date
    opens_at: dt.time
    closes_at: dt.time
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Prescription:
    """Everything the person needs to get there, and nothing about them."""

    offering: Offering
    place: Place | None
    sessions: list[Session]
    contact_name: str
    contact_phone: str
    link_worker_name: str
    team_name: str
    team_phone: str
    team_email: str
    time_zone: str

    @property
    def next_session(self) -> Session | None:
        return self.sessions[0] if self.sessions else None

    @property
    def address(self) -> str:
        if self.place is None:
            return ""
        parts = [self.place.name, self.place.address, f"{self.place.postcode} {self.place.city}"]
        return ", ".join(part.strip() for part in parts if part.strip())


def _country(offering: Offering, place: Place | None) -> str:
    if place is not None and place.municipality[:2] in TIME_ZONES:
        return place.municipality[:2]
    return offering.organization.country


def build(referral: ActivityReferral, sessions: int = PDF_SESSIONS) -> Prescription:
    """Collect the facts of `referral`'s offering (two queries: places and schedules)."""
    offering = referral.offering
    places = list(offering.places.all())
    place = places[0] if places else None
    case = referral.case
    link_worker = case.assigned_to
    team = case.team
    return Prescription(
        offering=offering,
        place=place,
        sessions=[
            Session(date, schedule.opens_at, schedule.closes_at, schedule.note)
            for date, schedule in offering.next_sessions(count=sessions)
        ],
        contact_name=offering.contact_name or offering.organization.contact_name,
        contact_phone=offering.phone or offering.organization.phone,
        link_worker_name=(link_worker.get_full_name() or link_worker.email) if link_worker else "",
        team_name=team.name,
        team_phone=team.phone,
        team_email=team.email,
        time_zone=TIME_ZONES.get(_country(offering, place), "Europe/Stockholm"),
    )


def filename(referral: ActivityReferral, extension: str) -> str:
    """A file name from the activity's name only (ASCII, no detail of the person)."""
    return f"{slugify(referral.offering.name) or 'activity'}.{extension}"


def render_html(referral: ActivityReferral) -> str:
    """The printable page, in the person's language."""
    facts = build(referral)
    with translation.override(referral.case.person.message_language):
        return render_to_string("referrals/prescription/prescription.html", {"p": facts})


def render_pdf(referral: ActivityReferral) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which the rest of the app never needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=set())
    pdf: bytes = HTML(
        string=render_html(referral), base_url=None, url_fetcher=refuse_all
    ).write_pdf()
    return pdf


def render_ics(referral: ActivityReferral) -> bytes:
    """One VEVENT per upcoming session, in the place's time zone; UIDs stable per session."""
    import icalendar

    facts = build(referral, sessions=ICS_SESSIONS)
    zone = ZoneInfo(facts.time_zone)
    offering = facts.offering
    with translation.override(referral.case.person.message_language):
        description = render_to_string(
            "referrals/prescription/sessions_description.txt", {"p": facts}
        ).strip()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Lotsa//Prescription//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    stamp = timezone.now()
    for session in facts.sessions:
        event = icalendar.Event()
        event.add("uid", f"{referral.uuid}-{session.date:%Y%m%d}-{session.opens_at:%H%M}@lotsa")
        event.add("dtstamp", stamp)
        event.add("summary", offering.name)
        event.add("dtstart", dt.datetime.combine(session.date, session.opens_at, tzinfo=zone))
        event.add("dtend", dt.datetime.combine(session.date, session.closes_at, tzinfo=zone))
        if facts.address:
            event.add("location", facts.address)
        if description:
            event.add("description", description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics
