"""Linking policies: the services, the web flow with its one-time codes, the back office."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from satuklik.accounts import linking
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, StaffUserFactory, UserFactory
from satuklik.accounts.tests.staff import admin_sign_in
from satuklik.notifications.models import InboxItem, Message
from satuklik.policies.tests.factories import DplkAccountFactory, IndividualPolicyFactory, MemberFactory, PolicyFactory

D = datetime.date
NOW = datetime.datetime(2025, 6, 15, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.LANGUAGE_CODE = "en"
    settings.NOTIFICATIONS_OUTBOX = True
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def jane(db):
    return UserFactory(email="jane@example.com", full_name="JANE RAILEY", preferred_language="en")


def group_member(**fields):
    return MemberFactory(policy=PolicyFactory(number="12345678"), email="jane.work@example.com", **fields)


def individual_member():
    details = IndividualPolicyFactory(policy__number="00056789", policy__holder_name="Jane Railey")
    member = details.policy.members.get()
    member.email, member.mobile = "jane.home@example.com", "+6281234567890"
    member.save(update_fields=["email", "mobile"])
    return member


def last_message(to):
    return Message.objects.filter(recipient=to).order_by("-id").first()


def code_in(message):
    return re.search(r"\b(\d{6})\b", message.body).group(1)


# --- services ------------------------------------------------------------------------------


def test_a_group_membership_is_linked_at_once_and_selected(jane):
    member = group_member()
    link = linking.link_request(user=jane, member=member)
    assert link.status == PolicyLink.Status.ACTIVE
    jane.refresh_from_db()
    assert jane.selected_link == link
    assert last_message("jane@example.com").template == "link_linked"
    assert "12345678 (Group)" in last_message("jane@example.com").subject
    assert InboxItem.objects.get(user=jane).title == "Policy linked: 12345678 (Group)"


def test_an_individual_policy_waits_for_customer_service(jane):
    link = linking.link_request(user=jane, member=individual_member())
    assert link.status == PolicyLink.Status.PENDING
    jane.refresh_from_db()
    assert jane.selected_link is None
    assert last_message("jane@example.com").template == "link_requested"


def test_a_membership_linked_to_another_account_cannot_be_linked_and_the_owner_stays_secret(jane):
    member = group_member()
    owner = UserFactory(member=member, username="OWNERX0101")
    with pytest.raises(linking.LinkError) as error:
        linking.link_request(user=jane, member=member)
    assert error.value.code == "linked_elsewhere"
    assert "another account" in str(error.value.message)
    assert owner.username not in str(error.value.message) and owner.email not in str(error.value.message)
    assert PolicyLink.objects.filter(member=member).count() == 1


def test_a_pending_request_of_another_account_also_blocks(jane):
    member = individual_member()
    PolicyLinkFactory(member=member, status=PolicyLink.Status.PENDING)
    with pytest.raises(linking.LinkError) as error:
        linking.link_check(user=jane, member=member)
    assert error.value.code == "linked_elsewhere"


def test_already_mine_or_already_pending(jane):
    member = group_member()
    linking.link_request(user=jane, member=member)
    with pytest.raises(linking.LinkError) as error:
        linking.link_request(user=jane, member=member)
    assert error.value.code == "already_linked"
    other = individual_member()
    linking.link_request(user=jane, member=other)
    with pytest.raises(linking.LinkError) as error:
        linking.link_check(user=jane, member=other)
    assert error.value.code == "already_pending"


def test_approve_notifies_by_email_and_in_the_app(jane):
    staff = StaffUserFactory()
    link = linking.link_request(user=jane, member=individual_member())
    approved = linking.link_approve(link_id=link.pk, by=staff)
    assert (approved.status, approved.decided_by) == (PolicyLink.Status.ACTIVE, staff)
    assert approved.decided_at is not None
    assert last_message("jane@example.com").template == "link_approved"
    assert InboxItem.objects.filter(user=jane, title="Access approved: 00056789 (Individual)").exists()
    jane.refresh_from_db()
    assert jane.selected_link == approved  # her first active policy
    with pytest.raises(linking.LinkError):
        linking.link_approve(link_id=link.pk, by=staff)


def test_reject_needs_a_reason_which_the_member_gets(jane):
    staff = StaffUserFactory()
    link = linking.link_request(user=jane, member=individual_member())
    for reason in ["", "   ", "x" * 301]:
        with pytest.raises(linking.LinkError):
            linking.link_reject(link_id=link.pk, by=staff, reason=reason)
    link.refresh_from_db()
    assert link.status == PolicyLink.Status.PENDING
    linking.link_reject(link_id=link.pk, by=staff, reason="The policyholder's signature does not match.")
    link.refresh_from_db()
    assert (link.status, link.reject_reason) == (
        PolicyLink.Status.REJECTED,
        "The policyholder's signature does not match.",
    )
    message = last_message("jane@example.com")
    assert message.template == "link_rejected"
    assert "Reason: The policyholder's signature does not match." in message.body  # plain text, not &#x27;
    item = InboxItem.objects.get(user=jane, title__startswith="Access request rejected")
    assert "signature" in item.body
    # A rejected request may be made again.
    assert linking.link_request(user=jane, member=link.member).status == PolicyLink.Status.PENDING


def test_unlink_clears_the_selection(jane):
    link = linking.link_request(user=jane, member=group_member())
    linking.link_unlink(link_id=link.pk, by=StaffUserFactory())
    link.refresh_from_db()
    jane.refresh_from_db()
    assert link.status == PolicyLink.Status.UNLINKED
    assert jane.selected_link is None


def test_select_only_my_active_links(jane):
    mine = linking.link_request(user=jane, member=group_member())
    second = PolicyLinkFactory(user=jane)
    linking.link_select(user=jane, link_id=second.pk)
    jane.refresh_from_db()
    assert jane.selected_link == second
    for value in [PolicyLinkFactory().pk, PolicyLinkFactory(user=jane, status="PENDING").pk, "x", None]:
        with pytest.raises(linking.LinkError):
            linking.link_select(user=jane, link_id=value)
    jane.refresh_from_db()
    assert jane.selected_link == second
    assert mine.status == PolicyLink.Status.ACTIVE


# --- matching ------------------------------------------------------------------------------


def test_matching_asks_what_registration_asks(jane):
    group = group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    found = linking.member_match_for_link(
        policy_type="GROUP",
        policy_number="12345678",
        participant_number="87654321",
        date_of_birth=D(1990, 12, 1),
        email="JANE.WORK@example.com",
    )
    assert found == group
    for wrong in [
        {"date_of_birth": D(1990, 12, 2)},
        {"email": "someone@example.com"},
        {"participant_number": "87654322"},
        {"policy_number": "12345679"},
    ]:
        data = {
            "policy_type": "GROUP",
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": D(1990, 12, 1),
            "email": "jane.work@example.com",
            **wrong,
        }
        assert linking.member_match_for_link(**data) is None, wrong
    dplk = DplkAccountFactory(member__participant_number="00012345").member
    assert (
        linking.member_match_for_link(
            policy_type="DPLK", participant_number="00012345", date_of_birth=dplk.date_of_birth, contact=dplk.mobile
        )
        == dplk
    )


# --- the web flow --------------------------------------------------------------------------


def test_group_flow_with_the_registered_email(client, jane):
    member = group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    client.force_login(jane)
    assert client.get(reverse("policies:link"), {"type": "group"})["Location"] == reverse(
        "policies:link-details", args=["group"]
    )
    response = client.post(
        reverse("policies:link-details", args=["group"]),
        {
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-01",
            "email": "jane.work@example.com",
        },
    )
    assert response["Location"] == reverse("policies:link-verify")
    # The code went to the e-mail on file at once (no choice for Group).
    message = last_message("jane.work@example.com")
    assert message.channel == "EMAIL"
    page = client.get(reverse("policies:link-verify"))
    assert "ja***@e***.com" in page.content.decode()

    wrong = client.post(
        reverse("policies:link-verify"), {"code": "000000" if code_in(message) != "000000" else "111111"}
    )
    assert "not correct" in wrong.content.decode()
    assert not PolicyLink.objects.filter(member=member, user=jane).exists()

    done = client.post(reverse("policies:link-verify"), {"code": code_in(message)}, follow=True)
    assert "Your policy/membership is now linked to your username." in done.content.decode()
    assert PolicyLink.objects.get(member=member, user=jane).status == PolicyLink.Status.ACTIVE
    # The flow is over: back to the start.
    assert client.get(reverse("policies:link-verify"))["Location"] == reverse("policies:link")


def test_individual_flow_by_sms_waits_for_approval(client, jane):
    member = individual_member()
    client.force_login(jane)
    response = client.post(
        reverse("policies:link-details", args=["individual"]),
        {"policy_number": "00056789", "date_of_birth": member.date_of_birth.isoformat(), "contact": "081234567890"},
    )
    assert response["Location"] == reverse("policies:link-verify")
    assert not Message.objects.filter(template="otp_code").exists()  # nothing sent before the choice
    choice = client.get(reverse("policies:link-verify"))
    html = choice.content.decode()
    assert 'value="SMS"' in html and 'value="EMAIL"' in html
    client.post(reverse("policies:link-verify"), {"channel": "SMS"})
    sms = last_message("+6281234567890")
    assert sms.channel == "SMS"
    done = client.post(reverse("policies:link-verify"), {"code": code_in(sms)}, follow=True)
    assert "Your policy access request will be processed." in done.content.decode()
    assert PolicyLink.objects.get(member=member).status == PolicyLink.Status.PENDING
    home = client.get("/")
    assert [p["label"] for p in home.context["pending"]] == ["00056789 (Individual)"]


def test_dplk_flow_by_email(client, jane):
    member = DplkAccountFactory(member__participant_number="00012345", member__email="dplk@example.com").member
    client.force_login(jane)
    client.post(
        reverse("policies:link-details", args=["dplk"]),
        {"participant_number": "00012345", "date_of_birth": member.date_of_birth.isoformat(), "contact": member.email},
    )
    client.post(reverse("policies:link-verify"), {"channel": "EMAIL"})
    code = code_in(last_message("dplk@example.com"))
    client.post(reverse("policies:link-verify"), {"code": code})
    assert PolicyLink.objects.get(member=member).status == PolicyLink.Status.ACTIVE
    assert client.get("/").context["selected_label"] == "00012345 (DPLK)"


def test_wrong_details_get_the_neutral_message_and_nothing_is_sent(client, jane):
    group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    client.force_login(jane)
    url = reverse("policies:link-details", args=["group"])
    data = {
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": "1990-12-02",
        "email": "jane.work@example.com",
    }
    wrong_birthday = client.post(url, data).content.decode()
    unknown_policy = client.post(url, {**data, "policy_number": "99999999"}).content.decode()
    for html in (wrong_birthday, unknown_policy):
        assert "The data does not match our records." in html
    assert not Message.objects.exists()
    assert client.session.get("policy_link_flow") is None


def test_guessing_is_throttled(client, jane):
    group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    client.force_login(jane)
    url = reverse("policies:link-details", args=["group"])
    data = {"policy_number": "12345678", "participant_number": "87654321", "email": "jane.work@example.com"}
    for day in range(2, 12):
        client.post(url, {**data, "date_of_birth": f"1990-12-{day:02d}"})
    right = client.post(url, {**data, "date_of_birth": "1990-12-01"})
    assert right.status_code == 200
    assert "Too many attempts" in right.content.decode()


def test_a_strangers_guesses_on_a_group_policy_do_not_block_another_member_linking(client, jane):
    from django.test import Client

    group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    url = reverse("policies:link-details", args=["group"])
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    stranger.force_login(UserFactory())
    for n in range(12):  # other participant numbers of the same Group policy
        stranger.post(
            url,
            {
                "policy_number": "12345678",
                "participant_number": f"1111{n:04d}",
                "date_of_birth": "1980-01-01",
                "email": "x@example.com",
            },
        )
    client.force_login(jane)
    data = {
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": "1990-12-01",
        "email": "jane.work@example.com",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("policies:link-verify")
    assert Message.objects.filter(recipient="jane.work@example.com", template="otp_code").exists()


def test_linked_to_another_account_is_refused_without_a_code(client, jane):
    member = group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    UserFactory(member=member, username="OWNERX0101")
    client.force_login(jane)
    response = client.post(
        reverse("policies:link-details", args=["group"]),
        {
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-01",
            "email": "jane.work@example.com",
        },
    )
    html = response.content.decode()
    assert "already linked to another account" in html
    assert "OWNERX0101" not in html
    assert not Message.objects.filter(template="otp_code").exists()


def test_the_flow_needs_a_signed_in_member(client, db):
    for url in [
        reverse("policies:link"),
        reverse("policies:link-details", args=["group"]),
        reverse("policies:link-verify"),
    ]:
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    assert client.get(reverse("policies:link-details", args=["life"])).status_code == 404
    assert client.get(reverse("policies:link-done"))["Location"] == "/"


# --- the back office -----------------------------------------------------------------------


def test_staff_approve_in_the_admin(client, jane):
    link = linking.link_request(user=jane, member=individual_member())
    admin_sign_in(client, StaffUserFactory(is_superuser=True))
    changelist = reverse("admin:accounts_policylink_changelist")
    assert client.get(changelist, {"status__exact": "PENDING"}).status_code == 200
    response = client.post(changelist, {"action": "approve", "_selected_action": [link.pk]}, follow=True)
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.status == PolicyLink.Status.ACTIVE
    assert last_message("jane@example.com").template == "link_approved"


def test_staff_reject_with_a_reason_in_the_admin(client, jane):
    link = linking.link_request(user=jane, member=individual_member())
    admin_sign_in(client, StaffUserFactory(is_superuser=True))
    changelist = reverse("admin:accounts_policylink_changelist")
    form = client.post(changelist, {"action": "reject", "_selected_action": [link.pk]})
    assert form.status_code == 200
    assert "Reason shown to the member" in form.content.decode()
    link.refresh_from_db()
    assert link.status == PolicyLink.Status.PENDING
    client.post(
        changelist,
        {"action": "reject", "_selected_action": [link.pk], "apply": "1", "reason": "Not the policyholder"},
    )
    link.refresh_from_db()
    assert (link.status, link.reject_reason) == (PolicyLink.Status.REJECTED, "Not the policyholder")


# --- one rule for registration and linking ------------------------------------------------


def test_registration_and_linking_refuse_the_same_wrong_data_alike_and_count_together(jane, rf):
    """The former copies (registration's and the link page's) agree: the same neutral
    refusal, each wrong try counted once in the same limit, then the same 'too many'."""
    from satuklik.accounts import services, throttle
    from satuklik.accounts.security import digest

    member = group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1))
    wrong = {
        "policy_type": "GROUP",
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": D(1990, 12, 2),
        "email": "jane.work@example.com",
    }
    request = rf.post("/", REMOTE_ADDR="198.51.100.7")
    identifier = throttle.registration_person(
        policy_type="GROUP", policy_number="12345678", participant_number="87654321"
    )

    def counted():
        return throttle._count("reg", digest(f"id|{identifier}"), throttle.REGISTER_WINDOW_SECONDS)

    with pytest.raises(services.RegistrationMismatch) as by_registration:
        services.registration_start(data=services.RegistrationInput(**wrong), request=request)
    assert counted() == 1
    with pytest.raises(services.RegistrationMismatch) as by_linking:
        linking.policy_link_start(user=jane, request=request, **wrong)
    assert counted() == 2
    assert by_linking.value.code == by_registration.value.code == "data_mismatch"
    assert str(by_linking.value.message) == str(by_registration.value.message)

    for _ in range(throttle.REGISTER_MAX_MISMATCHES - 2):
        with pytest.raises(services.RegistrationMismatch):
            linking.policy_link_start(user=jane, request=request, **wrong)
    right = {**wrong, "date_of_birth": member.date_of_birth}
    with pytest.raises(services.RegistrationLimit) as registration_limit:
        services.registration_start(data=services.RegistrationInput(**right), request=request)
    with pytest.raises(services.RegistrationLimit) as linking_limit:
        linking.policy_link_start(user=jane, request=request, **right)
    assert str(linking_limit.value.message) == str(registration_limit.value.message)
    assert counted() == throttle.REGISTER_MAX_MISMATCHES
    assert not PolicyLink.objects.filter(member=member).exists() and not Message.objects.exists()


def test_a_group_code_goes_only_to_the_email_on_file_when_linking(jane):
    """Registration's channel rule: a Group membership with a mobile on file still gets
    its code by e-mail only, and asking for SMS is refused."""
    from satuklik.accounts import otp

    member = group_member(participant_number="87654321", date_of_birth=D(1990, 12, 1), mobile="081299990000")
    flow, flow_key = linking.policy_link_start(
        user=jane,
        policy_type="GROUP",
        policy_number="12345678",
        participant_number="87654321",
        date_of_birth=member.date_of_birth,
        email="jane.work@example.com",
    )
    assert flow.step == "otp" and flow.challenge.channel == "EMAIL"
    assert linking.policy_link_channels(flow=flow) == ["EMAIL"]
    with pytest.raises(otp.OtpChannelNotAllowed):
        linking.policy_link_send_code(user=jane, flow_id=flow.pk, flow_key=flow_key, channel="SMS")
    assert not Message.objects.filter(channel="SMS").exists()
