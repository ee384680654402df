"""The date of birth is typed dd/mm/yyyy whatever the browser's language (issue 13.7)."""

import pytest
from django.urls import reverse
from django.utils import translation

from satuklik.accounts.models import AuthFlow

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register-details", args=["group"])


def _details(date_of_birth):
    return {
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": date_of_birth,
        "email": "jane.railey@example.com",
    }


def test_the_field_is_a_day_first_text_field_not_a_browser_date_picker(client):
    page = client.get(URL).content.decode()
    assert 'type="date"' not in page
    assert 'name="date_of_birth"' in page and 'placeholder="hh/bb/tttt"' in page
    assert 'inputmode="numeric"' in page


@pytest.mark.parametrize("typed", ["01/12/1990", "1/12/1990", "01-12-1990", "01.12.1990", "1990-12-01"])
def test_jane_is_found_with_her_date_typed_day_first(client, jane, typed):
    response = client.post(URL, _details(typed))
    assert response.status_code == 302 and response.url == reverse("accounts:register-eula")
    assert AuthFlow.objects.get().member == jane


def test_day_and_month_swapped_past_twelve_says_to_write_the_day_first(client, jane):
    response = client.post(URL, _details("12/31/1990"))
    assert response.status_code == 200
    assert "Tidak ada bulan 31" in response.content.decode()
    assert not AuthFlow.objects.exists()


def test_an_impossible_date_says_it_does_not_exist(client, jane):
    with translation.override("en"):
        response = client.post(URL, _details("31/02/1990"), HTTP_ACCEPT_LANGUAGE="en")
    assert "This date does not exist" in response.content.decode()
    assert not AuthFlow.objects.exists()


def test_a_future_date_and_a_wrong_shape_are_refused_with_their_reason(client, jane):
    future = client.post(URL, _details("01/12/2990")).content.decode()
    assert "Tanggal lahir tidak mungkin di masa depan" in future
    shape = client.post(URL, _details("1 Desember 1990")).content.decode()
    assert "hari/bulan/tahun" in shape
    assert not AuthFlow.objects.exists()


def test_the_typed_date_is_shown_back_as_typed_after_another_error(client, jane):
    data = _details("01/12/1990")
    data["email"] = "not an e-mail"
    page = client.post(URL, data).content.decode()
    assert 'value="01/12/1990"' in page


def test_the_dplk_form_says_where_the_participant_number_is_printed(client):
    page = client.get(reverse("accounts:register-details", args=["dplk"])).content.decode()
    assert "sertifikat kepesertaan DPLK" in page
