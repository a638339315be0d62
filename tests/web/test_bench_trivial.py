"""The benchmark's constant page: behind sign-in, through the whole middleware
stack (its CSP header is there), and touching no firm's data."""

from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from tests.factories import sign_in


def test_signed_out_visitor_gets_the_sign_in_page(client):
    response = client.get(reverse("bench:trivial"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signed_in_person_gets_the_constant_page_with_the_stack_headers(
    client, assistant, django_assert_max_num_queries
):
    sign_in(client, assistant)
    client.get(reverse("bench:trivial"))  # the session's first touch
    # The session, the person and their two-factor device: the stack, no more.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("bench:trivial"))
    assert response.status_code == 200
    assert "FirmDesk is answering." in response.content.decode()
    assert "Content-Security-Policy" in response
    assert not AuditEvent.objects.exists()


def test_the_page_refuses_to_change_anything(client, assistant):
    sign_in(client, assistant)
    assert client.post(reverse("bench:trivial")).status_code == 405
