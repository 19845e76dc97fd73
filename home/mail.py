"""Mail that cannot be sent says so: the password-reset form checks the mail server first.

Django's password reset logs a failed send and shows "email sent" anyway, so a reset behind a
mail server that is down or misconfigured goes nowhere without anyone knowing. This form (Wagtail's
admin "Forgotten password?", ``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``) opens a connection to the
mail server before anything else, for every address alike, so the answer reveals nothing about
which accounts exist: when it cannot, the person reads that email cannot be sent right now, and
the log gets one ERROR line naming the server and the reason.
"""

import contextlib
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection

from wagtail.admin.forms.auth import PasswordResetForm

logger = logging.getLogger("commonground.mail")

MAIL_DOWN_MESSAGE = "This site cannot send email right now, so no reset link was sent. Please try again later."


def mail_server_problem():
    """None when the configured mail backend opens a connection; else ``"host:port: Error: reason"``."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {type(error).__name__}: {error}"
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return None


class CheckedPasswordResetForm(PasswordResetForm):
    """Wagtail's password-reset form, refusing (with a message) when the mail server cannot be reached."""

    def clean(self):
        cleaned = super().clean()
        problem = mail_server_problem()
        if problem:
            logger.error("Password reset email cannot be sent: mail server %s", problem)
            raise ValidationError(MAIL_DOWN_MESSAGE, code="mail_unavailable")
        return cleaned
