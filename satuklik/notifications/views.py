from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from satuklik.notifications import selectors


def _outbox_enabled():
    if not settings.NOTIFICATIONS_OUTBOX:
        # The outbox is a demo tool: it would leak codes anywhere else.
        raise Http404


def outbox(request):
    _outbox_enabled()
    page = Paginator(selectors.outbox_messages(), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})


def outbox_message(request, pk):
    _outbox_enabled()
    message = get_object_or_404(selectors.outbox_messages(), pk=pk)
    return render(request, "notifications/outbox_message.html", {"message": message})
