"""The numbers and status sets the member's claim pages state come from the rules' own
constants and the workflow table (issue 12.4): change a constant and every page says so."""

import datetime

import pytest
from django.utils import timezone

from satuklik.claims import services, working_days
from satuklik.claims.tests.factories import ClaimFactory, S, member_user
from satuklik.claims.workflow import ALLOWED_TRANSITIONS, AWAITING_DECISION, DECISIONS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "frozen_today")]


@pytest.fixture
def jane(client):
    user = member_user()
    client.force_login(user)
    return user


def _page(client, url, language="en"):
    return " ".join(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode().split())


def test_the_submission_window_on_the_new_claim_page_is_the_rules_own(client, jane, monkeypatch):
    assert "submitted within 60 days of the treatment" in _page(client, "/claims/new/")
    monkeypatch.setattr(services, "SUBMISSION_WINDOW_DAYS", 30)
    assert "submitted within 30 days of the treatment" in _page(client, "/claims/new/")
    assert "diajukan dalam 30 hari sejak perawatan" in _page(client, "/claims/new/", "id")


@pytest.mark.parametrize("status", [s for s in S.values if s != S.DRAFT])
def test_the_due_date_shows_while_a_decision_is_awaited_on_the_list_and_the_claim(client, jane, status):
    member = jane.policy_links.get().member
    claim = ClaimFactory(member=member, status=status, decision_due_date=datetime.date(2025, 4, 1), appeal_count=0)
    awaited = status in (S.SUBMITTED, S.IN_REVIEW, S.DOCUMENTS_REQUESTED, S.APPEALED)
    assert ("Decision due 01/04/2025" in _page(client, "/claims/")) is awaited
    detail = _page(client, f"/claims/{claim.pk}/")
    assert ("Decision due by 01/04/2025 (14 working days from a complete submission)." in detail) is awaited


def test_an_appeal_states_its_own_working_days(client, jane, monkeypatch):
    member = jane.policy_links.get().member
    appealed = ClaimFactory(
        member=member, status=S.APPEALED, decision_due_date=datetime.date(2025, 4, 16), appeal_count=1
    )
    assert "Decision due by 16/04/2025 (20 working days from the appeal)." in _page(client, f"/claims/{appealed.pk}/")
    rejected = ClaimFactory(member=member, status=S.REJECTED, decided_at=timezone.now() - datetime.timedelta(days=1))
    url = f"/claims/{rejected.pk}/"
    assert "reviews the claim within 20 working days" in _page(client, url)
    monkeypatch.setattr(working_days, "APPEAL_WORKING_DAYS", 15)
    assert "reviews the claim within 15 working days" in _page(client, url)
    assert "meninjau klaim dalam 15 hari kerja" in _page(client, url, "id")


def test_every_status_awaiting_a_decision_leads_to_one_without_leaving_the_set():
    for status in AWAITING_DECISION:
        seen, todo = set(), [status]
        while todo:
            current = todo.pop()
            seen.add(current)
            todo += [s for s in ALLOWED_TRANSITIONS[current] if s in AWAITING_DECISION and s not in seen]
        assert any(ALLOWED_TRANSITIONS[s] & DECISIONS for s in seen), status
