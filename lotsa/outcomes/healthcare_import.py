"""Importing health-care use from a CSV file: visits to the health centre and to the
emergency department in the six months before and after each person's referral.

The format (docs: /tmp/lotsa/docs-casework.md, "Importing health-care use"):

    case,identity_number,period,gp_visits,emergency_visits,counted_on
    0f6c…-…,,before,4,1,2025-03-03
    ,19460312-1234,after,2,0,2025-09-10

- A header row names the columns, in any order; comma, semicolon or tab separated; UTF-8
  (with or without a byte order mark; a file saved as Windows-1252 is read too).
- `case`: the case reference shown on the case page; or `identity_number`: a Swedish
  personnummer/samordningsnummer or a Danish CPR number, matched to the person's case among
  the cases the importer may reach (a link worker: their team's). A row needs one of them.
- `period`: `before` or `after` (the six months before or after the referral).
- `gp_visits`, `emergency_visits`: whole numbers, 0 to 365.
- `counted_on`: the day the visits were counted (YYYY-MM-DD): not in the future, not before
  the referral for `before`, and not before the six months after the referral had passed for
  `after` (figures for a period not yet over are refused).

All or nothing: every bad row is reported with its line number and what is wrong, and then
nothing of the file is imported. A case and period already recorded is replaced. No message
ever repeats an identity number.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import uuid
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lotsa.accounts.models import User
from lotsa.lib import identitynumbers
from lotsa.referrals.models import Case

from .actions import record_healthcare_use
from .models import HealthcareUse

COLUMNS = ("case", "identity_number", "period", "gp_visits", "emergency_visits", "counted_on")
REQUIRED = ("period", "gp_visits", "emergency_visits", "counted_on")
# What an unknown column's name may look like to be named in a problem (a typo such as
# "gp_visit"); anything else is not a header.
COLUMN_NAME = re.compile(r"[a-z_]{1,40}")
MAX_VISITS = 365
MAX_ROWS = 50_000
PERIOD_MONTHS = 6


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with one line (0: the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return _("Line %(line)d: %(problem)s") % {"line": self.line, "problem": self.message}


@dataclasses.dataclass
class Report:
    rows: int = 0
    created: int = 0
    replaced: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    @property
    def is_ok(self) -> bool:
        return not self.problems

    @property
    def imported(self) -> int:
        return self.created + self.replaced


@dataclasses.dataclass(frozen=True)
class Row:
    line: int
    case: Case
    period: str
    gp_visits: int
    emergency_visits: int


def decode(data: bytes) -> str:
    """UTF-8 (a byte order mark is dropped); else Windows-1252, as a spreadsheet saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for every row after the header that is not empty."""
    reader = csv.reader(io.StringIO(text), _dialect(text))
    header: list[str] | None = None
    for values in reader:
        if header is None:
            header = [name.strip().lower() for name in values]
            yield 1, {name: name for name in header}
            continue
        if not any(value.strip() for value in values):
            continue
        yield reader.line_num, dict(zip(header, (value.strip() for value in values), strict=False))


def _whole_number(value: str, column: str) -> tuple[int | None, str]:
    try:
        number = int(value)
    except ValueError:
        return None, _("%(column)s is not a whole number") % {"column": column}
    if number < 0:
        return None, _("%(column)s cannot be negative") % {"column": column}
    if number > MAX_VISITS:
        return None, _("%(column)s is more than %(max)d") % {"column": column, "max": MAX_VISITS}
    return number, ""


def identity_values(value: str) -> set[str]:
    """The stored forms a written identity number may have: Swedish and Danish readings."""
    found = set()
    for country in ("SE", "DK"):
        try:
            found.add(identitynumbers.parse(value, country).value)
        except ValueError:
            continue
    return found


class Matcher:
    """Finds a row's case among `cases`: by its reference, or by the person's identity
    number (one case in reach, else the row must name the case)."""

    def __init__(self, cases: QuerySet[Case]) -> None:
        self.cases = cases.select_related("referral", "person")

    def by_reference(self, reference: str) -> tuple[Case | None, str]:
        try:
            key = uuid.UUID(reference)
        except ValueError:
            return None, _("the case reference is not one (copy it from the case page)")
        case = self.cases.filter(uuid=key).first()
        if case is None:
            return None, _("no case with this reference among your cases")
        return case, ""

    def by_identity_number(self, number: str) -> tuple[Case | None, str]:
        values = identity_values(number)
        if not values:
            return None, _("the identity number is not valid")
        found = list(self.cases.filter(person__identity_number__in=values)[:2])
        if not found:
            return None, _("no case among yours for the person with this identity number")
        if len(found) > 1:
            return None, _("the person has more than one case: give the case reference instead")
        return found[0], ""


def referral_day(case: Case) -> dt.date:
    """The day the six months before and after are counted from: the referral's."""
    return timezone.localdate(case.referral.created_at)


def _check_date(value: str, period: str | None, case: Case | None, today: dt.date) -> str:
    try:
        counted_on = dt.date.fromisoformat(value)
    except ValueError:
        return _("counted_on is not a date (YYYY-MM-DD)")
    if counted_on > today:
        return _("counted_on is in the future")
    if case is None or period is None:
        return ""
    referred = referral_day(case)
    if period == HealthcareUse.Period.BEFORE and counted_on < referred:
        return _("counted_on is before the referral (%(date)s)") % {"date": referred.isoformat()}
    period_end = referred + relativedelta(months=PERIOD_MONTHS)
    if period == HealthcareUse.Period.AFTER and counted_on < period_end:
        return _("the six months after the referral end on %(date)s: count them after that") % {
            "date": period_end.isoformat()
        }
    return ""


def read(
    data: bytes, cases: QuerySet[Case], today: dt.date | None = None
) -> tuple[list[Row], list[Problem]]:
    """Every row of the file, checked; and every problem found (nothing is written)."""
    try:
        if b"\x00" in data:
            raise csv.Error("binary")
        return _read(data, cases, today or timezone.localdate())
    except csv.Error:
        # A NUL byte, a field past the csv module's limit: not a CSV file. The message never
        # quotes the file (it may hold identity numbers).
        return [], [Problem(0, _("The file cannot be read as CSV: save it as CSV and try again."))]


def _read(data: bytes, cases: QuerySet[Case], today: dt.date) -> tuple[list[Row], list[Problem]]:
    matcher = Matcher(cases)
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    lines = _rows(decode(data))
    header = next(lines, None)
    if header is None:
        return [], [Problem(0, _("The file is empty."))]
    columns = set(header[1])
    unknown = sorted(columns - set(COLUMNS) - {""})
    if any(not COLUMN_NAME.fullmatch(name) for name in unknown):
        # A file without its header row: its first row would be quoted back (it may hold an
        # identity number), so the problem is said without it.
        return [], [Problem(1, _("the first line must name the columns: %(columns)s") % {
            "columns": ", ".join(COLUMNS)
        })]  # fmt: skip
    if unknown:
        problems.append(
            Problem(1, _("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        )
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append(
            Problem(1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
    if not columns & {"case", "identity_number"}:
        problems.append(Problem(1, _("a column case or identity_number is needed")))
    if problems:
        return [], problems
    for count, (line, values) in enumerate(lines, start=1):
        if count > MAX_ROWS:
            problems.append(
                Problem(line, _("more than %(max)d rows: split the file") % {"max": MAX_ROWS})
            )
            break
        found = _check_row(line, values, matcher, today)
        if isinstance(found, Row):
            key = (found.case.pk, found.period)
            if key in seen:
                problems.append(
                    Problem(
                        line, _("the same case and period as line %(line)d") % {"line": seen[key]}
                    )
                )
            else:
                seen[key] = line
                rows.append(found)
        else:
            problems.append(Problem(line, "; ".join(found)))
    if not rows and not problems:
        problems.append(Problem(0, _("The file holds no rows.")))
    return rows, problems


def _check_row(
    line: int, values: dict[str, str], matcher: Matcher, today: dt.date
) -> Row | list[str]:
    wrong: list[str] = []
    reference = values.get("case", "")
    number = values.get("identity_number", "")
    case: Case | None = None
    if reference:
        case, problem = matcher.by_reference(reference)
        if problem:
            wrong.append(problem)
        elif (
            number
            and case is not None
            and case.person.identity_number not in identity_values(number)
        ):
            wrong.append(_("the case reference and the identity number are not the same person's"))
            case = None
    elif number:
        case, problem = matcher.by_identity_number(number)
        if problem:
            wrong.append(problem)
    else:
        wrong.append(_("give a case reference or an identity number"))
    period: str | None = values.get("period", "").lower()
    if period not in HealthcareUse.Period.values:
        wrong.append(_("period must be before or after"))
        period = None
    gp_visits, problem = _whole_number(values.get("gp_visits", ""), "gp_visits")
    if problem:
        wrong.append(problem)
    emergency_visits, problem = _whole_number(
        values.get("emergency_visits", ""), "emergency_visits"
    )
    if problem:
        wrong.append(problem)
    if problem := _check_date(values.get("counted_on", ""), period, case, today):
        wrong.append(problem)
    if wrong:
        return wrong
    assert case is not None and period is not None
    assert gp_visits is not None and emergency_visits is not None
    return Row(line, case, period, gp_visits, emergency_visits)


def import_healthcare_use(
    data: bytes,
    *,
    cases: QuerySet[Case],
    acting_user: User | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> Report:
    """Check the whole file, then, if every row is good, record every row in one
    transaction (`record_healthcare_use`, audited row by row); else record nothing."""
    rows, problems = read(data, cases, today)
    report = Report(rows=len(rows), problems=problems, dry_run=dry_run)
    if problems:
        return report
    existing = set(
        HealthcareUse.objects.filter(case__in=[row.case.pk for row in rows]).values_list(
            "case_id", "period"
        )
    )
    report.replaced = sum((row.case.pk, row.period) in existing for row in rows)
    report.created = len(rows) - report.replaced
    if dry_run:
        return report
    with transaction.atomic():
        for row in rows:
            record_healthcare_use(
                row.case,
                period=row.period,
                gp_visits=row.gp_visits,
                emergency_visits=row.emergency_visits,
                acting_user=acting_user,
                source=HealthcareUse.Source.IMPORTED,
            )
    return report


def column_help() -> list[tuple[str, str]]:
    """Each column and what it holds, in the active language, for the import page."""
    return [
        ("case", _("The case reference shown on the case page, under “Outcomes and follow-up”.")),
        (
            "identity_number",
            _(
                "Or the person's personnummer, samordningsnummer or CPR number: it finds the "
                "person's case in your team. Give one of the two."
            ),
        ),
        (
            "period",
            _("before (the six months before the referral) or after (the six months after it)."),
        ),
        (
            "gp_visits",
            _("Visits to the health centre in the period: a whole number from 0 to %(max)d.")
            % {"max": MAX_VISITS},
        ),
        (
            "emergency_visits",
            _("Visits to the emergency department in the period: a whole number from 0 to %(max)d.")
            % {"max": MAX_VISITS},
        ),
        (
            "counted_on",
            _(
                "The day the visits were counted, as YYYY-MM-DD: not before the referral for "
                "before, and not before the six months after the referral are over for after."
            ),
        ),
    ]


def template_csv() -> str:
    """An empty file with the header, to download and fill in."""
    return ",".join(COLUMNS) + "\r\n"
