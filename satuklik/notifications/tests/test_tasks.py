"""Delivery through the database task queue, as in production: enqueue, db_worker, retry with back-off."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from satuklik.notifications import services
from satuklik.notifications.models import Message

JANE_MOBILE = "+6281234567890"

# The worker commits and checks connections like a separate process, so these tests
# run outside the per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    # What `manage.py db_worker` does in production, once over every task that is due.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=StringIO(), stderr=StringIO())


def test_sending_enqueues_a_task_that_the_worker_delivers(database_queue, sms_gateway):
    message = services.sms_send(to=JANE_MOBILE, template="test_message")

    # Off the request path: queued, nothing sent yet.
    task = DBTaskResult.objects.get()
    assert task.task_path == "satuklik.notifications.tasks.deliver_message"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert sms_gateway.requests == []
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED

    run_worker()

    assert len(sms_gateway.requests) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "SENT"


def test_a_refused_send_is_enqueued_again_later_with_back_off(database_queue, sms_gateway, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    sms_gateway.status = 500
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        message = services.sms_send(to=JANE_MOBILE, template="test_message")
        run_worker()

        message.refresh_from_db()
        assert (message.status, message.attempts) == (Message.Status.RETRYING, 1)
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == start + timedelta(minutes=1)

        # Not due yet: the worker leaves it.
        run_worker()
        assert len(sms_gateway.requests) == 1

        clock.shift(timedelta(minutes=1, seconds=1))
        run_worker()
        message.refresh_from_db()
        assert message.attempts == 2
        # The second wait is twice as long.
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == timezone.now() + timedelta(minutes=2)

        sms_gateway.status = 202
        clock.shift(timedelta(minutes=2, seconds=1))
        run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.body) == (Message.Status.SENT, 3, "")
    assert len(sms_gateway.requests) == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()
