"""A member's medical documents are never left in storage without a claim that holds them
(issue 10.10): names are reserved in PendingUpload before a file is written, and what a
killed worker leaves behind is swept after a grace period."""

import datetime
import os
import signal
import subprocess
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import PYTHON, ROOT
from satuklik.claims import services
from satuklik.claims.models import Claim, ClaimDocument, PendingUpload
from satuklik.claims.tests.factories import TINY_PDF, ClaimFactory, member_user, upload

pytestmark = pytest.mark.django_db


def _files(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(folder, name), root) for folder, _dirs, names in os.walk(root) for name in names
    )


@pytest.fixture
def draft():
    user = member_user()
    return user, ClaimFactory(member=user.policy_links.get().member, status=Claim.Status.DRAFT, submitted_by=user)


def test_an_upload_that_commits_keeps_its_file_and_no_reservation(draft, settings, django_capture_on_commit_callbacks):
    user, claim = draft
    with django_capture_on_commit_callbacks(execute=True):
        (document,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("kuitansi.pdf", TINY_PDF)])
    assert _files(settings.MEDIA_ROOT) == [document.file.name]
    assert document.file.name.endswith(".pdf")
    assert not PendingUpload.objects.exists()


def test_an_upload_that_fails_leaves_neither_file_nor_reservation(draft, settings):
    user, claim = draft
    claim.status = Claim.Status.SUBMITTED  # no longer a draft: the service refuses after writing nothing
    claim.save(update_fields=["status"])
    with pytest.raises(services.ClaimError):
        services.claim_documents_add(claim=claim, user=user, uploads=[upload("kuitansi.pdf", TINY_PDF)])
    assert _files(settings.MEDIA_ROOT) == []
    assert not PendingUpload.objects.exists()


def _orphan(settings, *, minutes_ago: int) -> str:
    """What a killed worker leaves: a reservation and its file, no document row."""
    pending = PendingUpload.objects.create(stem=f"claims/2026/12/orphan{minutes_ago}")
    PendingUpload.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    path = settings.MEDIA_ROOT / f"{pending.stem}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff a member's medical document")
    return f"{pending.stem}.jpg"


def test_the_sweep_deletes_orphans_past_the_grace_period_and_keeps_the_rest(draft, settings):
    user, claim = draft
    (kept,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("kuitansi.pdf", TINY_PDF)])
    # Its reservation stays here: a worker killed after the commit, before the on-commit removal.
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    old = _orphan(settings, minutes_ago=90)
    recent = _orphan(settings, minutes_ago=5)  # may still be a request in progress

    assert services.uploads_sweep(older_than=datetime.timedelta(hours=1)) == 1

    assert _files(settings.MEDIA_ROOT) == sorted([kept.file.name, recent])
    assert old not in _files(settings.MEDIA_ROOT)
    assert ClaimDocument.objects.get().file.read() == TINY_PDF
    assert list(PendingUpload.objects.values_list("stem", flat=True)) == [recent.removesuffix(".jpg")]


# The child stops right after storage has written the file, as a worker killed while it
# re-encodes the next image or before the row commits would.
_UPLOAD_THEN_HANG = """
import pathlib, sys, time
from django.core.files.storage import FileSystemStorage
from satuklik.claims import services
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import TINY_PDF, ClaimFactory, member_user, upload

written = FileSystemStorage._save
def save_then_hang(self, name, content):
    name = written(self, name, content)
    pathlib.Path({marker!r}).write_text(name)
    time.sleep(600)
FileSystemStorage._save = save_then_hang

user = member_user()
claim = ClaimFactory(member=user.policy_links.get().member, status=Claim.Status.DRAFT, submitted_by=user)
services.claim_documents_add(claim=claim, user=user, uploads=[upload("kuitansi.pdf", TINY_PDF)])
"""


_COUNT_ROWS = (
    "from satuklik.claims.models import *; print(ClaimDocument.objects.count(), PendingUpload.objects.count())"
)


def test_a_worker_killed_mid_upload_leaves_a_file_that_the_sweep_deletes(embedded_env, tmp_path):
    marker = tmp_path / "written"
    media = tmp_path / "media"
    child = subprocess.Popen(  # noqa: S603 - our own manage.py
        [str(PYTHON), "manage.py", "shell", "-c", _UPLOAD_THEN_HANG.format(marker=str(marker))],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), child.stdout.read().decode()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()

    left = marker.read_text()
    assert _files(media) == [left]  # the killed process had no chance to clean up

    def manage(*args):
        return subprocess.run(  # noqa: S603 - our own manage.py
            [str(PYTHON), "manage.py", *args], cwd=ROOT, env=embedded_env, capture_output=True, text=True, check=True
        ).stdout

    assert "0 orphan" in manage("sweep_uploads")  # within the grace period: could be an upload in progress
    assert _files(media) == [left]
    assert "1 orphan" in manage("sweep_uploads", "--older-than-minutes", "0")
    assert _files(media) == []
    assert manage("shell", "-v", "0", "-c", _COUNT_ROWS).split() == ["0", "0"]


def test_the_sweep_command_reports_what_it_deleted(settings, capsys):
    _orphan(settings, minutes_ago=120)
    call_command("sweep_uploads")
    assert "1 orphan file(s) deleted" in capsys.readouterr().out
    assert _files(settings.MEDIA_ROOT) == []
