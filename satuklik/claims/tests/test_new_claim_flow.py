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


# --- the total bill first -------------------------------------------------------------------


def _two_items(claim):
    """The outpatient items of the claim's plan, in the plan's order (a second one is added)."""
    from satuklik.policies.tests.factories import BenefitItemFactory

    first = claim.member.plan.benefit_items.get(benefit_type="OUTPATIENT")
    second = BenefitItemFactory(
        plan=claim.member.plan,
        benefit_type="OUTPATIENT",
        code="OP-MED2",
        name="Obat",
        sort_order=first.sort_order + 1,
        limit_amount=1_000_000,
        limit_period="VISIT",
    )
    return first, second


def test_the_total_is_asked_before_the_items_and_the_split_is_folded(client, jane):
    claim = _draft(client)
    page = _html(client.get(f"/claims/{claim.pk}/edit/"))
    assert page.index('name="total"') < page.index('id="item-split"') < page.index('name="amount_')
    assert '<details class="item-split" id="item-split">' in page  # folded: optional
    assert "Split the bill by item (optional)" in page


def test_the_total_alone_is_claimed_as_the_first_item(client, jane):
    claim = _draft(client)
    first, _second = _two_items(claim)
    response = client.post(
        f"/claims/{claim.pk}/edit/", _details(claim, treatment_date="2025-03-14", total="Rp 275.000")
    )
    assert response["Location"] == f"/claims/{claim.pk}/edit/bank/"
    claim.refresh_from_db()
    assert claim.amount_claimed == 275_000
    assert [(row.benefit_item_id, row.amount_claimed, row.quantity) for row in claim.items.all()] == [
        (first.pk, 275_000, 1)
    ]
    # Back on the step, the total and its prefilled item are shown again.
    page = _html(client.get(f"/claims/{claim.pk}/edit/"))
    assert 'name="total" value="275.000"' in page


def test_a_split_that_does_not_add_up_to_the_total_is_refused_and_nothing_saved(client, jane):
    claim = _draft(client)
    first, second = _two_items(claim)
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        _details(
            claim,
            treatment_date="2025-03-14",
            total="300.000",
            **{f"amount_{first.pk}": "200.000", f"amount_{second.pk}": "50.000"},
        ),
    )
    assert response.status_code == 200
    page = _html(response)
    assert "The items add up to Rp 250.000, but the total bill is Rp 300.000: correct an item or the total." in page
    assert '<details class="item-split" id="item-split" open>' in page  # the member sees what to fix
    claim.refresh_from_db()
    assert claim.amount_claimed == 0 and not claim.items.exists() and not claim.diagnosis

    response = client.post(
        f"/claims/{claim.pk}/edit/",
        _details(
            claim,
            treatment_date="2025-03-14",
            total="300.000",
            **{f"amount_{first.pk}": "200.000", f"amount_{second.pk}": "100.000"},
        ),
    )
    assert response["Location"] == f"/claims/{claim.pk}/edit/bank/"
    claim.refresh_from_db()
    assert claim.amount_claimed == 300_000 and claim.items.count() == 2


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("", "Enter the total of the bill."),
        ("dua ratus", "Enter the total of the bill in rupiah, e.g. 250.000."),
        ("0", "The total of the bill must be more than zero."),
    ],
)
def test_a_missing_or_unreadable_total_says_so(client, jane, total, message):
    claim = _draft(client)
    response = client.post(f"/claims/{claim.pk}/edit/", _details(claim, treatment_date="2025-03-14", total=total))
    assert response.status_code == 200
    assert message in _html(response)
    assert not ClaimItem.objects.filter(claim=claim).exists()


def test_the_total_message_is_translated(client, jane):
    claim = _draft(client)
    response = client.post(
        f"/claims/{claim.pk}/edit/", _details(claim, treatment_date="2025-03-14", total=""), HTTP_ACCEPT_LANGUAGE="id"
    )
    page = _html(response)
    assert "Total tagihan (Rp)" in page and "Masukkan total tagihan." in page


# --- phone: step n of m, the focus, the estimate as cards ------------------------------------


def test_every_step_says_which_of_how_many_it_is_in_both_languages(client, jane):
    assert "Step 1 of 5: Participant" in _html(client.get("/claims/new/"))
    claim = _draft(client)
    assert "Step 2 of 5: Care details" in _html(client.get(f"/claims/{claim.pk}/edit/"))
    assert "Langkah 3 dari 5" in _html(client.get(f"/claims/{claim.pk}/edit/bank/", HTTP_ACCEPT_LANGUAGE="id"))
    assert "Step 4 of 5: Documents" in _html(client.get(f"/claims/{claim.pk}/edit/documents/"))
    assert "Step 5 of 5: Review" in _html(client.get(f"/claims/{claim.pk}/review/"))


def test_step_two_starts_in_its_first_field_and_a_refusal_in_the_field_it_is_about(client, jane):
    claim = _draft(client)
    page = _html(client.get(f"/claims/{claim.pk}/edit/"))
    assert (
        re.findall(r"<input[^>]*autofocus[^>]*>", page)
        and 'id="id_treatment_date"' in re.findall(r"<input[^>]*autofocus[^>]*>", page)[0]
    )
    response = client.post(f"/claims/{claim.pk}/edit/", _details(claim, treatment_date="2025-03-14", total=""))
    focused = re.findall(r"<input[^>]*autofocus[^>]*>", _html(response))
    assert len(focused) == 1 and 'id="id_total"' in focused[0]


def test_the_estimate_is_cards_with_the_real_labels_not_a_wide_table(client, jane):
    from satuklik.claims.tests.factories import ready_draft

    claim = ready_draft(jane, amount=350_000)
    page = _html(client.get(f"/claims/{claim.pk}/review/", HTTP_ACCEPT_LANGUAGE="id"))
    assert 'class="estimate-cards"' in page and "<table" not in page
    assert page.count('class="estimate-card"') == 1 and "estimate-card estimate-total" in page
    assert "Dibayar plan (perkiraan)" in page and "Anda tanggung" in page


# --- documents: one upload control per checklist row ---------------------------------------


def test_each_checklist_row_has_one_upload_control_that_works_as_a_plain_form(client, jane):
    from satuklik.claims.models import ClaimDocument, DocumentRequirement
    from satuklik.claims.tests.factories import TINY_PDF, upload

    claim = _draft(client)
    page = _html(client.get(f"/claims/{claim.pk}/edit/documents/"))
    requirements = list(DocumentRequirement.objects.filter(benefit_type="OUTPATIENT", active=True))
    for requirement in requirements:
        row = page.split(f'data-requirement="{requirement.code}"', 1)[1].split("</li>", 1)[0]
        assert row.count('type="file"') == 1  # one control per row
        assert f'name="requirement" value="{requirement.pk}"' in row
        assert f'<label for="upload-{requirement.code}"' in row  # the styled button names the input
    assert 'capture="environment"' not in page  # a picker that offers the camera and the files
    assert page.count('type="file"') == len(requirements) + 1  # and one for another document

    # Without JavaScript: the row's own form, posted as it is.
    receipt = next(r for r in requirements if r.code == "RECEIPT")
    response = client.post(
        f"/claims/{claim.pk}/edit/documents/", {"requirement": receipt.pk, "files": upload("kuitansi.pdf", TINY_PDF)}
    )
    assert response["Location"] == f"/claims/{claim.pk}/edit/documents/"
    assert ClaimDocument.objects.get(claim=claim).requirement == receipt
    row = _html(client.get(f"/claims/{claim.pk}/edit/documents/")).split('data-requirement="RECEIPT"', 1)[1]
    assert "kuitansi.pdf" in row.split("</li>", 1)[0] and "Add another file" in row.split("</li>", 1)[0]


def test_an_empty_row_upload_says_so_and_keeps_nothing(client, jane):
    claim = _draft(client)
    response = client.post(f"/claims/{claim.pk}/edit/documents/", {"requirement": ""})
    assert response.status_code == 400
    assert "Choose a file or take a photo first." in _html(response)
    assert not claim.documents.exists()
