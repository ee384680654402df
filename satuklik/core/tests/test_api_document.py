"""The OpenAPI document is one a client generator can trust (issue 10.12): every schema
published under its own name, and JSON (never an HTML page) for any path under /api/."""

import importlib
import inspect

import pytest
from pydantic import BaseModel

API_MODULES = [
    "satuklik.accounts.api",
    "satuklik.cards.api",
    "satuklik.claims.api",
    "satuklik.claims.api_officer",
    "satuklik.policies.api",
    "satuklik.providers.api",
]


def _schemas():
    for name in API_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == name:
                yield cls


def test_no_two_schemas_share_a_name(client):
    # ninja publishes a schema under its class name: two classes of one name silently
    # become one, and a client generated from the document gets the wrong fields.
    by_name = {}
    for cls in _schemas():
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: places for name, places in by_name.items() if len(places) > 1}
    assert shared == {}
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    published = {cls.__name__ for cls in _schemas()} & set(components)
    for name in published:
        cls = next(c for c in _schemas() if c.__name__ == name)
        assert set(components[name].get("properties", {})) == set(cls.model_fields), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/claims/abc", "/api/v1/no-such-thing", "/api/v2/claims/", "/api/v1/officer/claims/x1/decide"]
)
def test_any_unknown_path_under_the_api_answers_json(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "message": "There is no such address in the API.",
        "code": "not_found",
        "field": None,
        "errors": [],
        "retry_after": None,
    }
