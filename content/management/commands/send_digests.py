from django.core.management.base import BaseCommand, CommandError

from content.digests import MailServerUnavailable, send_digests


class Command(BaseCommand):
    help = "Email each owner their collateral due for review and overdue content requests (run it weekly)."

    def handle(self, *args, **options):
        try:
            sent, refused = send_digests()
        except MailServerUnavailable as error:
            raise CommandError(
                f"Sent {error.sent} digests, then could not send the rest: {error}. "
                "Check EMAIL_URL (or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS)."
            ) from error
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
        if refused:
            raise CommandError(f"The mail server refused {len(refused)} address(es): {', '.join(refused)}")
