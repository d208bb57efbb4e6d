"""Organisation numbers: Swedish organisationsnummer and Danish CVR, validated by python-stdnum."""

from stdnum import exceptions
from stdnum.dk import cvr
from stdnum.se import orgnr


def normalise(number: str, country: str) -> str:
    """The number in its usual printed form; raises ValueError if it is not valid."""
    try:
        if country == "SE":
            return str(orgnr.format(orgnr.validate(number)))
        if country == "DK":
            return str(cvr.validate(number))
    except exceptions.ValidationError as error:
        raise ValueError(str(error)) from error
    raise ValueError(f"unknown country {country!r}")
