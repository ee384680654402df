from functools import cache

from satuklik.notifications import selectors


def inbox(request):
    """`inbox_unread_count` for templates: one COUNT query, only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread_count": 0}

    @cache
    def unread_count():
        return selectors.inbox_unread_count(user=user)

    return {"inbox_unread_count": unread_count}
