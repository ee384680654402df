from satuklik.accounts.models import PolicyLink


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
