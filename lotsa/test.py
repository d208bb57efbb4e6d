"""Test base: the personas every test can use, and small `make_*` helpers.

Personas (all synthetic):
- `gp`, a clinician at Health centre A; `link_worker`, of team A at Health centre A;
- `provider`, the contact of Association X; `coordinator`, at the Municipality's culture and
  leisure unit, who moderates listings in the demo municipality;
- `connector`, a volunteer connector; `manager`; `researcher`; `admin`, an administrator;
- `outsider`, a clinician at Health centre B, who must see nothing of the others;
  `outsider_link_worker`, of team B at Health centre B, who must see nothing of team A's.
Link worker teams: `team_a` (serves Health centre A, Umeå) and `team_b` (Health centre B).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.test import TestCase
from django.utils import timezone

from lotsa.accounts.models import Membership, Organization, Team, User
from lotsa.directory import search
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.people.models import Consent, Person
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import ActivityReferral, Case, Referral

PASSWORD = "correct-horse-battery-staple"
MUNICIPALITY = "SE-2480"  # Umeå
Role = Membership.Role


def make_organization(
    name: str, kind: str = Organization.Kind.ASSOCIATION, **extra: Any
) -> Organization:
    extra.setdefault("municipality", MUNICIPALITY)
    return Organization.objects.create(name=name, kind=kind, **extra)


def make_user(
    email: str, organization: Organization | None = None, role: str = "", **extra: Any
) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def terms(vocabulary: str, *codes: str) -> list[Term]:
    return list(Term.objects.filter(vocabulary=vocabulary, code__in=codes))


def make_offering(
    organization: Organization,
    name: str = "Promenadgruppen",
    *,
    description: str = "Vi går en lugn promenad tillsammans och fikar efteråt.",
    categories: tuple[str, ...] = ("walking-outdoor",),
    byday: str = "TU",
    opens_at: dt.time = dt.time(14),
    closes_at: dt.time = dt.time(16),
    latitude: float = 63.8258,
    longitude: float = 20.2630,
    city: str = "Umeå",
    postcode: str = "903 26",
    municipality: str = MUNICIPALITY,
    index: bool = True,
    **extra: Any,
) -> Offering:
    extra.setdefault("is_published", True)
    offering = Offering.objects.create(
        organization=organization, name=name, description=description, **extra
    )
    offering.categories.set(terms(Term.Vocabulary.CATEGORY, *categories))
    if not offering.is_online:
        Place.objects.create(
            offering=offering,
            address="Storgatan 1",
            postcode=postcode,
            city=city,
            municipality=municipality,
            latitude=latitude,
            longitude=longitude,
        )
    if byday:
        Schedule.objects.create(
            offering=offering, byday=byday, opens_at=opens_at, closes_at=closes_at
        )
    if index:
        search.reindex([offering.pk])
    return offering


def make_team(
    name: str, organization: Organization, *members: User, serves: tuple[Organization, ...] = ()
) -> Team:
    team = Team.objects.create(
        name=name, organization=organization, municipality=organization.municipality
    )
    team.serves.set(serves or (organization,))
    team.members.set(members)
    return team


def make_person(first_name: str = "Astrid", last_name: str = "Lindqvist", **extra: Any) -> Person:
    extra.setdefault("phone", "+46701234567")
    extra.setdefault("municipality", MUNICIPALITY)
    return Person.objects.create(first_name=first_name, last_name=last_name, **extra)


def make_referral(
    team: Team,
    by: User | None = None,
    person: Person | None = None,
    *,
    source: str = Referral.Source.CLINICIAN,
    feedback_consent: bool = True,
    **extra: Any,
) -> Referral:
    """A referral through the real action, with consent to the team (and to feedback)."""
    person = person or make_person()
    organization = None
    if by is not None and source == Referral.Source.CLINICIAN:
        organization = Organization.objects.filter(
            memberships__user=by, memberships__role=Role.CLINICIAN
        ).first()
    extra.setdefault("reasons", [Referral.Reason.LONELINESS])
    return referral_actions.refer_to_team(
        person,
        team,
        source=source,
        acting_user=by,
        referring_organization=organization,
        feedback_consent=feedback_consent,
        **extra,
    )


def make_case(team: Team, link_worker: User, by: User | None = None, **extra: Any) -> Case:
    referral = make_referral(team, by, **extra)
    return referral_actions.open_case(referral, acting_user=link_worker)


def make_activity_referral(
    case: Case,
    offering: Offering,
    link_worker: User,
    fields: tuple[str, ...] = (Consent.Field.NAME, Consent.Field.PHONE),
    **extra: Any,
) -> ActivityReferral:
    return referral_actions.refer_to_offering(
        case,
        offering,
        fields=fields,
        consent_method=Consent.Method.VERBAL,
        acting_user=link_worker,
        **extra,
    )


class BaseTestCase(TestCase):
    """A world with two health centres, a municipality unit and an association."""

    health_centre_a: Organization
    health_centre_b: Organization
    municipality: Organization
    association: Organization
    gp: User
    link_worker: User
    provider: User
    coordinator: User
    connector: User
    manager: User
    researcher: User
    admin: User
    outsider: User
    outsider_link_worker: User
    team_a: Team
    team_b: Team

    @classmethod
    def setUpTestData(cls) -> None:
        cls.health_centre_a = make_organization(
            "Vårdcentralen Ålidhem", Organization.Kind.HEALTH_CENTRE
        )
        cls.health_centre_b = make_organization(
            "Vårdcentralen Teg", Organization.Kind.HEALTH_CENTRE
        )
        cls.municipality = make_organization(
            "Umeå kommun, kultur och fritid", Organization.Kind.MUNICIPALITY
        )
        cls.association = make_organization("Föreningen Gå Tillsammans", org_number="802479-1538")
        cls.gp = make_user(
            "gp@example.org", cls.health_centre_a, Role.CLINICIAN, first_name="Greta"
        )
        cls.link_worker = make_user("lw@example.org", cls.health_centre_a, Role.LINK_WORKER)
        cls.provider = make_user("provider@example.org", cls.association, Role.PROVIDER)
        cls.coordinator = make_user("coord@example.org", cls.municipality, Role.COORDINATOR)
        cls.connector = make_user("connector@example.org", cls.health_centre_a, Role.CONNECTOR)
        cls.manager = make_user("manager@example.org", cls.municipality, Role.MANAGER)
        cls.researcher = make_user("researcher@example.org", cls.municipality, Role.RESEARCHER)
        cls.admin = make_user("admin@example.org", cls.municipality, Role.ADMINISTRATOR)
        cls.outsider = make_user("outsider@example.org", cls.health_centre_b, Role.CLINICIAN)
        cls.outsider_link_worker = make_user(
            "outsider-lw@example.org", cls.health_centre_b, Role.LINK_WORKER
        )
        cls.team_a = make_team("Hälsolotsarna Ålidhem", cls.health_centre_a, cls.link_worker)
        cls.team_b = make_team("Hälsolotsarna Teg", cls.health_centre_b, cls.outsider_link_worker)

    def login(self, user: User) -> None:
        self.client.force_login(user)

    @staticmethod
    def today() -> dt.date:
        return timezone.localdate()


# --- canaries: unique values that show where a person's data travels --------------------

# Figures a test reports (access matrix, audit coverage, canaries): printed at once, and
# repeated at the end of every run by conftest.py's terminal summary (also under xdist).
FIGURES: list[tuple[str, str]] = []


def report_figure(name: str, text: str) -> None:
    FIGURES.append((name, text))
    print(f"\n{name}: {text}")


def luhn_digit(digits: str) -> str:
    """The check digit of a Swedish identity number's first nine digits (YYMMDDNNN)."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def swedish_identity_number(born: dt.date, serial: int, *, coordination: bool = False) -> str:
    """A valid personnummer (or samordningsnummer: day + 60), normalised to 12 digits."""
    day = born.day + (60 if coordination else 0)
    short = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born:%Y%m}{day:02d}{serial:03d}{luhn_digit(short)}"


def canary_person(tag: str, born: dt.date, **extra: Any) -> Person:
    """A person whose every identifying field holds a value found nowhere else.

    `tag` (ASCII letters) makes the values unique; `born` gives the birth date and, with it,
    the identity number. Search a response for `canary_values(person)`."""
    serial = 100 + sum(map(ord, tag)) % 800
    fields: dict[str, Any] = {
        "first_name": f"Fornamn{tag}",
        "last_name": f"Kanarie{tag}",
        "birth_date": born,
        "identity_number": swedish_identity_number(born, serial),
        "identity_kind": "personnummer",
        "phone": f"+4670{born:%y%m%d}{serial % 10}",
        "email": f"kanarie.{tag.lower()}@example.net",
        "address": f"Kanariegatan {tag} 17",
        "postcode": "903 26",
        "city": "Umeå",
    }
    fields.update(extra)
    return make_person(**fields)


def canary_values(person: Person) -> dict[str, tuple[str, ...]]:
    """Each identifying field of `person`, in the forms a page or a log could show it."""
    from lotsa.lib import phones

    number = person.identity_number
    values = {
        "first name": (person.first_name,),
        "last name": (person.last_name,),
        "identity number": (number, number[2:], f"{number[:8]}-{number[8:]}", number[:8]),
        "phone": (person.phone, phones.display(person.phone)),
        "e-mail": (person.email,),
        "address": (person.address,),
    }
    return {field: forms for field, forms in values.items() if all(forms)}


# --- PII canaries in logs and mail subjects (used by conftest.py for every test) ---------

# Swedish personnummer/samordningsnummer (YYMMDD or YYYYMMDD, +/- optional, four digits) and
# Danish CPR (DDMMYY-NNNN) have the same shape: six or eight digits, then four.
IDENTITY_NUMBER_SHAPE = re.compile(r"(?<!\d)(?:\d{8}|\d{6})[-+ ]?\d{4}(?!\d)")


class PeopleSeen:
    """Every person saved during the session: their identity numbers and full names.

    Filled from a signal as people are saved (conftest.py), so that the check needs no query
    and still knows the people whose test transaction was rolled back before it runs (a
    unittest-style TestCase rolls back inside the test call)."""

    def __init__(self) -> None:
        self.identity_numbers: set[str] = set()
        # Full names by their last word: finding a text's words first keeps the check cheap
        # however many people the session made.
        self.names_by_last_word: dict[str, set[str]] = {}

    def add(self, person: Person) -> None:
        digits = re.sub(r"\D", "", person.identity_number or "")
        if len(digits) >= 10:
            self.identity_numbers.add(digits[-10:])
        first, last = person.first_name.strip(), person.last_name.strip()
        if first and last:
            name = f"{first} {last}"
            self.names_by_last_word.setdefault(name.split()[-1], set()).add(name)

    def found_in(self, text: str) -> list[str]:
        """What of a person `text` holds: "identity number", "full name" (never the value)."""
        found = []
        for match in IDENTITY_NUMBER_SHAPE.finditer(text):
            if re.sub(r"\D", "", match.group())[-10:] in self.identity_numbers:
                found.append("identity number")
                break
        for word in set(re.findall(r"\w+", text)) & self.names_by_last_word.keys():
            if any(name in text for name in self.names_by_last_word[word]):
                found.append("full name")
                break
        return found


PEOPLE_SEEN = PeopleSeen()
# Every log record of the running test, whatever its logger (conftest.py fills and clears it).
LOG_RECORDS: list[logging.LogRecord] = []


def log_text(record: logging.LogRecord) -> str:
    """A record as a log file would hold it: the message and any traceback."""
    try:
        text = record.getMessage()
    except Exception:  # a bad format string still leaves its parts to search
        text = f"{record.msg} {record.args}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        text += "\n" + record.exc_text
    return text


def pii_findings(records: list[logging.LogRecord], subjects: list[str]) -> list[str]:
    """Where a person's identity number or full name was logged or put in a mail subject."""
    findings = []
    for record in records:
        for what in PEOPLE_SEEN.found_in(log_text(record)):
            findings.append(f"{what} of a person in a {record.levelname} of {record.name!r}")
    for subject in subjects:
        for what in PEOPLE_SEEN.found_in(subject):
            findings.append(f"{what} of a person in the e-mail subject {subject!r}")
    return findings
