from django.db.models import Q

from satuklik.accounts.models import ApiToken, LoginName, PolicyLink, SecurityEvent, User


def active_links_for_user(*, user):
    """The memberships a person may see, with what every page shows about them."""
    return (
        PolicyLink.objects.filter(user=user, status=PolicyLink.Status.ACTIVE)
        .select_related("member__policy__holder", "member__plan")
        .order_by("created_at", "id")
    )


def selected_link(*, user):
    """The link the main page follows: the remembered one if still active, else the first."""
    if not user.is_authenticated:
        return None
    links = list(active_links_for_user(user=user))
    for link in links:
        if link.pk == user.selected_link_id:
            return link
    return links[0] if links else None


def selected_member(*, user):
    link = selected_link(user=user)
    return link.member if link else None


def user_by_login_name(*, name) -> User | None:
    """The account a login name belongs to (case-insensitive), else one whose username matches."""
    name = str(name or "").strip().upper()
    if not name or len(name) > 150:
        return None
    login = LoginName.objects.select_related("user").filter(name=name).first()
    if login is not None:
        return login.user
    # Staff made with createsuperuser have no LoginName row: fall back to the username.
    return User.objects.filter(username__iexact=name).first()


def login_names_for_user(*, user) -> list[str]:
    names = list(LoginName.objects.filter(user=user).order_by("created_at", "id").values_list("name", flat=True))
    if not names and user.username:
        names = [user.username.upper()]
    return names


def login_name_taken(*, name) -> bool:
    return LoginName.objects.filter(name=name.upper()).exists() or User.objects.filter(username__iexact=name).exists()


def accounts_with_verified_contact(*, email: str = "", mobile: str = "", date_of_birth=None):
    """Accounts whose verified e-mail (or verified mobile, stored normalised as +62...) is this
    one and whose holder was born on that day: the "same person" rule of registration."""
    condition = Q()
    if email:
        condition |= Q(email__iexact=email, email_verified_at__isnull=False)
    if mobile:
        condition |= Q(mobile=mobile, mobile_verified_at__isnull=False)
    if not condition or date_of_birth is None:
        return User.objects.none()
    return User.objects.filter(condition, is_active=True, date_of_birth=date_of_birth).order_by("date_joined", "id")


def api_tokens_for_user(*, user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def security_events_for_user(*, user, limit=20):
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-id")[:limit]
