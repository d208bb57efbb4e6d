"""E-mail from templates, rendered in the recipient's language with absolute links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import sms


def absolute_url(name: str, *args: Any, **kwargs: Any) -> str:
    """`SITE_URL` + the path in the active language (call inside `translation.override`)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args, kwargs=kwargs)


def send_templated_mail(template: str, context: dict[str, Any], *, to: str, language: str) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in `language` and send them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def send_templated_sms(template: str, context: dict[str, Any], *, to: str, language: str) -> None:
    """Render `<template>_sms.txt` in `language` and send it as one text message."""
    with translation.override(language):
        body = render_to_string(f"{template}_sms.txt", context).strip()
    sms.send_sms(to, body)
