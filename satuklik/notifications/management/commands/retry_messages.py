from django.core.management.base import BaseCommand

from satuklik.notifications import selectors
from satuklik.notifications.tasks import deliver_message


class Command(BaseCommand):
    help = (
        "Try again every e-mail and SMS waiting for a retry. Only needed with a task backend "
        "that cannot defer (the immediate one): run it from cron every few minutes. The "
        "database queue retries on its own."
    )

    def handle(self, **options):
        ids = list(selectors.messages_to_retry().values_list("pk", flat=True))
        for message_id in ids:
            deliver_message.enqueue(message_id)
        self.stdout.write(f"{len(ids)} message(s) queued again")
