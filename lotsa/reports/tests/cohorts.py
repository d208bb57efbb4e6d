"""Cohorts for the managers' reports' tests: referrals, cases, follow-ups, assessments and
health-care use made straight in the database at chosen moments, and a reader for the
XLSX files the reports write."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

from django.utils import timezone

from lotsa.accounts.models import Team, User
from lotsa.directory.models import Offering
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, FollowUp, HealthcareUse, Mode
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import ActivityReferral, Case, Referral

_serial = iter(range(1, 1_000_000))


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """A moment on `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_cohort_referral(
    team: Team,
    *,
    referred: dt.date,
    born: dt.date | None = dt.date(1960, 6, 1),
    sex: str = Person.Sex.FEMALE,
    municipality: str = "SE-2480",
    city: str = "Umeå",
    reasons: tuple[str, ...] = (Referral.Reason.LONELINESS,),
    source: str = Referral.Source.CLINICIAN,
    status: str = Referral.Status.NEW,
    due_on: dt.date | None = None,
    first_contact_at: dt.datetime | None = None,
    referring_organization: Any = None,
) -> Referral:
    number = next(_serial)
    person = Person.objects.create(
        first_name=f"Testperson{number}",
        last_name="Kohort",
        birth_date=born,
        sex=sex,
        municipality=municipality,
        city=city,
    )
    referral = Referral.objects.create(
        source=source,
        person=person,
        team=team,
        referring_organization=referring_organization,
        reasons=list(reasons),
        status=status,
        due_on=due_on or referred + dt.timedelta(days=5),
        first_contact_at=first_contact_at,
    )
    # `created_at` is set on creation: move it to the day the test needs.
    Referral.objects.filter(pk=referral.pk).update(created_at=at(referred))
    referral.refresh_from_db()
    return referral


def make_cohort_case(
    team: Team, link_worker: User | None = None, *, referred: dt.date, **extra: Any
) -> Case:
    extra.setdefault("status", Referral.Status.ACCEPTED)
    extra.setdefault("first_contact_at", at(referred + dt.timedelta(days=1)))
    referral = make_cohort_referral(team, referred=referred, **extra)
    return Case.objects.create(
        referral=referral,
        person=referral.person,
        team=team,
        assigned_to=link_worker,
        opened_at=at(referred),
    )


def start_activity(
    case: Case,
    offering: Offering,
    by: User,
    *,
    status: str = ActivityReferral.Status.IN_PROGRESS,
    started_on: dt.date | None = None,
    stopped_on: dt.date | None = None,
) -> ActivityReferral:
    """An activity referral of `case` to `offering`, started (or only sent: `started_on`
    None and status "requested")."""
    consent = Consent.objects.create(
        person=case.person,
        scope=Consent.Scope.PROVIDER,
        organization=offering.organization,
        fields=["name"],
        method=Consent.Method.VERBAL,
    )
    participation = ""
    if started_on is not None:
        participation = (
            ActivityReferral.Participation.STOPPED
            if stopped_on
            else ActivityReferral.Participation.ATTENDING
        )
    return ActivityReferral.objects.create(
        case=case,
        offering=offering,
        consent=consent,
        status=status,
        reason=ActivityReferral.Reason.PERSON_DECLINED
        if status in ActivityReferral.NEEDS_REASON
        else "",
        started_on=started_on,
        stopped_on=stopped_on,
        participation=participation,
        created_by=by,
    )


def who5_answers(raw: int) -> dict[str, int]:
    """WHO-5 answers summing to `raw` (0–25): the items filled in order."""
    keys = instruments.WHO5.item_keys
    values = [min(5, max(0, raw - 5 * index)) for index in range(len(keys))]
    return dict(zip(keys, values, strict=True))


def ucla3_answers(total: int) -> dict[str, int]:
    """UCLA-3 answers summing to `total` (3–9)."""
    keys = instruments.UCLA3.item_keys
    values = [1, 1, 1]
    for index in range(total - 3):
        values[index % 3] += 1
    return dict(zip(keys, values, strict=True))


def record(
    case: Case,
    months: int,
    instrument: str,
    answers: dict[str, int | None],
    *,
    follow_up: bool = True,
    duplicate_of: Assessment | None = None,
) -> Assessment:
    """An assessment of `case` at the follow-up point `months` (made if missing)."""
    definition = instruments.get(instrument)
    scores = definition.score(answers)
    point = None
    if follow_up:
        point, _created = FollowUp.objects.get_or_create(
            case=case,
            months=months,
            defaults={"due_on": case.opened_at.date() + dt.timedelta(days=30 * months)},
        )
    return Assessment.objects.create(
        case=case,
        follow_up=point,
        instrument=instrument,
        answers=definition.validate(answers),
        scores=scores,
        score=definition.primary_score(scores),
        mode=Mode.WITH_LINK_WORKER,
        duplicate_of=duplicate_of,
    )


def record_who5(case: Case, before: int, after: int, months: int = 3) -> None:
    """WHO-5 at the baseline and at `months`, as percentages (multiples of 4)."""
    record(case, 0, "who5", who5_answers(before // 4))
    record(case, months, "who5", who5_answers(after // 4))


def record_use(case: Case, before: tuple[int, int], after: tuple[int, int]) -> None:
    """Visits (health centre, emergency) in the six months before and after."""
    for period, (gp, emergency) in (
        (HealthcareUse.Period.BEFORE, before),
        (HealthcareUse.Period.AFTER, after),
    ):
        HealthcareUse.objects.create(
            case=case,
            period=period,
            gp_visits=gp,
            emergency_visits=emergency,
            source=HealthcareUse.Source.ENTERED,
        )


# --- reading an XLSX workbook (the stdlib only) ----------------------------------------------

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference)
    index = 0
    for char in letters[0] if letters else "A":
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def _parse(data: bytes) -> ElementTree.Element:
    # The workbook is the one the report under test just wrote: trusted input.
    return ElementTree.fromstring(data)  # noqa: S314


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook: its rows as lists of strings and floats (None: empty)."""
    archive = zipfile.ZipFile(BytesIO(content))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = _parse(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root]
    workbook = _parse(archive.read("xl/workbook.xml"))
    relations = _parse(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in relations}
    sheets: dict[str, list[list[Any]]] = {}
    for sheet in workbook.find("m:sheets", _NS) or []:
        target = str(targets[sheet.get(_REL)]).removeprefix("/xl/").removeprefix("xl/")
        root = _parse(archive.read(f"xl/{target}"))
        rows: list[list[Any]] = []
        for row in root.iter(f"{{{_NS['m']}}}row"):
            index = int(row.get("r", "1")) - 1
            while len(rows) <= index:
                rows.append([])
            cells: list[Any] = []
            for cell in row.findall("m:c", _NS):
                column = _column_index(cell.get("r", "A1"))
                while len(cells) <= column:
                    cells.append(None)
                value = cell.find("m:v", _NS)
                if value is None or value.text is None:
                    continue
                if cell.get("t") == "s":
                    cells[column] = shared[int(value.text)]
                elif cell.get("t") in ("str", "inlineStr"):
                    cells[column] = value.text
                else:
                    cells[column] = float(value.text)
            rows[index] = cells
        sheets[str(sheet.get("name"))] = rows
    return sheets
