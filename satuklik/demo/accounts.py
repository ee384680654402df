"""Demo accounts: the pre-registered personas of satuklik.demo.policies.PERSONAS, the
back-office staff (STAFF) and a TOTP device (the published demo secret) for each of
them. Called by seed_demo; idempotent."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from satuklik.accounts import otp
from satuklik.accounts.models import LoginName, PolicyLink, User
from satuklik.accounts.services import username_base, username_candidates
from satuklik.core import roles
from satuklik.demo.policies import PERSONAS
from satuklik.policies.models import Member

# Back-office staff of the demo (docs/demo.md). Passwords are public: demo mode only.
STAFF = [
    # username, password, full name, role, superuser
    ("admin", "Admin-Pass-2026!", "Admin Satuklik", roles.ADMINISTRATOR, True),
    ("klaim", "Klaim-Pass-2026!", "Rina Klaim", roles.CLAIMS_OFFICER, False),
    ("layanan", "Layanan-Pass-2026!", "Budi Layanan", roles.CUSTOMER_SERVICE, False),
    ("konten", "Konten-Pass-2026!", "Sari Konten", roles.CONTENT_EDITOR, False),
]


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


def member_account(member, now) -> User:
    """An account for an invented member (a demo claimant), linked to their membership.

    Its login name follows the registration's rule (JANERA0112, then a letter); it has no
    usable password: nobody signs in as them (the forgot-password journey would let one).
    """
    login = LoginName.objects.select_related("user").filter(member=member).first()
    if login is not None:
        return login.user
    name = next(
        candidate
        for candidate in username_candidates(
            username_base(full_name=member.full_name, date_of_birth=member.date_of_birth)
        )
        if not LoginName.objects.filter(name=candidate).exists()
    )
    user = User(
        username=name,
        full_name=member.full_name,
        email=member.email or "",
        mobile=otp.normalise_mobile(member.mobile or ""),
        date_of_birth=member.date_of_birth,
        email_verified_at=now if member.email else None,
        preferred_language="id",
        eula_version=settings.EULA_VERSION,
        eula_accepted_at=now,
    )
    user.set_unusable_password()
    user.save()
    LoginName.objects.create(user=user, name=name, member=member)
    PolicyLink.objects.create(user=user, member=member, status=PolicyLink.Status.ACTIVE, decided_at=now)
    return user


def build_demo_accounts(stdout=None):
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

    staff_setup()  # idempotent; seed_demo runs it after the builders too
    count = 0
    usernames = [row[0] for row in STAFF]
    for user in User.objects.filter(is_staff=True, username__in=usernames):
        if not user.totpdevice_set.exists():
            demo_device_for(user)
            count += 1
    return count


def staff_setup() -> list[str]:
    """Create the demo staff users that are missing; return the usernames created."""
    User = get_user_model()
    created = []
    for username, password, full_name, role, superuser in STAFF:
        if User.objects.filter(username__iexact=username).exists():
            continue
        first, _, last = full_name.partition(" ")
        user = User(
            username=username,
            email=f"{username}@satuklik.example",
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        if hasattr(user, "full_name"):
            user.full_name = full_name
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append(username)
    return created
