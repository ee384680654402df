"""Two officers at once on one claim: one decision, one payment (row locks, PostgreSQL only)."""

import threading

import pytest
from django.db import connection

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.models import Claim, ClaimStatusChange
from satuklik.claims.review import claim_decide, claim_mark_paid, claim_start_review
from satuklik.claims.tests.factories import ClaimFactory
from satuklik.claims.workflow import IllegalTransition

S = Claim.Status


def in_threads(works):
    barrier = threading.Barrier(len(works))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - checked by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.mark.django_db(transaction=True)
class TestTwoOfficersAtOnce:
    @pytest.fixture(autouse=True)
    def _postgres_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite serialises writers)")

    def test_one_decision_wins_and_the_other_is_refused(self):
        first, second = StaffUserFactory(), StaffUserFactory()
        claim = ClaimFactory()
        claim_start_review(claim=claim, officer=first)

        def approve(officer):
            return lambda: claim_decide(claim=Claim.objects.get(pk=claim.pk), officer=officer, decision="approve")

        results, errors = in_threads([approve(first), approve(second)])
        assert len(results) == 1
        assert [type(error) for error in errors] == [IllegalTransition]
        assert ClaimStatusChange.objects.filter(claim=claim, new_status=S.PARTLY_APPROVED).count() == 1

    def test_a_claim_is_paid_once(self):
        officer = StaffUserFactory()
        claim = ClaimFactory()
        claim_start_review(claim=claim, officer=officer)
        claim_decide(claim=claim, officer=officer, decision="approve")

        def pay(reference):
            return lambda: claim_mark_paid(claim=Claim.objects.get(pk=claim.pk), officer=officer, reference=reference)

        results, errors = in_threads([pay("TRF-A"), pay("TRF-B")])
        assert len(results) == 1 and len(errors) == 1
        claim.refresh_from_db()
        assert (claim.status, claim.amount_paid) == (S.PAID, 120_000)
        assert claim.payment_reference == results[0].payment_reference
