from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from satuklik.notifications import services


@task()
def deliver_message(message_id: int) -> str:
    message = services.message_deliver(message_id=message_id)
    if message.status == message.Status.RETRYING and deliver_message.get_backend().supports_defer:
        # Back off 1, 2, 4, 8... minutes between tries.
        delay = timedelta(minutes=2 ** (message.attempts - 1))
        deliver_message.using(run_after=timezone.now() + delay).enqueue(message_id)
    return message.status
