"""The member's eClaim pages, through the browser's eyes (Django's test client)."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satuklik.claims.models import Claim, ClaimDocument, DocumentRequest
from satuklik.claims.tests.factories import (
    TINY_PDF,
    ClaimDocumentFactory,
    ClaimFactory,
    S,
    jpeg_bytes,
    member_user,
    plan_item,
    ready_draft,
    upload,
)
from satuklik.claims.workflow import claim_transition
from satuklik.core.testing import session_queries
from satuklik.notifications.models import Message
from satuklik.policies.tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "frozen_today")]


@pytest.fixture
def jane(client):
    user = member_user()
    client.force_login(user)
    return user


def _html(response):
    return response.content.decode()


def test_bottom_nav_and_list_page(client, jane):
    response = client.get("/claims/")
    assert response.status_code == 200
    html = _html(response)
    assert 'href="/claims/" aria-current="page"' in html
    assert 'id="new-claim"' in html
    assert "no-store" in response["Cache-Control"]


def test_whole_web_journey_new_account_with_code(client, jane, django_capture_on_commit_callbacks):
    member = jane.policy_links.get().member
    child = MemberFactory(child_of=member)
    # Step 1: participant and type; only the plan's types are offered.
    page = _html(client.get("/claims/new/"))
    assert child.full_name in page and "Outpatient" in page or "Rawat Jalan" in page
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', page).group(1)
    response = client.post(
        "/claims/new/", {"participant": child.pk, "benefit_type": "OUTPATIENT", "submission_token": token}
    )
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.pk}/edit/"
    assert claim.status == S.DRAFT and claim.member == child

    # Step 2: details.
    item = plan_item(child, "OUTPATIENT")
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "treatment_date": "2025-03-14",
            "provider_name": "Klinik Anak Ceria",
            "diagnosis": "Radang tenggorokan",
            f"amount_{item.pk}": "350.000",
            f"quantity_{item.pk}": "1",
        },
    )
    assert response["Location"] == f"/claims/{claim.pk}/edit/bank/"
    claim.refresh_from_db()
    assert claim.amount_claimed == 350_000 and claim.treatment_date == datetime.date(2025, 3, 14)

    # Step 3: a new bank account needs a code, sent to the member's e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/claims/{claim.pk}/edit/bank/",
            {"account": "new", "bank_code": "014", "account_number": "8881234567", "holder": "JANE RAILEY"},
        )
    assert response["Location"] == f"/claims/{claim.pk}/edit/bank/verify/"
    page = _html(client.get(response["Location"]))
    assert "******4567" in page and "8881234567" not in page
    code = re.search(r"\b(\d{6})\b", Message.objects.filter(template="otp_code").latest("id").body).group(1)
    wrong = client.post(f"/claims/{claim.pk}/edit/bank/verify/", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    response = client.post(f"/claims/{claim.pk}/edit/bank/verify/", {"code": code})
    assert response["Location"] == f"/claims/{claim.pk}/edit/documents/"
    assert Message.objects.filter(template="claim_bank_account", recipient=jane.email).exists()

    # Step 4: documents: one file input per checklist row (a phone's picker offers the camera).
    page = _html(client.get(f"/claims/{claim.pk}/edit/documents/"))
    assert 'id="upload-RECEIPT"' in page and 'accept="image/*,application/pdf' in page
    receipt = claim_requirement("RECEIPT")
    prescription = claim_requirement("PRESCRIPTION")
    client.post(
        f"/claims/{claim.pk}/edit/documents/",
        {"requirement": receipt.pk, "files": upload("kuitansi.pdf", TINY_PDF)},
    )
    client.post(
        f"/claims/{claim.pk}/edit/documents/",
        {"requirement": prescription.pk, "camera": upload("photo.jpg", jpeg_bytes())},
    )
    assert ClaimDocument.objects.filter(claim=claim).count() == 2

    # Step 5: review with the estimate by adjudication's rules (GP visit: Rp 150.000 per
    # visit, 20 % co-payment: 150.000 - 30.000 = 120.000 payable of 350.000).
    page = _html(client.get(f"/claims/{claim.pk}/review/"))
    assert "Rp 350.000" in page
    assert 'data-field="estimate-payable">Rp 120.000<' in page
    assert 'data-field="estimate-member">Rp 230.000<' in page
    assert "submit-problems" not in page
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/claims/{claim.pk}/review/", {"submission_token": token})
    assert response["Location"] == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    page = _html(client.get(response["Location"]))
    assert claim.number in page and claim.number.startswith("CLM-20250319-")
    assert 'data-status="SUBMITTED"' in page
    assert "09/04/2025" not in page  # the due date is 17/04/2025 (holidays skipped)
    assert "17/04/2025" in page
    assert Message.objects.filter(template="claim_status", recipient=jane.email).exists()


def claim_requirement(code):
    from satuklik.claims.models import DocumentRequirement

    return DocumentRequirement.objects.get(benefit_type="OUTPATIENT", code=code)


def test_review_lists_problems_with_messages(client, jane):
    claim = ready_draft(jane, documents=False, treatment_date=datetime.date(2025, 1, 10))
    page = _html(client.get(f"/claims/{claim.pk}/review/"))
    assert 'data-problem="late_submission"' in page
    assert 'data-problem="documents_missing"' in page
    response = client.post(f"/claims/{claim.pk}/review/", {"submission_token": "abc"})
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == S.DRAFT


def test_bad_upload_shows_the_message(client, jane):
    claim = ready_draft(jane, documents=False)
    response = client.post(
        f"/claims/{claim.pk}/edit/documents/", {"files": upload("kuitansi.pdf", b"<html><body>hi</body></html>")}
    )
    assert response.status_code == 400
    assert "is not a PDF, JPEG, PNG or HEIC" in _html(response)
    response = client.post(f"/claims/{claim.pk}/edit/documents/", {"files": upload("kosong.pdf", b"")})
    assert "is empty" in _html(response) or "Choose a file" in _html(response)
    assert not ClaimDocument.objects.exists()


def test_draft_is_kept_and_continued_from_the_list(client, jane):
    claim = ready_draft(jane, documents=False)
    page = _html(client.get("/claims/"))
    assert f'href="/claims/{claim.pk}/edit/documents/"' in page
    # Opening a draft's status page continues it instead.
    assert client.get(f"/claims/{claim.pk}/")["Location"] == f"/claims/{claim.pk}/edit/documents/"


def test_submitted_claim_cannot_be_edited(client, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.SUBMITTED)
    for path in ("edit/", "edit/bank/", "edit/documents/", "review/"):
        assert client.get(f"/claims/{claim.pk}/{path}")["Location"] == f"/claims/{claim.pk}/"


def test_another_member_gets_404_everywhere(client, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.SUBMITTED)
    draft = ClaimFactory(member=jane.policy_links.get().member, status=S.DRAFT)
    document = ClaimDocumentFactory(claim=claim)
    client.force_login(member_user())
    for path in (
        f"/claims/{claim.pk}/",
        f"/claims/{draft.pk}/edit/",
        f"/claims/{draft.pk}/edit/bank/",
        f"/claims/{draft.pk}/edit/documents/",
        f"/claims/{draft.pk}/review/",
        f"/claims/{claim.pk}/letter/",
        f"/claims/documents/{document.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/claims/{draft.pk}/delete/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/documents/", {"files": upload("a.pdf", TINY_PDF)}).status_code == 404
    assert Claim.objects.filter(pk=draft.pk).exists()


def test_detail_shows_timeline_amounts_and_due_date(client, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.SUBMITTED)
    claim_transition(claim=claim, to_status=S.IN_REVIEW, note="Review started by klaim.")
    page = _html(client.get(f"/claims/{claim.pk}/"))
    assert page.count("<li data-status=") == 2
    # The back office's own note is not the member's: they read the explanation.
    assert "klaim" not in page and "A claims officer is reviewing your claim." in page
    assert "01/04/2025" in page  # the factory's due date
    assert 'data-field="claimed">Rp 300.000<' in page


def test_requested_documents_are_uploaded_on_the_same_claim(client, jane, django_capture_on_commit_callbacks):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.DOCUMENTS_REQUESTED)
    DocumentRequest.objects.create(claim=claim, message="Mohon unggah hasil lab.")
    page = _html(client.get(f"/claims/{claim.pk}/"))
    assert "Mohon unggah hasil lab." in page and 'id="requested-upload-form"' in page
    monday = datetime.datetime(2025, 3, 24, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.logout()  # five days later: a new session
        client.force_login(jane)
        response = client.post(f"/claims/{claim.pk}/documents/", {"camera": upload("lab.jpg", jpeg_bytes())})
    assert response["Location"] == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    # The clock restarts: 14 working days from Mon 24 Mar 2025, by hand: 25-27 Mar (3),
    # 28 Mar and 31 Mar-7 Apr are holidays, 8-11 Apr (7), 14-17 Apr (11), 18 Apr is Good
    # Friday, 21-23 Apr (14).
    assert claim.decision_due_date == datetime.date(2025, 4, 23)
    assert DocumentRequest.objects.get(claim=claim).fulfilled_at is not None
    assert claim.documents.get().document_request is not None
    last = claim.status_changes.order_by("-id").first()
    assert (last.old_status, last.new_status) == (S.DOCUMENTS_REQUESTED, S.SUBMITTED)
    assert "lab.jpg" in last.note


def test_requested_upload_refuses_when_nothing_was_asked(client, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.IN_REVIEW)
    response = client.post(f"/claims/{claim.pk}/documents/", {"files": upload("a.pdf", TINY_PDF)})
    assert response.status_code == 400
    assert "No documents are requested" in _html(response)
    assert not claim.documents.exists()


def test_draft_can_be_deleted_with_its_files(client, jane, settings, django_capture_on_commit_callbacks):
    import os

    claim = ready_draft(jane)
    assert claim.documents.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/claims/{claim.pk}/delete/")
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert [name for _f, _d, names in os.walk(settings.MEDIA_ROOT) for name in names] == []


def test_list_query_count_is_the_same_for_1_and_50_claims(client, jane):
    member = jane.policy_links.get().member
    ClaimFactory(member=member, items=[])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/claims/").status_code == 200
        return len(queries)

    one = count()
    for _ in range(49):
        ClaimFactory(member=member, items=[])
    # Session, user, the claims count and page (participant joined), the participants
    # for the "New Claim" button, the shell's unread count: the same for 1 or 50 claims.
    assert count() == one
    assert one <= 12


def test_new_claim_page_takes_the_same_queries_for_a_larger_family(client, jane):

    principal = jane.policy_links.get().member
    client.force_login(jane)
    client.get("/claims/new/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = _html(client.get("/claims/new/"))
        return len(queries), page

    one, _page = count()
    for _ in range(4):
        MemberFactory(child_of=principal)
    five, page = count()
    assert page.count('name="participant"') == 5
    assert one == five


def test_list_query_count_is_pinned(client, jane, django_assert_num_queries):
    member = jane.policy_links.get().member
    for _ in range(50):
        ClaimFactory(member=member, items=[])
    # 1 user, 2 the ids of the member's participants, 3 count of claims, 4 the page of
    # claims with participants, 5-6 selected link and its member's dependents (the New
    # Claim button), 7 unread notifications in the top bar; plus the session's own
    # queries (see session_queries).
    with django_assert_num_queries(7 + session_queries()):
        client.get("/claims/")


def _decided_partly(jane):
    """A claim decided by an officer through the officer services: 150,000 of 300,000 approved."""
    from satuklik.accounts.tests.factories import StaffUserFactory
    from satuklik.claims import review

    officer = StaffUserFactory()
    claim = services_submit(jane)
    review.claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    review.claim_decide(
        claim=claim,
        officer=officer,
        decision="approve",
        adjustments={item.pk: review.Adjustment(amount=100_000, reason_code="OFFICER_ADJUSTMENT", note="Obat")},
    )
    claim.refresh_from_db()
    return claim


def services_submit(user):
    from satuklik.claims import services

    return services.claim_submit(claim=ready_draft(user), user=user)


def test_appeal_of_a_partial_approval_once(client, jane):
    claim = _decided_partly(jane)
    assert claim.status == S.PARTLY_APPROVED
    page = _html(client.get(f"/claims/{claim.pk}/"))
    assert 'id="appeal-form"' in page
    assert 'data-field="approved">Rp 100.000<' in page
    empty = client.post(f"/claims/{claim.pk}/appeal/", {"reason": ""})
    assert empty.status_code == 400
    response = client.post(f"/claims/{claim.pk}/appeal/", {"reason": "Resep dokter lengkap terlampir."})
    assert response["Location"] == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert claim.status == S.APPEALED and claim.appeal_count == 1
    page = _html(client.get(f"/claims/{claim.pk}/"))
    assert 'id="appeal-form"' not in page
    assert "Resep dokter lengkap terlampir." in page  # the appeal's note in the timeline


def test_no_appeal_form_once_the_appeal_window_has_passed(client, jane):
    from satuklik.claims.review import APPEAL_WINDOW_DAYS

    claim = _decided_partly(jane)
    with time_machine.travel(claim.decided_at + datetime.timedelta(days=APPEAL_WINDOW_DAYS, hours=1)):
        client.force_login(jane)  # a month on: a new session
        page = _html(client.get(f"/claims/{claim.pk}/"))
    assert claim.number in page and 'data-field="approved">Rp 100.000<' in page
    assert 'id="appeal-form"' not in page


def test_decision_letter_downloads_as_pdf(client, jane):
    claim = _decided_partly(jane)
    page = _html(client.get(f"/claims/{claim.pk}/"))
    assert 'id="decision-letter"' in page
    response = client.get(f"/claims/{claim.pk}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_undecided_claim_has_no_letter(client, jane):
    claim = services_submit(jane)
    assert 'id="decision-letter"' not in _html(client.get(f"/claims/{claim.pk}/"))
    assert client.get(f"/claims/{claim.pk}/letter/").status_code == 404


def test_provider_is_picked_from_a_search(client, jane):
    from satuklik.providers.tests.factories import ProviderFactory

    provider = ProviderFactory(name="RS Harapan Bunda", city="Jakarta Timur")
    ProviderFactory(name="Klinik Lain")
    claim = ready_draft(jane)
    # htmx asks for the matches as the member types.
    partial = _html(client.get(f"/claims/{claim.pk}/edit/providers/", {"provider_query": "harapan"}))
    assert f'value="{provider.code}"' in partial and "Klinik Lain" not in partial
    # Without JavaScript the Search button renders the same choices in the page.
    page = _html(client.post(f"/claims/{claim.pk}/edit/", {"provider_query": "harapan", "action": "search"}))
    assert f'value="{provider.code}"' in page
    item = claim.items.get()
    client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "treatment_date": "2025-03-14",
            "provider_choice": provider.code,
            "diagnosis": "Demam",
            f"amount_{item.benefit_item_id}": "300.000",
        },
    )
    claim.refresh_from_db()
    assert claim.provider == provider and claim.provider_name == "RS Harapan Bunda"


def test_reference_tables_are_in_the_back_office(admin_client):
    for model in ("documentrequirement", "reasoncode", "publicholiday"):
        assert admin_client.get(f"/admin/claims/{model}/").status_code == 200
    page = _html(admin_client.get("/admin/claims/documentrequirement/?benefit_type__exact=OUTPATIENT"))
    assert "Resep obat" in page
