"""Personal identity numbers: Swedish personnummer and samordningsnummer, Danish CPR.

Validated by the `personnummer` package (Sweden, both kinds) and python-stdnum (Denmark). An
identity number is never required, and it never appears in a URL, a log line or an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from personnummer import personnummer as se_personnummer
from stdnum import exceptions
from stdnum.dk import cpr


@dataclasses.dataclass(frozen=True)
class IdentityNumber:
    country: str  # "SE" or "DK"
    kind: str  # "personnummer", "samordningsnummer" or "cpr"
    value: str  # normalised: SE 12 digits (YYYYMMDDNNNN), DK 10 digits (DDMMYYNNNN)
    birth_date: dt.date

    def masked(self) -> str:
        """The number with its last four digits hidden, for lists and confirmations."""
        return self.value[:-4] + "····"


def parse(number: str, country: str | None = None) -> IdentityNumber:
    """Validate and normalise `number`; raises ValueError (without echoing it) when invalid.

    Without `country`, a number that is valid in exactly one country's format is accepted.
    """
    digits = re.sub(r"[\s+-]", "", number)
    if not digits.isdigit():
        raise ValueError("not an identity number")
    candidates = [country] if country else ["SE", "DK"]
    found = [parsed for c in candidates if (parsed := _parse_in(digits, c)) is not None]
    if len(found) != 1:
        raise ValueError("not a valid identity number")
    return found[0]


def _parse_in(digits: str, country: str) -> IdentityNumber | None:
    if country == "SE" and len(digits) in (10, 12):
        try:
            parsed = se_personnummer.parse(digits)
        except se_personnummer.PersonnummerException:
            return None
        kind = "samordningsnummer" if parsed.is_coordination_number() else "personnummer"
        return IdentityNumber("SE", kind, parsed.format(True), parsed.get_date())
    if country == "DK" and len(digits) == 10:
        try:
            value = cpr.validate(digits)
            born = cpr.get_birth_date(value)
        except exceptions.ValidationError:
            return None
        return IdentityNumber("DK", "cpr", value, born)
    return None
