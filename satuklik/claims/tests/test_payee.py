"""Whom a claim is paid to: a dependent's claim defaults to the principal's last confirmed
account, and a holder who is not the principal is allowed but warned about (member and officer)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from satuklik.accounts import services as account_services
from satuklik.accounts.tests.staff import staff_sign_in
from satuklik.claims import services
from satuklik.claims.tests.factories import BankAccountUsedFactory, member_user, ready_draft
from satuklik.claims.tests.test_backoffice import make_officer
from satuklik.policies.tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "frozen_today")]

PRINCIPAL = "BUDI PRATAMA"
CHILD = "KEVIN ADITYA PRATAMA"
WARNING = "is not BUDI PRATAMA, the principal of this policy"


@pytest.fixture
def user():
    user = member_user()
    principal = user.policy_links.get().member
    principal.full_name = PRINCIPAL
    principal.save(update_fields=["full_name"])
    return user


@pytest.fixture
def child(user):
    return MemberFactory(child_of=user.policy_links.get().member, full_name=CHILD)


def _holder_input(html):
    return re.search(r'<input[^>]*name="holder"[^>]*>', html).group(0)


def test_new_account_for_a_childs_claim_is_proposed_in_the_principals_name(client, user, child):
    client.force_login(user)
    claim = services.claim_draft_create(user=user, member=child, benefit_type="OUTPATIENT")
    html = client.get(f"/claims/{claim.pk}/edit/bank/").content.decode()
    assert f'value="{PRINCIPAL}"' in _holder_input(html)
    assert CHILD not in _holder_input(html)


def test_childs_claim_defaults_to_the_principals_account_not_one_in_the_childs_name(user, child):
    now = timezone.now()
    mine = BankAccountUsedFactory(
        user=user, account_number="1111111111", holder_name=PRINCIPAL, last_used_at=now - datetime.timedelta(days=9)
    )
    # The last claim, for the child, was paid to an account in the child's name.
    BankAccountUsedFactory(
        user=user, account_number="2222222222", holder_name=CHILD, last_used_at=now - datetime.timedelta(days=1)
    )
    claim = services.claim_draft_create(user=user, member=child, benefit_type="OUTPATIENT")
    assert (claim.bank_account_number, claim.bank_account_holder) == (mine.account_number, PRINCIPAL)


def test_api_childs_draft_gets_the_principals_account(client, user, child):
    BankAccountUsedFactory(user=user, account_number="1111111111", holder_name=PRINCIPAL, last_used_at=timezone.now())
    BankAccountUsedFactory(user=user, account_number="2222222222", holder_name=CHILD, verified_at=timezone.now())
    _token, raw = account_services.api_token_issue(user=user, name="test")
    response = client.post(
        "/api/v1/claims",
        {"member_id": child.pk, "benefit_type": "OUTPATIENT"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY="child-draft-1",
    )
    assert response.status_code in (200, 201), response.content
    body = response.json()
    assert body["bank_account_holder"] == PRINCIPAL and body["bank_account_masked"].endswith("1111")
    assert body["payee_warning"] == ""


def test_a_holder_other_than_the_principal_is_allowed_with_a_warning_on_page_and_api(client, user, child):
    claim = ready_draft(user, member=child)  # paid to an account in the child's name
    client.force_login(user)
    review = client.get(f"/claims/{claim.pk}/review/").content.decode()
    assert f"The account holder, {CHILD}, {WARNING}" in review
    assert WARNING in client.get(f"/claims/{claim.pk}/edit/bank/").content.decode()
    _token, raw = account_services.api_token_issue(user=user, name="test")
    body = client.get(f"/api/v1/claims/{claim.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert WARNING in body["payee_warning"]
    # Allowed: the claim is submitted to that account.
    submitted = services.claim_submit(claim=claim, user=user)
    assert submitted.bank_account_holder == CHILD
    with translation.override("id"):
        assert "bukan" in services.payee_warning(submitted).lower()


def test_the_officer_sees_the_warning(client, user, child, settings):
    claim = services.claim_submit(claim=ready_draft(user, member=child), user=user)
    officer = make_officer()
    staff_sign_in(client, officer)  # password, then the authenticator code
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("claims-backoffice:detail", kwargs={"claim_id": claim.pk})).content.decode()
    assert WARNING in html
    principal_claim = services.claim_submit(claim=ready_draft(user), user=user)
    html = client.get(reverse("claims-backoffice:detail", kwargs={"claim_id": principal_claim.pk})).content.decode()
    assert WARNING not in html and 'data-field="payee-warning"' not in html
