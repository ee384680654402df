"""The new-claim steps as a member meets them: the order of the choices, the submission
window at the date step, the total bill first (issue 13, point 3)."""

import datetime
import re

import pytest

from satuklik.claims.models import Claim, ClaimItem
from satuklik.claims.tests.factories import TODAY, member_user
from satuklik.policies.tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "frozen_today")]


@pytest.fixture
def jane(client):
    user = member_user()
    client.force_login(user)
    return user


def _html(response):
    return " ".join(response.content.decode().split())


def _radio_values(page, name):
    return re.findall(rf'name="{name}" value="([^"]+)"', page)


def test_care_types_come_most_claimed_first_outpatient_first(client, jane):
    page = _html(client.get("/claims/new/"))
    assert _radio_values(page, "benefit_type") == ["OUTPATIENT", "DENTAL", "INPATIENT", "OPTICAL", "MATERNITY"]


def test_family_comes_principal_spouse_then_children_eldest_first(client, jane):
    principal = jane.policy_links.get().member
    younger = MemberFactory(child_of=principal, full_name="ADAM KECIL", date_of_birth=datetime.date(2019, 1, 5))
    elder = MemberFactory(child_of=principal, full_name="ZAHRA BESAR", date_of_birth=datetime.date(2012, 7, 1))
    spouse = MemberFactory(spouse_of=principal, full_name="ZULAIKHA ISTRI")
    page = _html(client.get("/claims/new/"))
    assert _radio_values(page, "participant") == [str(p.pk) for p in (principal, spouse, elder, younger)]


def _draft(client, benefit_type="OUTPATIENT"):
    page = client.get("/claims/new/").content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', page).group(1)
    principal_pk = re.findall(r'name="participant" value="([^"]+)"', page)[0]
    client.post("/claims/new/", {"participant": principal_pk, "benefit_type": benefit_type, "submission_token": token})
    return Claim.objects.latest("id")


def _details(claim, **extra):
    return {"provider_name": "Klinik Sehat", "diagnosis": "Demam", **extra}


def test_the_date_step_refuses_a_treatment_older_than_the_window_at_once(client, jane):
    claim = _draft(client)
    item = claim.member.plan.benefit_items.get(benefit_type="OUTPATIENT")
    late = TODAY.date() - datetime.timedelta(days=61)
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        _details(claim, treatment_date=late.isoformat(), **{f"amount_{item.pk}": "200.000"}),
    )
    assert response.status_code == 200
    page = _html(response)
    assert (
        "A claim must be submitted within 60 days of the treatment; the treatment on 17/01/2025 was 61 days ago."
        in page
    )
    claim.refresh_from_db()
    assert claim.amount_claimed == 0 and not claim.items.exists() and not claim.diagnosis  # nothing half-saved

    # 60 days ago is still in time.
    on_time = TODAY.date() - datetime.timedelta(days=60)
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        _details(claim, treatment_date=on_time.isoformat(), **{f"amount_{item.pk}": "200.000"}),
    )
    assert response["Location"] == f"/claims/{claim.pk}/edit/bank/"


def test_the_window_counts_from_discharge_for_inpatient_care_in_indonesian(client, jane):
    claim = _draft(client, "INPATIENT")
    item = claim.member.plan.benefit_items.get(benefit_type="INPATIENT")
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        _details(
            claim,
            admission_date="2025-01-10",
            discharge_date="2025-01-15",
            **{f"amount_{item.pk}": "200.000", f"quantity_{item.pk}": "2"},
        ),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    page = _html(response)
    assert "dalam 60 hari sejak" in page and "15/01/2025" in page and "63 hari" in page
    assert not ClaimItem.objects.filter(claim=claim).exists()


def test_the_date_field_says_the_window_before_anything_is_typed(client, jane):
    claim = _draft(client)
    page = _html(client.get(f"/claims/{claim.pk}/edit/"))
    assert "A claim is submitted within 60 days of the treatment." in page
