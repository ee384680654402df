"""The API root: /api/v1/ with its OpenAPI document and docs page."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises with the first problem
    assert document["info"]["title"] == "Satuklik API"
    assert document["info"]["version"] == "1"
    assert "/api/v1/ping" in document["paths"]


def test_every_operation_has_an_id_a_tag_and_a_summary(client):
    document = client.get("/api/v1/openapi.json").json()
    operation_ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("operationId"), where
            assert operation.get("tags"), where
            assert operation.get("summary") or operation.get("description"), where
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_the_docs_page_is_served_with_our_own_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/openapi.json" in page
    assert "swagger-ui-bundle.js" in page
    # From our static files, not a CDN: the docs work offline and leak nothing to third parties.
    assert "cdn.jsdelivr.net" not in page


def test_ping(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
