import pytest
from django.urls import reverse

from satuklik.accounts.models import LoginName, PolicyLink, User
from satuklik.accounts.tests.conftest import last_code
from satuklik.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_jane_registers_with_her_group_data(client, jane, django_capture_on_commit_callbacks):
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 200
    data = {
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": "1990-12-01",
        "email": "Jane.Railey@example.com",
    }
    response = client.post(reverse("accounts:register-details", args=["group"]), data)
    assert response.status_code == 302 and response.url == reverse("accounts:register-eula")
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register-eula"), {"accept": "on"})
    assert response.url == reverse("accounts:register-verify")
    page = client.get(response.url)
    assert "ja***@e***.com" in page.content.decode()
    code = last_code("jane.railey@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register-verify"), {"code": code})
    assert response.url == reverse("accounts:register-username")
    page = client.get(response.url)
    assert "JANERA0112" in page.content.decode()
    username_mail = Message.objects.filter(template="account_username").get()
    assert "JANERA0112" in username_mail.body and username_mail.recipient == "jane.railey@example.com"
    response = client.post(
        reverse("accounts:register-password"),
        {"password1": "kopi tubruk pagi hari", "password2": "kopi tubruk pagi hari"},
    )
    assert response.url == reverse("accounts:register-done")
    home = client.get(reverse("core:home"))
    assert "JANE RAILEY" in home.content.decode()
    user = User.objects.get()
    assert user.username == "JANERA0112" and user.eula_version and user.eula_accepted_at
    assert LoginName.objects.get().name == "JANERA0112"
    assert PolicyLink.objects.get().status == PolicyLink.Status.ACTIVE
