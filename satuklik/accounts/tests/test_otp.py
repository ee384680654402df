"""The one-time code rules, as a member (or an attacker) would meet them."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from satuklik.accounts import otp
from satuklik.accounts.models import OtpChallenge, OtpChannel, OtpPurpose, SecurityEvent
from satuklik.notifications.models import Message

pytestmark = pytest.mark.django_db


def _issue(flow_key="flow-1", purpose=OtpPurpose.REGISTER, destination="jane.railey@example.com", **kwargs):
    kwargs.setdefault("channel", OtpChannel.EMAIL)
    return otp.otp_issue(purpose=purpose, flow_key=flow_key, destination=destination, **kwargs)


def _code_sent(to="jane.railey@example.com") -> str:
    message = Message.objects.filter(recipient=to).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_code_is_sent_hashed_and_accepted_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = _issue()
    code = _code_sent()
    assert code not in challenge.code_hash and len(challenge.code_hash) == 64
    assert not OtpChallenge.objects.filter(code_hash=code).exists()
    verified = otp.otp_verify(
        challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code
    )
    assert verified.used_at is not None
    with pytest.raises(otp.OtpUsed):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)


def test_code_rejected_after_two_minutes():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        challenge = _issue()
        code = _code_sent()
    with time_machine.travel(start + timedelta(seconds=121), tick=False), pytest.raises(otp.OtpExpired) as caught:
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)
    assert caught.value.code == "otp_expired" and caught.value.message


def test_code_accepted_just_before_two_minutes():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        challenge = _issue()
        code = _code_sent()
    with time_machine.travel(start + timedelta(seconds=119), tick=False):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)


def test_sixth_try_refused_even_with_the_right_code():
    challenge = _issue()
    code = _code_sent()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(otp.OtpWrongCode) as caught:
            otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=wrong)
        assert caught.value.tries_left == tries_left
    with pytest.raises(otp.OtpVoided):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=wrong)
    with pytest.raises(otp.OtpVoided):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_VOIDED).count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_FAILED).count() == 4


def test_registration_code_refused_by_password_reset_and_other_flows():
    challenge = _issue()
    code = _code_sent()
    with pytest.raises(otp.OtpWrongFlow):
        otp.otp_verify(
            challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.PASSWORD_RESET, code=code
        )
    with pytest.raises(otp.OtpWrongFlow):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-2", purpose=OtpPurpose.REGISTER, code=code)
    with pytest.raises(otp.OtpWrongFlow):
        otp.otp_verify(challenge_id="not-a-uuid", flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)
    # The refusals did not burn the code: the right flow still succeeds.
    otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)


def test_resend_refused_within_sixty_seconds_then_replaces_the_code():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        challenge = _issue()
        first = _code_sent()
    with time_machine.travel(start + timedelta(seconds=59), tick=False), pytest.raises(otp.OtpResendTooSoon) as caught:
        otp.otp_resend(challenge=challenge)
    assert caught.value.retry_after == 1
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        otp.otp_resend(challenge=challenge)
        second = _code_sent()
        assert Message.objects.count() == 2
        if second != first:
            with pytest.raises(otp.OtpWrongCode):
                otp.otp_verify(
                    challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=first
                )
    # The new code has its own fresh two minutes.
    with time_machine.travel(start + timedelta(seconds=170), tick=False):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=second)


def test_at_most_five_sends_per_hour_per_contact():
    start = timezone.now()
    for minute in range(5):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            _issue(flow_key=f"flow-{minute}")
    with time_machine.travel(start + timedelta(minutes=6), tick=False), pytest.raises(otp.OtpSendLimit):
        _issue(flow_key="flow-x", destination="JANE.RAILEY@example.com")
    assert Message.objects.count() == 5
    # Another contact is not affected; after an hour the first one may receive again.
    _issue(flow_key="flow-y", destination="someone@example.com")
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        _issue(flow_key="flow-z")


def test_other_channel_only_when_allowed():
    challenge = _issue()
    with pytest.raises(otp.OtpChannelNotAllowed):
        otp.otp_resend(challenge=challenge, channel=OtpChannel.SMS)
    both = _issue(
        flow_key="flow-2",
        destination="jane@example.com",
        alternate_destination="081234567890",
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        switched = otp.otp_resend(challenge=both, channel=OtpChannel.SMS)
    assert switched.channel == OtpChannel.SMS and switched.destination == "081234567890"
    assert Message.objects.filter(channel=Message.Channel.SMS, recipient="081234567890").count() == 1


def test_masks():
    assert otp.mask_email("jane.railey@example.com") == "ja***@e***.com"
    assert otp.mask_phone("+6281234567890") == "+62********890"
    assert otp.mask_phone("081234567890") == "08*******890"


def test_refused_send_is_reported_and_logged(settings, django_capture_on_commit_callbacks, caplog):
    settings.NOTIFICATIONS_OUTBOX = False
    settings.SMS_GATEWAY_URL = ""  # no gateway: the send is refused
    with django_capture_on_commit_callbacks(execute=True):
        challenge = _issue(channel=OtpChannel.SMS, destination="081234567890")
    challenge.refresh_from_db()
    assert challenge.message.status in {Message.Status.RETRYING, Message.Status.FAILED}
    assert otp.otp_delivery_status(challenge=challenge) == "failed"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_SEND_FAILED).count() == 1
    assert "not delivered" in caplog.text
    # The resend is allowed at once after a failed send (no 60 s wait).
    otp.otp_resend(challenge=challenge)


@pytest.mark.django_db(transaction=True)
def test_same_code_from_ten_threads_succeeds_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")
    challenge = _issue()
    code = _code_sent()
    results = []
    barrier = threading.Barrier(10)

    def submit():
        from django.db import connections

        try:
            barrier.wait()
            otp.otp_verify(challenge_id=challenge.public_id, flow_key="flow-1", purpose=OtpPurpose.REGISTER, code=code)
            results.append("ok")
        except otp.OtpError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1
    assert results.count("otp_used") == 9


def test_password_reset_requests_do_not_use_up_bank_account_codes():
    # Anyone who knows Jane's username can ask for reset codes until her hourly limit...
    from satuklik.accounts import services
    from satuklik.accounts.tests.factories import UserFactory
    from satuklik.claims import services as claims_services

    jane = UserFactory(username="JANERA0112", email="jane.railey@example.com")
    start = timezone.now()
    for minute in range(otp.OTP_MAX_SENDS_PER_HOUR):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            services.password_reset_start(username="JANERA0112")
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        with pytest.raises(otp.OtpSendLimit):
            otp.otp_issue(
                purpose=OtpPurpose.PASSWORD_RESET,
                flow_key="more-resets",
                channel=OtpChannel.EMAIL,
                destination=jane.email,
            )
        # ...and Jane still gets the code confirming her bank account for a claim.
        challenge = claims_services.bank_code_send(
            user=jane, bank_code="014", account_number="1234567890", holder="JANE RAILEY", flow_key="claim-1"
        )
    assert challenge.purpose == OtpPurpose.BANK_ACCOUNT
    assert Message.objects.filter(recipient=jane.email).count() == otp.OTP_MAX_SENDS_PER_HOUR + 1
