"""Submitting a claim: the checks and their messages, all-or-nothing storage, the number,
the due date, duplicate flagging, the bank account rule and the notifications."""

import datetime
import os
import re

import pytest
import time_machine
from django.utils import timezone

from satuklik.claims import services
from satuklik.claims.models import BankAccountUsed, Claim, ClaimDocument, ClaimStatusChange
from satuklik.claims.tests.factories import (
    TINY_PDF,
    TODAY,
    S,
    jpeg_bytes,
    member_user,
    plan_item,
    ready_draft,
    upload,
)
from satuklik.notifications.models import InboxItem, Message
from satuklik.policies.tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "frozen_today")]


@pytest.fixture
def user():
    return member_user()


def _problem_codes(exc):
    return [code for code, _message in exc.value.problems]


def _stored_files(settings):
    return [name for _folder, _dirs, names in os.walk(settings.MEDIA_ROOT) for name in names]


def _outpatient_details(member):
    """An outpatient visit on Fri 14 March 2025 with one item of Rp 200.000."""
    return {
        "treatment_date": datetime.date(2025, 3, 14),
        "provider_name": "Klinik A",
        "diagnosis": "Demam",
        "items": [{"benefit_item": plan_item(member, "OUTPATIENT"), "amount": 200_000}],
    }


def test_submission_gives_number_due_date_history_and_notifications(user, django_capture_on_commit_callbacks):
    claim = ready_draft(user, treatment_date=datetime.date(2025, 3, 14))
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit(claim=claim, user=user)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    assert re.fullmatch(r"CLM-20250319-[2-9A-HJ-NP-Z]{6}", claim.number)
    assert claim.submitted_at == timezone.now() == claim.complete_at
    # 14 working days from Wed 19 Mar 2025, skipping the seeded 28 Mar (cuti bersama Nyepi)
    # and 31 Mar - 7 Apr (Idul Fitri and cuti bersama): Thu 14 Apr... counted by hand:
    # 20,21,24,25,26,27 (6), 8,9,10,11 Apr (10), 14,15,16,17 Apr (14) -> 17 Apr.
    assert claim.decision_due_date == datetime.date(2025, 4, 17)
    change = ClaimStatusChange.objects.get(claim=claim)
    assert (change.old_status, change.new_status, change.actor) == (S.DRAFT, S.SUBMITTED, user)
    mail = Message.objects.get(template="claim_status", recipient=user.email)
    assert claim.number in mail.subject and claim.number in mail.body
    assert InboxItem.objects.filter(user=user, title__contains=claim.number).exists()
    account = BankAccountUsed.objects.get(user=user)
    assert account.last_used_at == timezone.now()


def test_claim_numbers_do_not_collide(user):
    numbers = set()
    for _ in range(30):
        claim = ready_draft(user, documents=True, amount=100_000 + len(numbers))
        numbers.add(services.claim_submit(claim=claim, user=user).number)
    assert len(numbers) == 30


def test_61_days_after_discharge_is_refused_60_accepted(user):
    late = ready_draft(user, benefit_type="INPATIENT", treatment_date=TODAY.date() - datetime.timedelta(days=63))
    assert late.discharge_date == TODAY.date() - datetime.timedelta(days=61)
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=late, user=user)
    assert _problem_codes(caught) == ["late_submission"]
    assert "within 60 days of discharge" in caught.value.message and "61 days ago" in caught.value.message
    late.refresh_from_db()
    assert late.status == S.DRAFT and late.number.startswith("DRAFT-")

    on_time = ready_draft(user, benefit_type="INPATIENT", treatment_date=TODAY.date() - datetime.timedelta(days=62))
    assert services.claim_submit(claim=on_time, user=user).status == S.SUBMITTED


def test_61_days_after_outpatient_treatment_is_refused(user):
    claim = ready_draft(user, treatment_date=TODAY.date() - datetime.timedelta(days=61))
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=claim, user=user)
    assert "within 60 days of the treatment" in caught.value.message


def test_coverage_must_be_active_on_the_treatment_date(user):
    member = user.policy_links.get().member
    member.start_date = datetime.date(2025, 3, 15)
    member.save(update_fields=["start_date"])
    claim = ready_draft(user, treatment_date=datetime.date(2025, 3, 10))
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=claim, user=user)
    assert _problem_codes(caught) == ["coverage_inactive"]
    assert "was not active on 10/03/2025" in caught.value.message


def test_treatment_before_a_lapse_is_accepted_after_it_refused(user):
    """The policy lapsed on Sat 15 March 2025 (its last day of cover); today is the 19th."""
    member = user.policy_links.get().member
    member.policy.status, member.policy.end_date = "LAPSED", datetime.date(2025, 3, 15)
    member.policy.save(update_fields=["status", "end_date"])
    before = ready_draft(user, treatment_date=datetime.date(2025, 3, 14))
    assert services.claim_submit(claim=before, user=user).status == S.SUBMITTED
    after = ready_draft(user, treatment_date=datetime.date(2025, 3, 16))
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=after, user=user)
    assert _problem_codes(caught) == ["coverage_inactive"]


def test_benefit_type_must_be_in_the_plan(user):
    member = user.policy_links.get().member
    claim = ready_draft(user, benefit_type="OPTICAL")
    member.plan.benefit_items.filter(benefit_type="OPTICAL").update(benefit_type="DENTAL", code="MOVED")
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=claim, user=user)
    assert "benefit_type_not_in_plan" in _problem_codes(caught)
    # And a draft cannot even be started for a type the plan lacks.
    with pytest.raises(services.ClaimError) as refused:
        services.claim_draft_create(user=user, member=member, benefit_type="OPTICAL")
    assert refused.value.code == "benefit_type_not_in_plan"


def test_required_documents_must_be_present(user):
    claim = ready_draft(user, documents=False)
    services.claim_documents_add(
        claim=claim, user=user, uploads=[upload("kuitansi.pdf", TINY_PDF)], requirement="RECEIPT"
    )
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=claim, user=user)
    assert _problem_codes(caught) == ["documents_missing"]
    assert "Prescription" in caught.value.message or "Resep" in caught.value.message


def test_every_problem_is_listed_at_once(user):
    claim = services.claim_draft_create(user=user, member=user.policy_links.get().member, benefit_type="OUTPATIENT")
    with pytest.raises(services.SubmissionRefused) as caught:
        services.claim_submit(claim=claim, user=user)
    assert {"details_missing", "documents_missing", "bank_account_missing"} <= set(_problem_codes(caught))


def test_likely_duplicate_is_flagged_not_refused(user):
    first = services.claim_submit(claim=ready_draft(user, treatment_date=datetime.date(2025, 3, 14)), user=user)
    second = services.claim_submit(claim=ready_draft(user, treatment_date=datetime.date(2025, 3, 14)), user=user)
    other_amount = services.claim_submit(
        claim=ready_draft(user, treatment_date=datetime.date(2025, 3, 14), amount=310_000), user=user
    )
    assert second.status == S.SUBMITTED
    assert second.duplicate_of_id == first.pk
    assert first.duplicate_of_id is None and other_amount.duplicate_of_id is None


def test_a_failure_after_the_second_document_leaves_no_claim_and_no_file(user, settings):
    member = user.policy_links.get().member
    BankAccountUsed.objects.create(
        user=user, bank_code="014", account_number="1234567890", holder_name="X", verified_at=timezone.now()
    )
    files = [
        (upload("kuitansi.pdf", TINY_PDF), "RECEIPT"),
        (upload("resep.jpg", jpeg_bytes()), "PRESCRIPTION"),
        (upload("diagnosis.pdf", b"<html>not a pdf</html>"), "DIAGNOSIS"),
    ]
    with pytest.raises(services.ClaimError) as caught:
        services.claim_create_complete(
            user=user,
            member=member,
            benefit_type="OUTPATIENT",
            details=_outpatient_details(member),
            bank={"bank_code": "014", "account_number": "1234567890", "holder": "X"},
            files=files,
        )
    assert caught.value.code == "file_refused"
    assert not Claim.objects.exists()
    assert not ClaimDocument.objects.exists()
    assert _stored_files(settings) == []


def test_a_failed_check_after_the_documents_also_removes_the_files(user, settings):
    member = user.policy_links.get().member
    with pytest.raises(services.SubmissionRefused):
        services.claim_create_complete(
            user=user,
            member=member,
            benefit_type="OUTPATIENT",
            details=_outpatient_details(member),
            # Never confirmed with a code: the submission check refuses it after the files are stored.
            bank={"bank_code": "009", "account_number": "5550001111", "holder": "X"},
            files=[(upload("kuitansi.pdf", TINY_PDF), "RECEIPT"), (upload("resep.pdf", TINY_PDF), "PRESCRIPTION")],
        )
    assert not Claim.objects.exists()
    assert _stored_files(settings) == []


def test_complete_claim_in_one_go(user):
    member = user.policy_links.get().member
    BankAccountUsed.objects.create(
        user=user, bank_code="014", account_number="1234567890", holder_name="X", verified_at=timezone.now()
    )
    claim = services.claim_create_complete(
        user=user,
        member=member,
        benefit_type="OUTPATIENT",
        details=_outpatient_details(member),
        bank={"bank_code": "014", "account_number": "1234567890", "holder": "X"},
        files=[(upload("kuitansi.pdf", TINY_PDF), "RECEIPT"), (upload("resep.jpg", jpeg_bytes()), "PRESCRIPTION")],
    )
    assert claim.status == S.SUBMITTED and claim.documents.count() == 2


def test_submitting_twice_is_refused_the_second_time(user):
    claim = ready_draft(user)
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_submit(claim=claim, user=user)
    with pytest.raises(services.AlreadySubmitted):
        services.claim_submit(claim=stale, user=user)
    assert ClaimStatusChange.objects.filter(claim=claim).count() == 1


def test_dependent_claim_for_a_child(user):
    child = MemberFactory(child_of=user.policy_links.get().member)
    claim = services.claim_submit(claim=ready_draft(user, member=child), user=user)
    assert claim.member == child and claim.submitted_by == user


@pytest.mark.parametrize(
    ("details", "code"),
    [
        ({"treatment_date": None}, "dates_required"),
        ({"treatment_date": datetime.date(2025, 3, 20)}, "future_date"),
        ({"provider_name": ""}, "provider_required"),
        ({"diagnosis": " "}, "diagnosis_required"),
        ({"items": []}, "items_required"),
        ({"items": [{"benefit_item": 999999, "amount": 100}]}, "item_not_in_plan"),
        ({"items": "amount:-5"}, "invalid_amount"),
        ({"items": "amount:abc"}, "invalid_amount"),
    ],
)
def test_bad_details_are_refused_and_change_nothing(user, details, code):
    member = user.policy_links.get().member
    claim = services.claim_draft_create(user=user, member=member, benefit_type="OUTPATIENT")
    item = plan_item(member, "OUTPATIENT")
    values = {
        "treatment_date": datetime.date(2025, 3, 14),
        "provider_name": "Klinik A",
        "diagnosis": "Demam",
        "items": [{"benefit_item": item, "amount": 100_000}],
    }
    if isinstance(details.get("items"), str):
        details = {"items": [{"benefit_item": item, "amount": details["items"].split(":")[1]}]}
    values.update(details)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_details_update(claim=claim, user=user, **values)
    assert caught.value.code == code and caught.value.message
    claim.refresh_from_db()
    assert claim.provider_name == "" and not claim.items.exists()


def test_inpatient_days_cannot_exceed_the_stay(user):
    member = user.policy_links.get().member
    claim = services.claim_draft_create(user=user, member=member, benefit_type="INPATIENT")
    with pytest.raises(services.ClaimError) as caught:
        services.claim_details_update(
            claim=claim,
            user=user,
            treatment_date=None,
            admission_date=datetime.date(2025, 3, 10),
            discharge_date=datetime.date(2025, 3, 12),
            provider_name="RS A",
            diagnosis="DBD",
            items=[{"benefit_item": plan_item(member, "INPATIENT"), "amount": "Rp 1.500.000", "quantity": 4}],
        )
    assert "more than the stay of 3 days" in caught.value.message


class TestBankAccount:
    def test_a_new_account_needs_a_code_and_sends_a_notice(self, user, django_capture_on_commit_callbacks):
        from satuklik.accounts import otp

        claim = ready_draft(user)
        assert services.claim_bank_set(
            claim=claim, user=user, bank_code="009", account_number="9876 5432 10", holder="JANE"
        )
        with pytest.raises(services.SubmissionRefused) as caught:
            services.claim_submit(claim=claim, user=user)
        assert _problem_codes(caught) == ["bank_account_unconfirmed"]
        assert "ending in 3210" in caught.value.message

        flow_key = otp.new_flow_key()
        with django_capture_on_commit_callbacks(execute=True):
            challenge = services.bank_code_send(
                user=user, bank_code="009", account_number="9876543210", holder="JANE", flow_key=flow_key
            )
        code = re.search(r"\b(\d{6})\b", Message.objects.filter(template="otp_code").latest("id").body).group(1)
        # The code is bound to the account: it cannot confirm another one.
        with pytest.raises(otp.OtpError):
            services.bank_code_verify(
                user=user,
                challenge_id=challenge.public_id,
                flow_key=flow_key,
                code=code,
                bank_code="009",
                account_number="1111111111",
                holder="JANE",
            )
        services.bank_code_verify(
            user=user,
            challenge_id=challenge.public_id,
            flow_key=flow_key,
            code=code,
            bank_code="009",
            account_number="9876543210",
            holder="JANE",
        )
        notice = Message.objects.get(template="claim_bank_account")
        assert "******3210" in notice.subject and "9876543210" not in notice.body
        assert services.claim_submit(claim=claim, user=user).status == S.SUBMITTED

    def test_the_last_used_account_needs_no_code(self, user):
        services.claim_submit(claim=ready_draft(user), user=user)
        assert not services.bank_account_needs_code(user=user, bank_code="014", account_number="1234567890")
        assert services.bank_account_needs_code(user=user, bank_code="014", account_number="1234567899")

    def test_a_confirmation_goes_stale(self, user):
        BankAccountUsed.objects.create(
            user=user, bank_code="009", account_number="5550001111", holder_name="X", verified_at=timezone.now()
        )
        assert not services.bank_account_needs_code(user=user, bank_code="009", account_number="5550001111")
        with time_machine.travel(TODAY + datetime.timedelta(hours=25), tick=False):
            assert services.bank_account_needs_code(user=user, bank_code="009", account_number="5550001111")

    @pytest.mark.parametrize(
        ("bank_code", "number", "holder", "code"),
        [
            ("999", "1234567890", "JANE", "unknown_bank"),
            ("014", "12ab", "JANE", "invalid_account_number"),
            ("014", "1234", "JANE", "invalid_account_number"),
            ("014", "1234567890", "  ", "holder_required"),
        ],
    )
    def test_bad_accounts_are_refused(self, user, bank_code, number, holder, code):
        claim = ready_draft(user)
        with pytest.raises(services.ClaimError) as caught:
            services.claim_bank_set(claim=claim, user=user, bank_code=bank_code, account_number=number, holder=holder)
        assert caught.value.code == code
        claim.refresh_from_db()
        assert claim.bank_account_number == "1234567890"

    def test_account_number_never_reaches_the_logs(self, user, caplog, django_capture_on_commit_callbacks):
        import logging

        from satuklik.accounts import otp

        caplog.set_level(logging.DEBUG)
        claim = ready_draft(user)
        services.claim_bank_set(claim=claim, user=user, bank_code="009", account_number="9876543210", holder="JANE")
        flow_key = otp.new_flow_key()
        with django_capture_on_commit_callbacks(execute=True):
            services.bank_code_send(
                user=user, bank_code="009", account_number="9876543210", holder="JANE", flow_key=flow_key
            )
        assert "9876543210" not in caplog.text
