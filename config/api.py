"""The JSON API root: one NinjaAPI, a router per app, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Satuklik API",
    version="1",
    urls_namespace="api",
    description="Member self-service API for native clients and partners.",
)


@api.get("/ping", tags=["meta"], summary="Is the API up?")
def ping(request):
    return {"ok": True}


api.add_router("/auth", "satuklik.accounts.api.router")
api.add_router("/providers", "satuklik.providers.api.router")
api.add_router("/policies", "satuklik.policies.api.router")
api.add_router("/cards", "satuklik.cards.api.router")
api.add_router("/verify", "satuklik.cards.api.verify_router")
api.add_router("/claims", "satuklik.claims.api.router")
api.add_router("/officer/claims", "satuklik.claims.api_officer.router")
