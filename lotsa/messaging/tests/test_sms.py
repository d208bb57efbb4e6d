"""SMS backends are chosen by setting, like Django's e-mail backends."""

from __future__ import annotations

import logging

from django.test import SimpleTestCase, override_settings

from lotsa.messaging import sms


class SmsBackendTests(SimpleTestCase):
    def test_tests_keep_messages_in_the_outbox(self) -> None:
        self.assertEqual(sms.send_sms("+46701234567", "Hej"), 1)
        self.assertEqual(sms.outbox, [sms.SmsMessage(to="+46701234567", body="Hej")])

    @override_settings(SMS_BACKEND="lotsa.messaging.sms.ConsoleBackend")
    def test_the_console_backend_prints(self) -> None:
        from io import StringIO
        from unittest import mock

        out = StringIO()
        with mock.patch("sys.stdout", out):
            sms.send_sms("+46701234567", "Välkommen")
        self.assertIn("Välkommen", out.getvalue())
        self.assertEqual(sms.outbox, [])

    @override_settings(SMS_BACKEND="lotsa.messaging.sms.LogBackend")
    def test_the_log_backend_never_logs_the_number_or_the_text(self) -> None:
        with self.assertLogs("lotsa.messaging.sms", logging.INFO) as logs:
            sent = sms.send_sms("+46701234567", "Personlig text")
        self.assertEqual(sent, 0)
        joined = "\n".join(logs.output)
        self.assertNotIn("+46701234567", joined)
        self.assertNotIn("Personlig", joined)
