"""What a member reads about their claim: translated texts, staff by role, a predicted
co-payment as an approval, drafts deleted from the list (issue 13.4)."""

import pytest
from django.utils import translation

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.models import Claim
from satuklik.claims.review import claim_decide, claim_mark_paid, claim_request_documents, claim_start_review
from satuklik.claims.tests.factories import ClaimFactory, member_user, plan_item
from satuklik.notifications.models import InboxItem, Message

pytestmark = pytest.mark.django_db
S = Claim.Status


@pytest.fixture
def member(client):
    user = member_user()
    client.force_login(user)
    return user


@pytest.fixture
def officer():
    return StaffUserFactory(username="klaim")


def _page(client, claim, language="id"):
    with translation.override(language):
        return client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_timeline_and_notifications_name_no_staff_and_carry_no_english_system_text(
    client, member, officer, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(member=member.policy_links.get().member)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        claim_start_review(claim=claim, officer=officer)
        claim_decide(claim=claim, officer=officer, decision="approve", note="Sesuai polis.")
        claim_mark_paid(claim=claim, officer=officer, reference="TRF-778899")
    page = _page(client, claim)
    timeline = page[page.index('id="timeline"') :]
    assert "klaim." not in timeline and "Review started" not in timeline and "transfer reference" not in timeline
    assert "Petugas klaim" in timeline
    assert "Sesuai polis." in timeline  # the officer's words to the member stay
    inbox = " ".join(InboxItem.objects.values_list("body", flat=True))
    mails = " ".join(Message.objects.filter(template="claim_status").values_list("body", flat=True))
    for text in (inbox, mails):
        assert "klaim." not in text and "Review started" not in text and "TRF-778899" not in text


def test_requested_documents_message_is_shown_to_the_member(client, member, officer):
    claim = ClaimFactory(member=member.policy_links.get().member)
    claim_start_review(claim=claim, officer=officer)
    claim_request_documents(claim=claim, officer=officer, message="Mohon unggah hasil lab.")
    assert "Mohon unggah hasil lab." in _page(client, claim)


def test_a_co_payment_the_estimate_predicted_is_an_approval_without_an_appeal(client, member, officer):
    participant = member.policy_links.get().member
    # 100.000 is within the 150.000 per-visit limit: only the 20 % co-payment is deducted.
    claim = ClaimFactory(member=participant, items=[(plan_item(participant, "OUTPATIENT"), 100_000)])
    claim_start_review(claim=claim, officer=officer)
    claim_decide(claim=claim, officer=officer, decision="approve")
    claim.refresh_from_db()
    assert claim.status == S.PARTLY_APPROVED and claim.amount_approved == 80_000
    page = _page(client, claim, "en")
    assert 'id="claim-status">Approved<' in page
    assert "your co-payment is Rp 20.000" in page
    assert 'id="appeal-form"' not in page


def test_a_reduction_over_the_limit_still_offers_the_appeal(client, member, officer):
    claim = ClaimFactory(member=member.policy_links.get().member)  # 300.000 over a 150.000 limit
    claim_start_review(claim=claim, officer=officer)
    claim_decide(claim=claim, officer=officer, decision="approve")
    page = _page(client, claim, "en")
    assert 'id="claim-status">Partly approved<' in page and 'id="appeal-form"' in page


def test_a_draft_is_deleted_from_the_list(client, member):
    draft = ClaimFactory(member=member.policy_links.get().member, status=S.DRAFT)
    sent = ClaimFactory(member=member.policy_links.get().member)
    page = client.get("/claims/").content.decode()
    assert f'action="/claims/{draft.pk}/delete/"' in page
    assert f'action="/claims/{sent.pk}/delete/"' not in page
    response = client.post(f"/claims/{draft.pk}/delete/")
    assert response.status_code == 302
    assert list(Claim.objects.values_list("pk", flat=True)) == [sent.pk]


def test_another_members_draft_cannot_be_deleted(client, member):
    other = ClaimFactory(member=member_user().policy_links.get().member, status=S.DRAFT)
    response = client.post(f"/claims/{other.pk}/delete/")
    assert response.status_code == 404
    assert Claim.objects.filter(pk=other.pk).exists()


def test_the_claim_number_never_wraps(client, member):
    claim = ClaimFactory(member=member.policy_links.get().member)
    assert 'id="claim-number" class="claim-number"' in _page(client, claim)
    assert 'class="claim-number">' + claim.number in client.get("/claims/").content.decode()
