"""Template filters for the managers' reports: shares as percentages, signed changes, p-values
and intervals, in the page's language (decimal comma in Swedish and Danish)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

# A dash for a value that is not there (suppressed, or not computable).
MISSING = "–"
MINUS = "\u2212"


def _number(value: float, digits: int) -> str:
    """`value` rounded (Django's number_format cuts, it does not round) and localised, with
    a real minus sign."""
    rounded = round(float(value), digits)
    text = number_format(abs(rounded), digits, force_grouping=True)
    return f"{MINUS}{text}" if rounded < 0 else text


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.123 → "12 %" (a share as a percentage)."""
    if value is None:
        return MISSING
    return f"{_number(value * 100, int(digits))}\u00a0%"


@register.filter
def decimal(value: float | None, digits: int = 1) -> str:
    """A number with `digits` decimals, localised; a dash when missing."""
    if value is None:
        return MISSING
    return _number(value, int(digits))


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign: +1.5, −2.0 (a real minus sign), 0.0."""
    if value is None:
        return MISSING
    text = _number(value, int(digits))
    return f"+{text}" if round(value, int(digits)) > 0 else text


@register.filter
def interval(low: float | None, high: float | None) -> str:
    """A confidence interval: "−3.1 to +0.4"; a dash when missing. Use `low|interval:high`."""
    if low is None or high is None:
        return MISSING
    return _("%(low)s to %(high)s") % {"low": signed(low), "high": signed(high)}


@register.filter
def p_value(value: float | None) -> str:
    """A p-value as read: "p = 0.034", or "p < 0.001"."""
    if value is None:
        return MISSING
    if value < 0.001:
        return f"p < {number_format(0.001, 3)}"
    return f"p = {_number(value, 3)}"


CURRENCY_SIGNS = {"SEK": "kr", "DKK": "kr."}


@register.filter
def money(value: float | None, currency: str = "SEK") -> str:
    """An amount in whole kronor with its sign: "6 000 kr" (SEK), "6.000 kr." (DKK)."""
    if value is None:
        return MISSING
    return f"{_number(value, 0)}\u00a0{CURRENCY_SIGNS.get(currency, currency)}"


@register.simple_tag
def sensitivity(low: float | None, high: float | None, currency: str = "") -> str:
    """A range of amounts ("−1,502 kr to 12,836 kr") or, without a currency, of ratios
    ("−0.37 to 3.20"); a dash when there is none."""
    if low is None or high is None:
        return MISSING
    if currency:
        ends = {"low": money(low, currency), "high": money(high, currency)}
    else:
        ends = {"low": decimal(low, 2), "high": decimal(high, 2)}
    return _("%(low)s to %(high)s") % ends


@register.filter
def absolute(value: float | None) -> float | None:
    """The size of a number without its sign ("costs 4,745 kr more", not "−4,745")."""
    return None if value is None else abs(value)
