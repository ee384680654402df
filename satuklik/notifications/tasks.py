"""Delivery off the request path through the tasks API (django-tasks).

In demo mode the backend is the immediate one and delivery means storing the message
in the outbox. In production TASKS_BACKEND is django_tasks_db.DatabaseBackend and
`manage.py db_worker` delivers; a refused send is tried again later with back-off.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from satuklik.notifications import services

# 1, 2, 4, 8... minutes between tries, never more than an hour.
MAX_BACKOFF = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@task()
def deliver_message(message_id: int) -> str:
    message = services.message_deliver(message_id=message_id)
    if message.status == message.Status.RETRYING and deliver_message.get_backend().supports_defer:
        deliver_message.using(run_after=timezone.now() + retry_delay(message.attempts)).enqueue(message_id)
    return message.status
