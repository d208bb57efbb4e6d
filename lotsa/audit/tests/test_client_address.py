"""The client's address the access log records: the proxy's header when one is configured."""

from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from lotsa.accounts.models import User
from lotsa.audit import events
from lotsa.audit.context import AuditContextMiddleware, client_ip
from lotsa.audit.models import AuditEvent
from lotsa.test import make_case, make_organization, make_team, make_user


class ClientAddressTests(SimpleTestCase):
    def test_it_takes_remote_addr_without_a_proxy_header(self) -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_REAL_IP="203.0.113.9")
        self.assertEqual(client_ip(request), "192.0.2.7")

    @override_settings(LOTSA_CLIENT_IP_HEADER="X-Forwarded-For")
    def test_it_takes_the_first_address_of_the_configured_header(self) -> None:
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1"
        )
        self.assertEqual(client_ip(request), "203.0.113.9")

    @override_settings(LOTSA_CLIENT_IP_HEADER="X-Real-IP")
    def test_it_records_no_address_rather_than_a_wrong_one(self) -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_REAL_IP="not-an-address")
        self.assertIsNone(client_ip(request))
        self.assertIsNone(client_ip(None))


class RequestContextTests(TestCase):
    """Actions write events without the request; the middleware and the first event that names
    a unit fill in the rest."""

    def test_an_action_s_event_gets_the_request_s_address_and_unit(self) -> None:
        user = User.objects.create_user(email="lw@example.org", password="x" * 16)

        def view(request: object) -> HttpResponse:
            events.record(AuditEvent.Action.READ, user, user=user, organization_id=7)
            events.record(AuditEvent.Action.CHANGE, user, user=user)  # as an action would
            return HttpResponse()

        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
        AuditContextMiddleware(view)(request)
        change = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
        self.assertEqual((change.ip_address, change.organization_id), ("192.0.2.7", 7))

    def test_outside_a_request_nothing_is_made_up(self) -> None:
        user = User.objects.create_user(email="task@example.org", password="x" * 16)
        event = events.record(AuditEvent.Action.CHANGE, user, user=None)
        self.assertEqual((event.ip_address, event.organization_id), (None, None))


class UnitOutsideARequestTests(TestCase):
    def test_a_task_s_event_names_the_team_s_organisation(self) -> None:
        centre = make_organization("Vårdcentralen Ö", "health_centre")
        worker = make_user("lw2@example.org", centre, "link_worker")
        case = make_case(make_team("Team Ö", centre, worker), worker)
        event = events.record(AuditEvent.Action.CHANGE, case, user=None)
        self.assertEqual(event.organization_id, centre.pk)
