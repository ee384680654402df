"""Pages and API answers travel compressed to a browser that accepts it (issue 13.10)."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/openapi.json"])
def test_pages_and_json_are_gzipped_for_a_browser_that_accepts_it(client, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = gzip.decompress(response.content)
    if path.endswith(".json"):
        assert json.loads(body)["openapi"].startswith("3.")
    else:
        assert b"</html>" in body


def test_a_client_that_does_not_accept_gzip_gets_plain_text(client):
    response = client.get("/accounts/login/")
    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content
