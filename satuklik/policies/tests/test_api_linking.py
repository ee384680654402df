"""Adding a policy over the API (/api/v1/policies/links): the pages' steps, codes and limits."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from satuklik.accounts import services as account_services
from satuklik.accounts import throttle
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.notifications.models import Message
from satuklik.policies.tests.factories import DplkAccountFactory, IndividualPolicyFactory, MemberFactory, PolicyFactory

D = datetime.date
NOW = datetime.datetime(2025, 6, 15, 3, 0, tzinfo=datetime.UTC)
URL = "/api/v1/policies/links"
ERROR_KEYS = {"message", "code", "field", "errors", "retry_after"}


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.LANGUAGE_CODE = "en"
    settings.NOTIFICATIONS_OUTBOX = True
    with time_machine.travel(NOW, tick=False):
        yield


def bearer(user) -> Client:
    _, raw = account_services.api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def jane(db):
    return UserFactory(email="jane@example.com", full_name="JANE RAILEY", preferred_language="en")


@pytest.fixture
def api(jane):
    return bearer(jane)


def group_member():
    return MemberFactory(
        policy=PolicyFactory(number="12345678"),
        participant_number="87654321",
        date_of_birth=D(1990, 12, 1),
        email="jane.work@example.com",
        mobile="081299990000",
    )


GROUP = {
    "policy_type": "GROUP",
    "policy_number": "12345678",
    "participant_number": "87654321",
    "date_of_birth": "1990-12-01",
    "email": "jane.work@example.com",
}


def code_in(to):
    message = Message.objects.filter(recipient=to).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def wrong(code):
    return "000000" if code != "000000" else "111111"


def test_group_links_at_once_with_the_code_sent_to_the_email_on_file(api, jane):
    member = group_member()
    started = api.post(URL, GROUP, content_type="application/json")
    assert started.status_code == 201, started.content
    body = started.json()
    # Group: the e-mail on file only, sent at once (the mobile on file is not offered).
    assert body["step"] == "otp" and body["otp"]["channel"] == "EMAIL" and body["otp"]["other_channel"] == ""
    assert not Message.objects.filter(channel="SMS").exists()
    verify = f"{URL}/{body['flow_id']}/verify"
    code = code_in("jane.work@example.com")

    refused = api.post(verify, {"flow_key": body["flow_key"], "code": wrong(code)}, content_type="application/json")
    assert refused.status_code == 400 and set(refused.json()) == ERROR_KEYS
    assert not PolicyLink.objects.filter(member=member).exists()

    done = api.post(verify, {"flow_key": body["flow_key"], "code": code}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "ACTIVE" and done.json()["selected"] is True
    assert done.json()["label"] == "12345678 (Group)"
    assert "12345678 (Group)" in [link["label"] for link in api.get(URL).json()]
    # The flow is over.
    again = api.post(verify, {"flow_key": body["flow_key"], "code": code}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "flow_expired"


def test_individual_chooses_sms_and_waits_for_approval(api):
    details = IndividualPolicyFactory(policy__number="00056789")
    member = details.policy.members.get()
    member.email, member.mobile = "jane.home@example.com", "+6281234567890"
    member.save(update_fields=["email", "mobile"])
    started = api.post(
        URL,
        {
            "policy_type": "INDIVIDUAL",
            "policy_number": "00056789",
            "date_of_birth": member.date_of_birth.isoformat(),
            "contact": "081234567890",
        },
        content_type="application/json",
    ).json()
    assert started["step"] == "channel" and started["channels"] == ["EMAIL", "SMS"]
    assert not Message.objects.filter(template="otp_code").exists()  # nothing sent before the choice
    sent = api.post(
        f"{URL}/{started['flow_id']}/send-code",
        {"flow_key": started["flow_key"], "channel": "SMS"},
        content_type="application/json",
    )
    assert sent.status_code == 200 and sent.json()["step"] == "otp"
    done = api.post(
        f"{URL}/{started['flow_id']}/verify",
        {"flow_key": started["flow_key"], "code": code_in("+6281234567890")},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "PENDING"
    assert PolicyLink.objects.get(member=member).status == PolicyLink.Status.PENDING


def test_dplk_links_by_email(api):
    member = DplkAccountFactory(member__participant_number="00012345", member__email="dplk@example.com").member
    started = api.post(
        URL,
        {
            "policy_type": "DPLK",
            "participant_number": "00012345",
            "date_of_birth": member.date_of_birth.isoformat(),
            "contact": "dplk@example.com",
        },
        content_type="application/json",
    ).json()
    if started["step"] == "channel":
        started = api.post(
            f"{URL}/{started['flow_id']}/send-code",
            {"flow_key": started["flow_key"], "channel": "EMAIL"},
            content_type="application/json",
        ).json()
    assert started["otp"]["channel"] == "EMAIL"
    done = api.post(
        f"{URL}/{started['flow_id']}/verify",
        {"flow_key": started["flow_key"], "code": code_in("dplk@example.com")},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "ACTIVE"
    assert done.json()["label"] == "00012345 (DPLK)"


def test_wrong_details_are_neutral_and_throttled_with_registrations_limit(api):
    member = group_member()
    for day in range(2, 2 + throttle.REGISTER_MAX_MISMATCHES):
        refused = api.post(URL, {**GROUP, "date_of_birth": f"1990-12-{day:02d}"}, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "data_mismatch"
        assert set(refused.json()) == ERROR_KEYS
    right = api.post(URL, GROUP, content_type="application/json")
    assert right.status_code == 429 and right.json()["code"] == "too_many_attempts"
    assert right.json()["retry_after"] == throttle.REGISTER_WINDOW_SECONDS
    assert "Too many attempts" in right.json()["message"]
    # Registration counts the same guesses: it refuses too.
    register = Client().post("/api/v1/auth/register/start", GROUP, content_type="application/json")
    assert register.status_code == 429
    assert not Message.objects.exists() and not PolicyLink.objects.filter(member=member).exists()


def test_another_member_cannot_use_someone_elses_flow(api, jane):
    member = group_member()
    started = api.post(URL, GROUP, content_type="application/json").json()
    code = code_in("jane.work@example.com")
    stranger = bearer(UserFactory())
    for path in ("verify", "send-code"):
        answer = stranger.post(
            f"{URL}/{started['flow_id']}/{path}",
            {"flow_key": started["flow_key"], "code": code, "channel": "EMAIL"},
            content_type="application/json",
        )
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert not PolicyLink.objects.filter(member=member).exists()
    # Jane's flow is untouched: her code still works.
    done = api.post(
        f"{URL}/{started['flow_id']}/verify",
        {"flow_key": started["flow_key"], "code": code},
        content_type="application/json",
    )
    assert done.status_code == 200


def test_an_already_linked_policy_is_refused_before_any_code(api, jane):
    member = group_member()
    PolicyLinkFactory(member=member, user=UserFactory())
    refused = api.post(URL, GROUP, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "linked_elsewhere"
    assert "already linked to another account" in refused.json()["message"]
    assert not Message.objects.exists()


def test_bad_input_and_no_token(api):
    assert Client().post(URL, GROUP, content_type="application/json").status_code == 401
    bad = api.post(URL, {**GROUP, "policy_type": "OTHER"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "policy_type"


def test_the_openapi_document_publishes_the_steps_with_the_one_error_schema(api):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (URL, f"{URL}/{{flow_id}}/send-code", f"{URL}/{{flow_id}}/verify"):
        post = paths[path]["post"]
        for status in ("400", "404", "409", "429") if "flow_id" in path else ("400", "409", "429"):
            assert post["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
