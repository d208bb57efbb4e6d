"""Template filters for people's contact details."""

from django import template

from lotsa.lib import phones

register = template.Library()


@register.filter
def phone(number: str) -> str:
    """A stored E.164 number as people write it at home: +46701234567 → 070-123 45 67."""
    return phones.display(number) if number else ""
