import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from satuklik.accounts.models import LoginName, PolicyLink, User
from satuklik.demo.accounts import build_demo_accounts

pytestmark = pytest.mark.django_db


def test_demo_personas_can_log_in_and_a_second_run_changes_nothing(settings):
    from satuklik.demo import policies as policies_demo

    settings.DEMO_MODE = True
    policies_demo.build_demo_policies(members=0)
    first = build_demo_accounts()
    assert first["accounts"] == sum(1 for p in policies_demo.PERSONAS if p["registered"])
    for persona in policies_demo.PERSONAS:
        if persona["registered"]:
            user = authenticate(username=persona["username"].lower(), password=persona["password"])
            assert user is not None and user.policy_links.filter(status=PolicyLink.Status.ACTIVE).exists()
    counts = (User.objects.count(), LoginName.objects.count(), PolicyLink.objects.count())
    second = build_demo_accounts()
    assert second["accounts"] == 0 and second["links"] == 0
    assert (User.objects.count(), LoginName.objects.count(), PolicyLink.objects.count()) == counts
    # Demo staff got the published TOTP secret.
    admin = User.objects.get(username="admin")
    assert admin.totpdevice_set.get().key == "3132333435363738393031323334353637383930"


def test_staff_totp_setup_prints_an_otpauth_uri(capsys):
    from satuklik.accounts.tests.factories import StaffUserFactory

    StaffUserFactory(username="klaim")
    call_command("staff_totp_setup", "klaim")
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out and "secret (base32):" in out
