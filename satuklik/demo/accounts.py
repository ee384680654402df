"""Demo accounts: the pre-registered personas of satuklik.policies.demo.PERSONAS and a
TOTP device (the published demo secret) for every demo staff user. Called by seed_demo;
idempotent."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from satuklik.accounts import otp
from satuklik.accounts.models import LoginName, PolicyLink, User
from satuklik.policies.models import Member


def _persona_account(persona, now) -> tuple[User, bool]:
    username = persona["username"].upper()
    login = LoginName.objects.select_related("user").filter(name=username).first()
    if login is not None:
        return login.user, False
    user = User(
        username=username,
        full_name=persona["full_name"],
        email=persona.get("email") or "",
        mobile=otp.normalise_mobile(persona.get("mobile") or ""),
        date_of_birth=persona.get("date_of_birth"),
        email_verified_at=now if persona.get("email") else None,
        preferred_language="id",
        eula_version=settings.EULA_VERSION,
        eula_accepted_at=now,
    )
    user.set_password(persona["password"])
    user.save()
    LoginName.objects.create(user=user, name=username)
    return user, True


def build_demo_accounts(stdout=None):
    from satuklik.policies.demo import PERSONAS

    now = timezone.now()
    created_users = linked = 0
    with transaction.atomic():
        for persona in PERSONAS:
            if not persona.get("registered"):
                continue
            user, created = _persona_account(persona, now)
            created_users += created
            for _policy_type, policy_number, participant_number in persona.get("linked", []):
                member = Member.objects.filter(
                    policy__number=policy_number, participant_number=participant_number
                ).first()
                if (
                    member is None
                    or PolicyLink.objects.filter(
                        member=member, status__in=[PolicyLink.Status.ACTIVE, PolicyLink.Status.PENDING]
                    ).exists()
                ):
                    continue
                PolicyLink.objects.create(user=user, member=member, status=PolicyLink.Status.ACTIVE, decided_at=now)
                LoginName.objects.filter(user=user, member__isnull=True).update(member=member)
                linked += 1
    devices = _demo_staff_devices() if settings.DEMO_MODE else 0
    return {"accounts": created_users, "links": linked, "staff_totp_devices": devices}


def _demo_staff_devices() -> int:
    """Demo staff (seed_demo.STAFF) get the published TOTP secret so the admin can be tried."""
    from satuklik.accounts.management.commands.staff_totp_setup import demo_device_for
    from satuklik.core.management.commands.seed_demo import STAFF, staff_setup

    staff_setup()  # idempotent; seed_demo runs it after the builders too
    count = 0
    usernames = [row[0] for row in STAFF]
    for user in User.objects.filter(is_staff=True, username__in=usernames):
        if not user.totpdevice_set.exists():
            demo_device_for(user)
            count += 1
    return count
