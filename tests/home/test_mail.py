"""Mail from the environment, tested against a real SMTP server (aiosmtpd) started here.

Digests and password resets reach the server; when it does not answer, ``send_digests`` says so in
one line and exits 1, and the password-reset form tells the person instead of pretending.
"""

import datetime
import email
import io
import logging
import socket

import pytest
from aiosmtpd.controller import Controller

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from content.factories import create_collateral
from home.settings.deploy import email_from_env

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, configured as the environment would (EMAIL_URL)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_from_env(
        {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "DEFAULT_FROM_EMAIL": "Common Ground <cg@example.com>"}
    ).items():
        setattr(settings, name, value)
    yield inbox
    controller.stop()


@pytest.fixture
def no_smtp_server(settings):
    for name, value in email_from_env({"EMAIL_URL": f"smtp://127.0.0.1:{free_port()}", "EMAIL_TIMEOUT": "3"}).items():
        setattr(settings, name, value)


def due_asset(marketer):
    marketer.email = "morgan@example.com"
    marketer.save()
    create_collateral(
        title="Stale deck", review_by=timezone.localdate() - datetime.timedelta(days=3), content_owner=marketer
    )


def test_digests_reach_the_mail_server(smtp_server, marketer):
    due_asset(marketer)
    output = io.StringIO()
    call_command("send_digests", stdout=output)
    assert output.getvalue().strip() == "Sent 1 digest."
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["morgan@example.com"] and message["From"] == "Common Ground <cg@example.com>"
    assert "Stale deck (past due since" in message.get_payload()


def test_digests_without_a_mail_server_fail_in_one_clear_line(no_smtp_server, marketer):
    due_asset(marketer)
    with pytest.raises(CommandError) as raised:
        call_command("send_digests", stdout=io.StringIO())
    message = str(raised.value)
    assert message.startswith("Sent 0 digests, then could not send the rest: mail server 127.0.0.1:")
    assert "ConnectionRefusedError" in message and "EMAIL_URL" in message


def test_password_reset_mail_reaches_the_mail_server(smtp_server, marketer):
    marketer.email = "morgan@example.com"
    marketer.save()
    response = Client().post("/admin/password_reset/", {"email": "morgan@example.com"})
    assert response.status_code == 302
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["morgan@example.com"]
    assert "/admin/password_reset/confirm/" in message.get_payload()


def test_password_reset_without_a_mail_server_says_so_and_logs_one_error(no_smtp_server, marketer, caplog):
    with caplog.at_level(logging.ERROR, logger="commonground.mail"):
        # The same answer whether or not the address has an account: nothing is revealed.
        for address in ["morgan@example.com", "nobody@example.com"]:
            response = Client().post("/admin/password_reset/", {"email": address})
            assert response.status_code == 200
            assert "This site cannot send email right now, so no reset link was sent." in response.text
    errors = [record.getMessage() for record in caplog.records if record.name == "commonground.mail"]
    assert len(errors) == 2 and errors[0].startswith("Password reset email cannot be sent: mail server 127.0.0.1:")


def test_mail_settings_from_the_environment():
    assert email_from_env({"EMAIL_URL": "smtp://ann:p%40ss@mail.example.com:587?tls=1"}) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_TIMEOUT": 10,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "ann",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    separate = email_from_env({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "465", "EMAIL_USE_SSL": "yes"})
    assert (separate["EMAIL_PORT"], separate["EMAIL_USE_SSL"], separate["EMAIL_USE_TLS"]) == (465, True, False)
    assert email_from_env({}) == {}
    for bad in [{"EMAIL_URL": "http://mail"}, {"EMAIL_HOST": "h", "EMAIL_PORT": "x"}, {"EMAIL_URL": "smtp://h:port"}]:
        with pytest.raises(ImproperlyConfigured):
            email_from_env(bad)
