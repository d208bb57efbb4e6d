"""Phone numbers: validated and stored in international form (E.164), shown nationally."""

from __future__ import annotations

import phonenumbers


def normalise(number: str, country: str = "SE") -> str:
    """`number` as E.164 (+46701234567); raises ValueError if it cannot be a real number.

    A number without a country code is read as a number in `country` ("SE" or "DK").
    """
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number") from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def display(number: str) -> str:
    """An E.164 number in its country's usual form, or the text as given if it is not one."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))


def is_mobile(number: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(parsed)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
