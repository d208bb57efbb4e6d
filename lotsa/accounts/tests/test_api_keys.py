"""API keys of organisations' systems: stored hashed, shown once, scoped, revocable, logged."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from lotsa.accounts import actions, apikeys
from lotsa.accounts.models import ApiKey
from lotsa.audit.models import AuditEvent
from lotsa.test import BaseTestCase

URL = "/api/key/"
Scope = ApiKey.Scope


class ApiKeyTestCase(BaseTestCase):
    def make_key(self, *scopes: str, **extra: object) -> tuple[ApiKey, str]:
        return actions.create_api_key(
            self.association,
            name="Föreningsregistret",
            scopes=scopes or (Scope.DIRECTORY_READ,),
            acting_user=self.admin,
            **extra,  # type: ignore[arg-type]
        )

    def get(self, key: str | None = None, header: str = "Authorization", **extra: str):
        if key is not None:
            extra[f"HTTP_{header.upper().replace('-', '_')}"] = (
                f"Bearer {key}" if header == "Authorization" else key
            )
        return self.client.get(URL, **extra)

    def uses(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(object_type="accounts.apikey").order_by("sequence"))

    def assert_problem(self, response, status: int, code: str) -> dict:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = json.loads(response.content)
        self.assertEqual(set(body), {"type", "title", "status", "detail"})
        self.assertEqual(body["status"], status)
        self.assertEqual(body["type"], f"urn:lotsa:problem:{code}")
        return body


class TheKeyIsKeptHashedTests(ApiKeyTestCase):
    def test_the_secret_is_in_no_column(self) -> None:
        api_key, key = self.make_key()
        secret = key.split("_", 2)[2]
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apikey")
            row = " ".join(str(value) for value in cursor.fetchone())
        self.assertNotIn(secret, row)
        self.assertNotIn(key, row)
        self.assertIn(api_key.prefix, row)
        self.assertEqual(api_key.secret_hash, apikeys.hash_secret(secret))

    def test_a_key_has_the_prefix_and_32_random_bytes(self) -> None:
        _api_key, key = self.make_key()
        self.assertRegex(key, apikeys.KEY_PATTERN)
        self.assertNotEqual(key, self.make_key()[1])

    def test_making_a_key_is_logged_with_the_maker(self) -> None:
        api_key, _key = self.make_key()
        event = self.uses()[-1]
        self.assertEqual(event.action, AuditEvent.Action.CREATE)
        self.assertEqual(event.user, self.admin)
        self.assertEqual(event.object_id, str(api_key.pk))
        self.assertEqual(event.organization_id, self.association.pk)
        self.assertEqual(api_key.created_by, self.admin)


class TheKeyEndpointTests(ApiKeyTestCase):
    def test_a_valid_key_learns_what_it_is(self) -> None:
        expires = timezone.now() + dt.timedelta(days=30)
        api_key, key = self.make_key(Scope.DIRECTORY_READ, Scope.REFERRALS_READ, expires_at=expires)
        response = self.get(key)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            json.loads(response.content),
            {
                "organization": "Föreningen Gå Tillsammans",
                "name": "Föreningsregistret",
                "scopes": ["directory:read", "referrals:read"],
                "expires_at": expires.isoformat(),
            },
        )
        self.assertIn("no-store", response["Cache-Control"])
        api_key.refresh_from_db()
        self.assertIsNotNone(api_key.last_used_at)

    def test_the_key_may_come_in_x_api_key(self) -> None:
        _api_key, key = self.make_key()
        self.assertEqual(self.get(key, header="X-Api-Key").status_code, 200)

    def test_every_use_is_logged_with_the_unit_the_path_and_the_ip(self) -> None:
        api_key, key = self.make_key()
        before = len(self.uses())
        self.get(key, REMOTE_ADDR="192.0.2.7", QUERY_STRING="secret=x")
        events = self.uses()[before:]
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(event.action, AuditEvent.Action.READ)
        self.assertEqual(event.object_id, str(api_key.pk))
        self.assertEqual(event.organization_id, self.association.pk)
        self.assertEqual(event.purpose, "GET /api/key/")
        self.assertEqual(event.ip_address, "192.0.2.7")
        self.assertIsNone(event.user)

    def test_a_use_costs_a_fixed_number_of_queries(self) -> None:
        _api_key, key = self.make_key()
        self.get(key)
        # The key with its organisation; in one transaction (two savepoints here) the last-use
        # stamp and the event: the chain's head (PostgreSQL locks it first), the insert.
        expected = 8 + (1 if connection.vendor == "postgresql" else 0)
        with self.assertNumQueries(expected):
            self.assertEqual(self.get(key).status_code, 200)

    def test_a_missing_key_gets_401_with_a_challenge(self) -> None:
        response = self.get()
        self.assert_problem(response, 401, "api-key-missing")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="lotsa"')
        self.assertEqual(self.uses()[-1].action, AuditEvent.Action.DENIED)

    def test_a_wrong_secret_is_refused_and_logged_against_the_key(self) -> None:
        api_key, key = self.make_key()
        forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
        response = self.get(forged)
        self.assert_problem(response, 401, "api-key-invalid")
        self.assertIn('error="invalid_token"', response["WWW-Authenticate"])
        event = self.uses()[-1]
        self.assertEqual(event.action, AuditEvent.Action.DENIED)
        self.assertEqual(event.object_id, str(api_key.pk))
        self.assertEqual(event.organization_id, self.association.pk)

    def test_garbage_is_refused_never_a_500(self) -> None:
        for value in ["x", "lotsa_", "lotsa_zz_zz", "Bearer", "lotsa_" + "a" * 500, "å∂ƒ"]:
            with self.subTest(value=value):
                self.assert_problem(self.get(value), 401, "api-key-invalid")
        self.assert_problem(
            self.get("", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg=="), 401, "api-key-missing"
        )

    def test_a_revoked_key_is_refused(self) -> None:
        api_key, key = self.make_key()
        actions.revoke_api_key(api_key, acting_user=self.admin)
        self.assert_problem(self.get(key), 401, "api-key-revoked")
        self.assertEqual(self.uses()[-1].action, AuditEvent.Action.DENIED)

    def test_an_expired_key_is_refused(self) -> None:
        api_key, key = self.make_key(expires_at=timezone.now() + dt.timedelta(minutes=5))
        ApiKey.objects.filter(pk=api_key.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        self.assert_problem(self.get(key), 401, "api-key-expired")

    def test_other_methods_get_405_as_a_problem(self) -> None:
        _api_key, key = self.make_key()
        for method in ("post", "put", "delete", "patch"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
                self.assert_problem(response, 405, "method-not-allowed")
                self.assertEqual(response["Allow"], "GET, HEAD")

    def test_the_endpoint_needs_no_language_prefix_and_no_session(self) -> None:
        _api_key, key = self.make_key()
        self.login(self.gp)  # a session changes nothing
        self.assertEqual(self.get(key).status_code, 200)
        self.assertEqual(self.client.get("/sv/api/key/").status_code, 404)


class ScopeTests(ApiKeyTestCase):
    def request(self, key: str):
        return RequestFactory().get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")

    def test_a_key_is_accepted_for_its_scopes(self) -> None:
        api_key, key = self.make_key(Scope.REFERRALS_READ)
        self.assertEqual(apikeys.authenticate(self.request(key), Scope.REFERRALS_READ), api_key)

    def test_a_key_outside_its_scope_is_refused_with_403(self) -> None:
        api_key, key = self.make_key(Scope.DIRECTORY_READ)
        with self.assertRaises(apikeys.OutOfScope) as raised:
            apikeys.authenticate(self.request(key), Scope.REFERRALS_WRITE)
        self.assertEqual(raised.exception.status, 403)
        event = self.uses()[-1]
        self.assertEqual(event.action, AuditEvent.Action.DENIED)
        self.assertEqual(event.object_id, str(api_key.pk))

    def test_an_unknown_scope_is_a_programming_error(self) -> None:
        _api_key, key = self.make_key()
        with self.assertRaises(ValueError):
            apikeys.authenticate(self.request(key), "people:everything")

    def test_a_key_needs_a_known_scope(self) -> None:
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.make_key("people:everything")


class CommandTests(ApiKeyTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def test_create_prints_the_key_once_and_it_works(self) -> None:
        output = self.run_command(
            "create_api_key",
            "--organization",
            str(self.association.pk),
            "--name",
            "Journalsystemet",
            "--scope",
            "directory:read",
            "--scope",
            "referrals:read",
            "--expires",
            (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        )
        key = output.strip().splitlines()[-1]
        self.assertRegex(key, apikeys.KEY_PATTERN)
        self.assertIn("shown only this once", output)
        api_key = ApiKey.objects.get(name="Journalsystemet")
        self.assertEqual(api_key.scopes, ["directory:read", "referrals:read"])
        self.assertEqual(self.get(key).status_code, 200)

    def test_create_refuses_bad_input(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command(
                "create_api_key",
                "--organization",
                "999999",
                "--name",
                "x",
                "--scope",
                "directory:read",
            )
        with self.assertRaises(CommandError):
            self.run_command(
                "create_api_key",
                "--organization",
                str(self.association.pk),
                "--name",
                "x",
                "--scope",
                "directory:read",
                "--expires",
                "2020-01-01",
            )
        with self.assertRaises(CommandError):
            self.run_command(
                "create_api_key",
                "--organization",
                str(self.association.pk),
                "--name",
                "x",
                "--scope",
                "directory:read",
                "--expires",
                "soon",
            )

    def test_revoke_by_prefix_ends_the_key(self) -> None:
        api_key, key = self.make_key()
        output = self.run_command("revoke_api_key", api_key.prefix)
        self.assertIn("revoked", output)
        self.assertNotIn(key, output)
        self.assert_problem(self.get(key), 401, "api-key-revoked")
        self.assertIn("already", self.run_command("revoke_api_key", f"lotsa_{api_key.prefix}"))
        with self.assertRaises(CommandError):
            self.run_command("revoke_api_key", "000000000000")


class AdminTests(ApiKeyTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin.is_staff = True
        cls.admin.is_superuser = True
        cls.admin.save()

    def test_the_admin_shows_the_new_key_once_and_keeps_it_nowhere(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/en/admin/accounts/apikey/add/",
            {
                "organization": self.association.pk,
                "name": "Bokningssystemet",
                "scopes": ["directory:read"],
                "expires_at_0": "",
                "expires_at_1": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        api_key = ApiKey.objects.get(name="Bokningssystemet")
        content = response.content.decode()
        key = next(
            word.split('"')[1] for word in content.split("value=") if word.startswith('"lotsa_')
        )
        self.assertRegex(key, apikeys.KEY_PATTERN)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn(key, str(dict(self.client.session)))
        self.assertNotIn(key, str(response.cookies))
        # Never again: the list and the key's page show the prefix only.
        for url in (
            "/en/admin/accounts/apikey/",
            f"/en/admin/accounts/apikey/{api_key.pk}/change/",
        ):
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200)
            self.assertContains(page, api_key.prefix)
            self.assertNotContains(page, key)
        self.assertEqual(self.get(key).status_code, 200)

    def test_the_admin_refuses_an_expiry_in_the_past(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/en/admin/accounts/apikey/add/",
            {
                "organization": self.association.pk,
                "name": "Gammal",
                "scopes": ["directory:read"],
                "expires_at_0": "2020-01-01",
                "expires_at_1": "12:00:00",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiKey.objects.filter(name="Gammal").exists())

    def test_the_admin_revokes_with_the_list_action(self) -> None:
        api_key, key = self.make_key()
        self.login(self.admin)
        response = self.client.post(
            "/en/admin/accounts/apikey/",
            {"action": "revoke", "_selected_action": [api_key.pk]},
        )
        self.assertEqual(response.status_code, 302)
        api_key.refresh_from_db()
        self.assertEqual(api_key.revoked_by, self.admin)
        self.assert_problem(self.get(key), 401, "api-key-revoked")

    def test_a_key_cannot_be_deleted_or_changed_in_the_admin(self) -> None:
        api_key, _key = self.make_key()
        self.login(self.admin)
        response = self.client.get(f"/en/admin/accounts/apikey/{api_key.pk}/delete/")
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            f"/en/admin/accounts/apikey/{api_key.pk}/change/", {"name": "Changed"}
        )
        self.assertEqual(response.status_code, 403)
        api_key.refresh_from_db()
        self.assertEqual(api_key.name, "Föreningsregistret")

    def test_a_user_who_is_not_staff_never_sees_the_keys(self) -> None:
        self.login(self.provider)
        response = self.client.get("/en/admin/accounts/apikey/")
        self.assertEqual(response.status_code, 302)
