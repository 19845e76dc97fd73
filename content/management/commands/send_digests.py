from django.core.management.base import BaseCommand

from content.digests import send_digests


class Command(BaseCommand):
    help = "Email each owner their collateral due for review and overdue content requests (run it weekly)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
