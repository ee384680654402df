"""Registration as the three kinds of member meet it, and every way it must refuse."""

import datetime
import html
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import reverse

from satuklik.accounts import services, throttle
from satuklik.accounts.models import AuthFlow, LoginName, OtpChallenge, PolicyLink, SecurityEvent, User
from satuklik.accounts.tests.conftest import just_before_a_boundary, last_code
from satuklik.accounts.tests.factories import UserFactory
from satuklik.notifications.models import Message
from satuklik.policies.models import Member, PolicyType
from satuklik.policies.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

JANE_GROUP = {
    "policy_number": "12345678",
    "participant_number": "87654321",
    "date_of_birth": "1990-12-01",
    "email": "jane.railey@example.com",
}


def _register_group(client, data=None):
    return client.post(reverse("accounts:register-details", args=["group"]), data or JANE_GROUP)


def _full_registration(client, member, *, slug="group", data=None, channel=None, password="kopi tubruk pagi hari"):
    """Walk the web flow to the end; returns the username page's context."""
    response = client.post(reverse("accounts:register-details", args=[slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("accounts:register-eula"), {"accept": "on"})
    if response.url == reverse("accounts:register-channel"):
        response = client.post(reverse("accounts:register-channel"), {"channel": channel})
    assert response.url == reverse("accounts:register-verify")
    to = member.email if (channel or "EMAIL") == "EMAIL" and member.email else member.mobile
    response = client.post(reverse("accounts:register-verify"), {"code": last_code(to)})
    assert response.url == reverse("accounts:register-username")
    page = client.get(response.url)
    if page.context["needs_password"]:
        client.post(reverse("accounts:register-password"), {"password1": password, "password2": password})
    return page.context


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": "1990-12-02"},  # wrong date of birth
        {"policy_number": "99999999"},  # unknown policy
        {"email": "other.member@example.com"},  # another member's e-mail
        {"participant_number": "87650011"},  # another participant of the same policy
    ],
    ids=["wrong-birth-date", "unknown-policy", "another-members-email", "another-participant"],
)
def test_any_mismatch_gets_the_same_neutral_message_and_nothing_is_sent(client, jane, change):
    MemberFactory(policy=jane.policy, participant_number="87650011", email="other.member@example.com")
    reference = _register_group(client, {**JANE_GROUP, "date_of_birth": "1980-01-01"})
    response = _register_group(client, {**JANE_GROUP, **change})
    assert response.status_code == 400
    assert response.context["error"] == reference.context["error"]
    assert "Customer Care" in str(response.context["error"]) or "Layanan" in str(response.context["error"])
    assert not Message.objects.exists() and not OtpChallenge.objects.exists() and not AuthFlow.objects.exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REGISTER_MISMATCH).count() == 2


def _walk_to_the_code(client, data=JANE_GROUP):
    """Details, EULA: the pages a member sees before the code (their text, joined)."""
    seen = []
    response = _register_group(client, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    seen.append(client.get(response.url).content.decode())
    response = client.post(reverse("accounts:register-eula"), {"accept": "on"})
    assert response.url == reverse("accounts:register-verify")
    seen.append(client.get(response.url).content.decode())
    return " ".join(seen)


@pytest.mark.parametrize(
    ("member_change", "policy_change", "ended_on"),
    [
        ({"end_date": datetime.date(2024, 6, 30)}, {}, "30/06/2024"),
        ({"status": Member.Status.INACTIVE, "end_date": datetime.date(2024, 9, 15)}, {}, "15/09/2024"),
        ({}, {"status": "TERMINATED", "end_date": datetime.date(2024, 3, 31)}, "31/03/2024"),
        ({"status": Member.Status.INACTIVE}, {}, None),
    ],
    ids=["member-end-date", "inactive-member", "terminated-policy", "inactive-without-date"],
)
def test_ended_coverage_is_said_only_after_the_code_proves_the_person(
    client, jane, member_change, policy_change, ended_on
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for name, value in member_change.items():
        setattr(jane, name, value)
    jane.save()
    for name, value in policy_change.items():
        setattr(jane.policy, name, value)
    jane.policy.save()

    # Someone with only part of the data still gets the neutral message, as for any mismatch.
    wrong = _register_group(client, {**JANE_GROUP, "email": "someone.else@example.com"})
    assert wrong.status_code == 400 and "does not match our records" in str(wrong.context["error"])

    # With all of it, the pages before the code are those of a covered member: nothing says "ended".
    before = _walk_to_the_code(client)
    assert "ended" not in before.lower()
    code = last_code(jane.email)  # sent to the e-mail on file, which proves the person
    response = client.post(reverse("accounts:register-verify"), {"code": code})
    assert response.url == reverse("accounts:register-username")
    page = client.get(response.url)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())).split())
    if ended_on:
        assert f"Your membership of policy 12345678 ended on {ended_on}, so it cannot open an account." in text
    else:
        assert "Your membership of policy 12345678 has ended" in text
    assert "ask your employer's HR department" in text and "call Customer Care at" in text
    assert not User.objects.exists() and not PolicyLink.objects.exists()
    assert AuthFlow.objects.get().step == "ended"
    # The code cannot be used again to go on.
    assert client.post(reverse("accounts:register-verify"), {"code": code}).url == reverse("accounts:register-username")
    assert not User.objects.exists()


def test_ended_coverage_in_indonesian_says_when_and_whom_to_call(client, jane):
    jane.end_date = datetime.date(2024, 6, 30)
    jane.save(update_fields=["end_date"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    _walk_to_the_code(client)
    client.post(reverse("accounts:register-verify"), {"code": last_code(jane.email)})
    page = client.get(reverse("accounts:register-username")).content.decode()
    assert "Kepesertaan Anda di polis 12345678 berakhir pada 30/06/2024" in page
    assert "Layanan Nasabah" in page and "bagian SDM" in page


def test_api_registration_of_ended_coverage_is_refused_with_its_code_after_the_code(client, jane):
    jane.end_date = datetime.date(2024, 6, 30)
    jane.save(update_fields=["end_date"])
    start = client.post(
        "/api/v1/auth/register/start", {"policy_type": "GROUP", **JANE_GROUP}, content_type="application/json"
    )
    assert start.status_code == 200, start.content
    flow_key = start.json()["flow_key"]
    eula = client.post(
        "/api/v1/auth/register/eula",
        {"flow_key": flow_key, "accept": True, "eula_version": settings.EULA_VERSION},
        content_type="application/json",
    )
    assert eula.status_code == 200, eula.content
    answer = client.post(
        "/api/v1/auth/register/verify",
        {"flow_key": flow_key, "code": last_code(jane.email)},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "coverage_ended" and "30/06/2024" in answer.json()["message"]
    assert not User.objects.exists()


def test_coverage_not_started_yet_is_still_a_mismatch(client, jane):
    jane.start_date = datetime.date(2099, 1, 1)
    jane.save(update_fields=["start_date"])
    assert _register_group(client).status_code == 400 and not AuthFlow.objects.exists()


def test_too_many_mismatches_from_one_place_are_refused(client, jane):
    for _ in range(10):
        _register_group(client, {**JANE_GROUP, "date_of_birth": "1990-01-01"})
    response = _register_group(client)  # even the right data, for a while
    assert response.status_code == 400 and AuthFlow.objects.count() == 0


def test_mismatches_just_before_the_hour_still_count_after_it(client, jane):
    start = just_before_a_boundary(throttle.REGISTER_WINDOW_SECONDS)
    with time_machine.travel(start, tick=False):
        for _ in range(throttle.REGISTER_MAX_MISMATCHES):
            _register_group(client, {**JANE_GROUP, "date_of_birth": "1990-01-01"})
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        assert _register_group(client).status_code == 400 and AuthFlow.objects.count() == 0
    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=5), tick=False):
        assert _register_group(client).status_code == 302


def test_group_registration_stores_eula_and_links_the_membership(client, jane):
    context = _full_registration(client, jane, data=JANE_GROUP)
    assert context["username"] == "JANERA0112" and context["outcome"] == "created"
    user = User.objects.get()
    assert user.eula_version and user.eula_accepted_at and user.email_verified_at
    assert user.check_password("kopi tubruk pagi hari")
    link = PolicyLink.objects.get()
    assert (link.user, link.member, link.status) == (user, jane, PolicyLink.Status.ACTIVE)
    assert Message.objects.filter(template="account_username", recipient=jane.email).count() == 1


def test_individual_policy_with_mobile_on_file_and_sms_code(client, individual_member):
    data = {"policy_number": "00056789", "date_of_birth": "1990-12-01", "contact": "0812 3456 7890"}
    response = client.post(reverse("accounts:register-details", args=["individu"]), data)
    assert response.status_code == 302
    response = client.post(reverse("accounts:register-eula"), {"accept": "on"})
    # Both contacts on file: the member chooses; nothing is sent before the choice.
    assert response.url == reverse("accounts:register-channel") and not Message.objects.exists()
    page = client.get(response.url)
    assert "+62********890" in page.content.decode() and "ja***@e***.com" in page.content.decode()
    client.post(reverse("accounts:register-channel"), {"channel": "SMS"})
    sms = Message.objects.get()
    assert sms.channel == Message.Channel.SMS and sms.recipient == individual_member.mobile
    verify_page = client.get(reverse("accounts:register-verify")).content.decode()
    assert "otp-other-channel" in verify_page  # "send it by e-mail instead"
    client.post(reverse("accounts:register-verify"), {"code": last_code(individual_member.mobile)})
    user = User.objects.get()
    assert user.mobile == "+6281234567890" and user.mobile_verified_at and not user.email_verified_at
    assert PolicyLink.objects.get().status == PolicyLink.Status.ACTIVE


def test_individual_registration_by_email_contact(client, individual_member):
    data = {"policy_number": "00056789", "date_of_birth": "1990-12-01", "contact": "JANE.RAILEY@example.com"}
    context = _full_registration(client, individual_member, slug="individu", data=data, channel="EMAIL")
    assert context["outcome"] == "created"


def test_dplk_with_only_a_mobile_gets_the_sms_at_once(client, dplk_member):
    data = {"participant_number": "55501234", "date_of_birth": "1990-12-01", "contact": "+6281234567890"}
    context = _full_registration(client, dplk_member, slug="dplk", data=data)
    assert context["username"] == "JANERA0112"
    # No e-mail on file: the username goes by SMS.
    assert Message.objects.filter(template="account_username", channel=Message.Channel.SMS).count() == 1


def test_username_collision_gets_a_letter_suffix(client, jane):
    UserFactory(username="JANERA0112", member=None, email="another.jane@example.com")
    context = _full_registration(client, jane, data=JANE_GROUP)
    assert context["username"] == "JANERA0112A"
    assert LoginName.objects.filter(name="JANERA0112A").exists()


def test_username_base_rules():
    dob = datetime.date(1990, 12, 1)
    assert services.username_base(full_name="JANE RAILEY", date_of_birth=dob) == "JANERA0112"
    assert services.username_base(full_name="I Wayan Sudarsana", date_of_birth=dob) == "IWAYAN0112"
    assert services.username_base(full_name="Ñoño O'Neil-Lee", date_of_birth=dob) == "NONOON0112"
    assert services.username_base(full_name="Li", date_of_birth=dob) == "LI0112"
    candidates = services.username_candidates("JANERA0112")
    assert [next(candidates) for _ in range(3)] == ["JANERA0112", "JANERA0112A", "JANERA0112B"]


def test_a_person_with_an_account_gets_a_new_username_and_keeps_the_password(client, jane, individual_member):
    _full_registration(client, jane, data=JANE_GROUP, password="kopi tubruk pagi hari")
    client.logout()
    data = {"policy_number": "00056789", "date_of_birth": "1990-12-01", "contact": "jane.railey@example.com"}
    context = _full_registration(client, individual_member, slug="individu", data=data, channel="EMAIL")
    assert context["outcome"] == "added" and context["username"] == "JANERA0112A"
    assert User.objects.count() == 1
    user = User.objects.get()
    assert set(user.login_names.values_list("name", flat=True)) == {"JANERA0112", "JANERA0112A"}
    assert user.policy_links.filter(status=PolicyLink.Status.ACTIVE).count() == 2
    for name in ("janera0112", "JANERA0112A"):
        assert authenticate(username=name, password="kopi tubruk pagi hari") == user
    mail = Message.objects.filter(template="account_username").order_by("-id").first()
    assert "JANERA0112A" in mail.body


def test_same_email_but_another_birth_date_is_another_person(client, jane):
    # A shared family mailbox: the spouse has their own account with the same address.
    UserFactory(username="BAYUWI1405", member=None, email=jane.email, date_of_birth=datetime.date(1988, 5, 14))
    context = _full_registration(client, jane, data=JANE_GROUP)
    assert context["outcome"] == "created" and User.objects.count() == 2


def test_registering_an_already_linked_membership_never_makes_a_second_account(client, jane):
    _full_registration(client, jane, data=JANE_GROUP)
    client.logout()
    context = _full_registration(client, jane, data=JANE_GROUP)
    assert context["outcome"] == "exists" and context["username"] == "JANERA0112"
    assert User.objects.count() == 1 and PolicyLink.objects.count() == 1
    page = client.get(reverse("accounts:register-username")).content.decode()
    assert reverse("accounts:password-reset") in page


def test_flow_state_lives_on_the_server(client, jane):
    _register_group(client)
    page = client.get(reverse("accounts:register-eula")).content.decode()
    hidden = set(re.findall(r'<input type="hidden" name="([^"]+)"', page))
    assert hidden <= {"csrfmiddlewaretoken", "next"} and "87654321" not in page
    # Another browser (no session) cannot continue the flow.
    other = client.__class__()
    response = other.post(reverse("accounts:register-eula"), {"accept": "on"})
    assert response.status_code == 302 and response.url == reverse("accounts:register")
    assert not Message.objects.exists()


def test_steps_cannot_be_skipped(client, jane):
    _register_group(client)
    response = client.post(reverse("accounts:register-verify"), {"code": "123456"})
    assert response.url == reverse("accounts:register")
    response = client.post(reverse("accounts:register-password"), {"password1": "x" * 12, "password2": "x" * 12})
    assert response.url == reverse("accounts:register")
    assert not User.objects.exists()


def test_weak_password_at_registration_is_refused_with_reasons(client, jane):
    client.post(reverse("accounts:register-details", args=["group"]), JANE_GROUP)
    client.post(reverse("accounts:register-eula"), {"accept": "on"})
    client.post(reverse("accounts:register-verify"), {"code": last_code(jane.email)})
    response = client.post(
        reverse("accounts:register-password"), {"password1": "janerailey99", "password2": "janerailey99"}
    )
    assert response.status_code == 400 and response.context["errors"]
    response = client.post(
        reverse("accounts:register-password"), {"password1": "kopi tubruk pagi", "password2": "kopi tubruk sore"}
    )
    assert response.status_code == 400
    assert not User.objects.get().has_usable_password()


def test_registration_service_refuses_unknown_policy_type():
    with pytest.raises(services.RegistrationMismatch):
        services.registration_start(
            data=services.RegistrationInput(policy_type="HEALTH", date_of_birth=datetime.date(1990, 1, 1))
        )


def test_group_code_only_goes_to_the_registered_email(jane):
    _flow, key = services.registration_start(
        data=services.RegistrationInput(
            policy_type=PolicyType.GROUP,
            policy_number="12345678",
            participant_number="87654321",
            date_of_birth=datetime.date(1990, 12, 1),
            email="jane.railey@example.com",
        )
    )
    flow = services.registration_accept_eula(flow_key=key)
    assert flow.step == "otp" and flow.challenge.destination == jane.email
    assert not flow.challenge.alternate_destination  # no SMS for Group


def test_a_refused_sms_is_shown_on_the_code_screen_with_the_other_channel(
    client, individual_member, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_OUTBOX = False
    settings.SMS_GATEWAY_URL = ""  # the gateway refuses every SMS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    data = {"policy_number": "00056789", "date_of_birth": "1990-12-01", "contact": "jane.railey@example.com"}
    client.post(reverse("accounts:register-details", args=["individu"]), data)
    client.post(reverse("accounts:register-eula"), {"accept": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register-channel"), {"channel": "SMS"})
    page = client.get(reverse("accounts:register-verify"))
    assert page.context["otp"]["status"] == "failed"
    html = page.content.decode()
    assert 'data-otp-status="failed"' in html and "otp-other-channel" in html
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_SEND_FAILED).count() == 1
    # The member switches to e-mail at once (no 60 s wait after a failed send).
    challenge_id = page.context["otp"]["challenge_id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:otp-resend", args=[challenge_id]),
            {"channel": "EMAIL", "next": reverse("accounts:register-verify")},
        )
    page = client.get(reverse("accounts:register-verify"))
    assert page.context["otp"]["status"] == "delivered" and page.context["otp"]["channel"] == "EMAIL"


def test_a_strangers_guesses_on_a_group_policy_do_not_block_its_other_members(client, jane):
    # The policy number is printed on every employee's card: someone guessing participant
    # numbers and birthdays on it from elsewhere must not lock Jane out of registering.
    from django.test import Client

    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(12):
        stranger.post(
            reverse("accounts:register-details", args=["group"]),
            {**JANE_GROUP, "participant_number": f"1111{n:04d}", "date_of_birth": "1980-01-01"},
        )
    refused = _register_group(stranger, {**JANE_GROUP, "participant_number": "22220000"})
    assert refused.status_code == 400 and "Terlalu banyak percobaan" in str(refused.context["error"])
    response = _register_group(client)  # Jane, from her own connection
    assert response.status_code == 302 and AuthFlow.objects.filter(member=jane).count() == 1


def test_guesses_on_one_member_from_many_addresses_are_limited(client, jane):
    from django.test import Client

    for n in range(10):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("accounts:register-details", args=["group"]),
            {**JANE_GROUP, "date_of_birth": f"1990-01-{n + 1:02d}"},
        )
    response = _register_group(client)  # even the right data, for an hour
    assert response.status_code == 400 and AuthFlow.objects.count() == 0
    assert "Terlalu banyak percobaan" in str(response.context["error"]) and "1500-123" in str(response.context["error"])
