"""Member pages of eClaim (placeholder until the pages land)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def claim_list(request):
    return HttpResponse("")


@login_required
def claim_detail(request, claim_id):
    return HttpResponse("")
