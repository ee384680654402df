"""The floor of benchmarks/api_load.py: the cheapest useful JSON view of this server.

One query (a policy by its number), serialised with JsonResponse, through the same
middleware as every page and API call. Routed only when SATUKLIK_BENCH_FLOOR=1
(config/urls.py), never in production.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from satuklik.policies.models import Policy


@require_GET
def floor(request):
    row = Policy.objects.filter(number=request.GET.get("number", "12345678")).values("number", "status").first()
    return JsonResponse({"policy": row})
