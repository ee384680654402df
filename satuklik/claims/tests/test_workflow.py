"""The status table: allowed moves write a history row and notify; others are refused."""

import pytest
from django.utils import translation

from satuklik.claims.models import Claim, ClaimStatusChange
from satuklik.claims.tests.factories import ClaimFactory, member_user
from satuklik.claims.workflow import ALLOWED_TRANSITIONS, IllegalTransition, claim_transition
from satuklik.notifications.models import InboxItem, Message

S = Claim.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in English (the msgids); the default language is Indonesian.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def test_every_status_has_a_row_in_the_table():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)


def test_allowed_move_writes_history_and_notifies_member(django_capture_on_commit_callbacks):
    user = member_user()
    claim = ClaimFactory(member=user.policy_links.get().member, status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        change = claim_transition(claim=claim, to_status=S.IN_REVIEW, actor=None, note="Diperiksa")
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    assert (change.old_status, change.new_status, change.note) == (S.SUBMITTED, S.IN_REVIEW, "Diperiksa")
    mail = Message.objects.get(template="claim_status")
    assert mail.recipient == user.email
    assert claim.number in mail.subject
    assert InboxItem.objects.filter(user=user, link=f"/claims/{claim.pk}/").exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.APPROVED),
        (S.SUBMITTED, S.PAID),
        (S.REJECTED, S.PAID),
        (S.APPROVED, S.APPEALED),
        (S.PAID, S.SUBMITTED),
        (S.DOCUMENTS_REQUESTED, S.APPROVED),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(start, target):
    claim = ClaimFactory(status=start)
    before = ClaimStatusChange.objects.filter(claim=claim).count()
    with pytest.raises(IllegalTransition) as caught:
        claim_transition(claim=claim, to_status=target, actor=None)
    assert "cannot become" in caught.value.message
    claim.refresh_from_db()
    assert claim.status == start
    assert ClaimStatusChange.objects.filter(claim=claim).count() == before


def test_check_uses_the_status_in_the_database_not_in_memory():
    claim = ClaimFactory(status=S.SUBMITTED)
    stale = Claim.objects.get(pk=claim.pk)
    claim_transition(claim=claim, to_status=S.IN_REVIEW, actor=None)
    # The stale copy still says SUBMITTED; moving it to IN_REVIEW again must fail.
    with pytest.raises(IllegalTransition):
        claim_transition(claim=stale, to_status=S.IN_REVIEW, actor=None)
