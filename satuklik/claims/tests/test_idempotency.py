"""Retries create one claim: Idempotency-Key on the API, a one-time token on the web forms."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import translation

from satuklik.claims.models import Claim, ClaimStatusChange, IdempotencyKey
from satuklik.claims.tests.factories import member_user, plan_item, ready_draft

S = Claim.Status


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in English (the msgids); the default language is Indonesian.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


TODAY = datetime.datetime(2025, 3, 19, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _body(member, amount=200_000):
    return {
        "member_id": member.pk,
        "benefit_type": "OUTPATIENT",
        "details": {
            "treatment_date": "2025-03-14",
            "provider_name": "Klinik A",
            "diagnosis": "Demam",
            "items": [{"benefit_item_id": plan_item(member, "OUTPATIENT").pk, "amount": amount, "quantity": 1}],
        },
    }


def _post(client, body, key):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/claims", body, content_type="application/json", headers=headers)


@pytest.mark.django_db
class TestApiKey:
    def test_same_key_twice_gives_one_claim_and_the_same_answer(self, client):
        user = member_user()
        client.force_login(user)
        member = user.policy_links.get().member
        first = _post(client, _body(member), "key-1")
        again = _post(client, _body(member), "key-1")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert Claim.objects.count() == 1
        assert IdempotencyKey.objects.get().claim_id == first.json()["id"]

    def test_same_key_with_another_body_is_422(self, client):
        user = member_user()
        client.force_login(user)
        member = user.policy_links.get().member
        assert _post(client, _body(member), "key-2").status_code == 201
        other = _post(client, _body(member, amount=999_000), "key-2")
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency_key_reused"
        assert Claim.objects.count() == 1

    def test_another_members_key_never_replays_theirs(self, client):
        jane, budi = member_user(), member_user()
        client.force_login(jane)
        janes = _post(client, _body(jane.policy_links.get().member), "shared-key").json()
        client.force_login(budi)
        budis = _post(client, _body(budi.policy_links.get().member), "shared-key")
        assert budis.status_code == 201
        assert budis.json()["id"] != janes["id"]
        assert budis.json()["participant_name"] == budi.policy_links.get().member.full_name
        assert Claim.objects.count() == 2

    @pytest.mark.parametrize("key", [None, "", "x" * 256])
    def test_a_missing_or_bad_key_is_refused(self, client, key):
        user = member_user()
        client.force_login(user)
        response = _post(client, _body(user.policy_links.get().member), key)
        assert response.status_code == 400
        assert response.json()["code"] == "bad_key"
        assert not Claim.objects.exists()

    def test_a_refused_request_does_not_burn_the_key(self, client):
        user = member_user()
        client.force_login(user)
        member = user.policy_links.get().member
        bad = _body(member)
        bad["details"]["diagnosis"] = ""
        assert _post(client, bad, "key-3").status_code == 422
        assert not IdempotencyKey.objects.exists()
        assert _post(client, _body(member), "key-3").status_code == 201

    def test_submit_with_a_key_replays_the_submission(self, client):
        user = member_user()
        claim = ready_draft(user)
        client.force_login(user)
        url = f"/api/v1/claims/{claim.pk}/submit"
        first = client.post(url, headers={"Idempotency-Key": "submit-1"})
        again = client.post(url, headers={"Idempotency-Key": "submit-1"})
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        assert first.json()["number"].startswith("CLM-")
        # Without the key, a second submission is a conflict, not a second claim.
        assert client.post(url).status_code == 409
        assert ClaimStatusChange.objects.filter(claim=claim, new_status=S.SUBMITTED).count() == 1


@pytest.mark.django_db
class TestWebToken:
    def test_new_claim_form_sent_twice_makes_one_draft(self, client):
        user = member_user()
        client.force_login(user)
        data = {
            "participant": user.policy_links.get().member_id,
            "benefit_type": "OUTPATIENT",
            "submission_token": "t1",
        }
        first = client.post("/claims/new/", data)
        again = client.post("/claims/new/", data)
        assert first.status_code == again.status_code == 302
        assert first["Location"] == again["Location"]
        assert Claim.objects.count() == 1

    def test_submit_button_clicked_twice_submits_once(self, client):
        user = member_user()
        claim = ready_draft(user)
        client.force_login(user)
        first = client.post(f"/claims/{claim.pk}/review/", {"submission_token": "s1"})
        again = client.post(f"/claims/{claim.pk}/review/", {"submission_token": "s1"})
        assert first.status_code == again.status_code == 302
        assert first["Location"] == again["Location"] == f"/claims/{claim.pk}/"
        assert ClaimStatusChange.objects.filter(claim=claim, new_status=S.SUBMITTED).count() == 1


def _in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    """Real concurrent requests need a database that runs them concurrently: PostgreSQL."""

    @pytest.fixture(autouse=True)
    def _postgres_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite serialises writers)")

    def test_two_concurrent_creates_with_one_key_make_one_claim(self):
        user = member_user()
        body = _body(user.policy_links.get().member)

        def create():
            client = Client()
            client.force_login(user)
            response = _post(client, body, "race-key")
            return response.status_code, response.json()["id"]

        results, errors = _in_threads(4, create)
        assert not errors
        assert {status for status, _id in results} == {201}
        assert len({claim_id for _status, claim_id in results}) == 1
        assert Claim.objects.count() == 1

    def test_two_concurrent_submissions_submit_once(self):
        user = member_user()
        claim = ready_draft(user)

        def submit():
            client = Client()
            client.force_login(user)
            return client.post(f"/api/v1/claims/{claim.pk}/submit").status_code

        results, errors = _in_threads(4, submit)
        assert not errors
        assert sorted(results) == [200, 409, 409, 409]
        assert ClaimStatusChange.objects.filter(claim=claim, new_status=S.SUBMITTED).count() == 1
