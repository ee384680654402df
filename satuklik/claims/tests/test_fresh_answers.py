"""A member's answers are never stale, whichever server process gives them (issue 11).

Two gunicorn workers serve the API: on SQLite with the embedded default (scripts/run), and
on PostgreSQL with Redis (production's shape, when the test run has DATABASE_URL and
REDIS_URL). Both workers first answer the member's claims list and benefits (so any answer
kept in a process would now be kept in both); then someone else writes in yet another
process: an officer decides the member's claim, the member makes a draft claim on the other
door. The very next answer, from either worker, shows the write.
"""

import json
import uuid

import pytest

EN = {"Accept-Language": "en"}
PASSWORD = "correct horse battery staple"  # accounts factories.DEFAULT_PASSWORD

# Run in a `manage.py shell` of the server's environment: a member whose plan has the usual
# schedule, on a policy that covers today, with a submitted outpatient claim of 300.000
# treated yesterday (limit 150.000 a visit, 20 % co-payment: 120.000 approvable).
SETUP = """
import datetime, json
from django.utils import timezone
from satuklik.accounts.tests.factories import StaffUserFactory, UserFactory
from satuklik.claims.tests.factories import ClaimFactory, scheduled_member
from satuklik.policies.tests.factories import PolicyFactory
today = timezone.localdate()
start = datetime.date(today.year, 1, 1)
member = scheduled_member(policy=PolicyFactory(start_date=start, end_date=None), start_date=start)
user = UserFactory(username="FRESHA0101", member=member)
claim = ClaimFactory(
    member=member, treatment_date=today - datetime.timedelta(days=1),
    submitted_at=timezone.now(), decision_due_date=today + datetime.timedelta(days=14),
)
StaffUserFactory(username="officer")
print(json.dumps({"member": member.pk, "claim": claim.pk}))
"""

# The officer's decision, as the back office makes it: take the claim, approve the proposal.
DECIDE = """
from satuklik.accounts.models import User
from satuklik.claims.models import Claim
from satuklik.claims.review import claim_decide, claim_start_review
officer = User.objects.get(username="officer")
claim = claim_start_review(claim=Claim.objects.get(pk={claim}), officer=officer)
claim_decide(claim=Claim.objects.get(pk={claim}), officer=officer, decision="approve")
"""


@pytest.fixture(
    params=[
        "sqlite-embedded",
        # Committed writes (the servers read them), in the test run's own database.
        pytest.param("postgresql-redis", marks=pytest.mark.django_db(transaction=True)),
    ]
)
def server(request):
    if request.param == "sqlite-embedded":
        return request.getfixturevalue("two_worker_server")
    return request.getfixturevalue("two_worker_server_on_the_test_database")


def _on_both_workers(server, path, headers):
    """The answers to GET path, repeated until each worker has given one: all 200."""
    answers = server.until_both_workers(lambda: server.get(path, headers=headers))
    assert {answer.status_code for answer in answers} == {200}, [answer.text for answer in answers]
    return [answer.json() for answer in answers]


def _claims(server, bearer):
    """Each answer's claims as a set of (id, status, approved) (the list's order is not the point here)."""
    return [
        frozenset((item["id"], item["status"], item["amount_approved"]) for item in page["items"])
        for page in _on_both_workers(server, "/api/v1/claims", bearer)
    ]


def _outpatient_used(server, bearer, member_id):
    path = f"/api/v1/policies/members/{member_id}/benefits?benefit_type=OUTPATIENT"
    return [[item["used_amount"] for item in answer["items"]] for answer in _on_both_workers(server, path, bearer)]


def test_a_members_claims_and_benefits_change_on_the_next_request_after_another_actors_write(server):
    ids = json.loads(server.shell(SETUP).splitlines()[-1])
    member_id, claim_id = ids["member"], ids["claim"]
    login = {"username": "FRESHA0101", "password": PASSWORD, "device_name": "test"}
    token = server.post("/api/v1/auth/login", json=login, headers=EN).json()["token"]
    bearer = {"Authorization": f"Bearer {token}", **EN}

    # Both workers have answered: the claim waits, nothing of the benefit is used.
    assert set(_claims(server, bearer)) == {frozenset({(claim_id, "SUBMITTED", None)})}
    assert {tuple(used) for used in _outpatient_used(server, bearer, member_id)} == {(0,)}

    # An officer decides in another process: every next answer has the decision.
    server.shell(DECIDE.format(claim=claim_id))
    assert set(_claims(server, bearer)) == {frozenset({(claim_id, "PARTLY", 120_000)})}
    assert {tuple(used) for used in _outpatient_used(server, bearer, member_id)} == {(120_000,)}

    # The member starts a draft (one worker takes it): both workers list it at once.
    draft = server.post(
        "/api/v1/claims",
        json={"member_id": member_id, "benefit_type": "DENTAL"},
        headers={**bearer, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert draft.status_code == 201, draft.text
    expected = frozenset({(draft.json()["id"], "DRAFT", None), (claim_id, "PARTLY", 120_000)})
    assert set(_claims(server, bearer)) == {expected}
