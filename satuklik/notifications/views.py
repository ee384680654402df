from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from satuklik.notifications import selectors, services

OUTBOX_PAGE_SIZE = 25
INBOX_PAGE_SIZE = 20


def _outbox_enabled():
    if not settings.NOTIFICATIONS_OUTBOX:
        # The outbox is a demo tool: it would leak codes anywhere else.
        raise Http404


@require_GET
def outbox(request):
    _outbox_enabled()
    page = Paginator(selectors.outbox_messages(), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})


@require_GET
def outbox_message(request, pk):
    _outbox_enabled()
    message = get_object_or_404(selectors.outbox_messages(), pk=pk)
    return render(request, "notifications/outbox_message.html", {"message": message})


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for_user(user=request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_GET
def inbox_item(request, pk):
    # Opening a notification is reading it, as with an e-mail.
    item = services.inbox_item_open(user=request.user, item_id=pk)
    safe_link = item.link and url_has_allowed_host_and_scheme(item.link, allowed_hosts={request.get_host()})
    return render(request, "notifications/inbox_item.html", {"item": item, "link": item.link if safe_link else ""})


@login_required
@require_POST
def inbox_read_all(request):
    services.inbox_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
