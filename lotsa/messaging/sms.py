"""SMS backends, chosen by the `SMS_BACKEND` setting like Django's e-mail backends.

`console` prints (development), `locmem` keeps messages in `outbox` (tests), `log` writes a
line without the text (production until an operator's gateway backend is configured). A
gateway backend is a class with `send_messages(messages) -> int`.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Sequence

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

outbox: list[SmsMessage] = []


@dataclasses.dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class ConsoleBackend:
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        return len(messages)


class LocmemBackend:
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class LogBackend:
    """Records that a message was due, never its text or number (they are personal data)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS not sent: no gateway configured (%d characters)", len(message.body))
        return 0


def send_sms(to: str, body: str) -> int:
    backend = import_string(settings.SMS_BACKEND)()
    return int(backend.send_messages([SmsMessage(to=to, body=body)]))
