"""Every page sends a strict Content-Security-Policy and a Permissions-Policy: member
pages, the back office and the admin (issue 10.4); the server names no software."""

import pytest
from django.urls import reverse

from satuklik.accounts.tests.factories import UserFactory
from satuklik.accounts.tests.staff import admin_sign_in, staff_sign_in
from satuklik.claims.tests.test_backoffice import make_officer

pytestmark = pytest.mark.django_db


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _assert_strict(response):
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no nonce, no host
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_member_pages_send_a_strict_policy(client):
    _assert_strict(client.get(reverse("accounts:login")))
    client.force_login(UserFactory())
    for url in ("/", reverse("claims:list"), reverse("cards:list"), reverse("providers:search")):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_the_inline_styles_carry_the_nonce_of_their_response(client):
    response = client.get(reverse("accounts:login"))
    nonce = [part for part in _directives(response)["style-src"] if part.startswith("'nonce-")][0][7:-1]
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert "<style>" not in response.content.decode()
    again = client.get(reverse("accounts:login"))
    assert nonce not in again["Content-Security-Policy"]  # a new nonce every response


def test_the_map_tile_host_is_allowed_for_images(client, settings):
    assert any(host.endswith("tile.openstreetmap.org") for host in settings.MAP_TILE_HOSTS)
    img = _directives(client.get(reverse("providers:search")))["img-src"]
    assert settings.MAP_TILE_HOSTS[0] in img


def test_back_office_and_admin_pages_send_it_too(client):
    staff_sign_in(client, make_officer())
    response = client.get(reverse("claims-backoffice:queue"))
    assert response.status_code == 200
    _assert_strict(response)


def test_admin_pages_send_it(client, admin_user):
    _assert_strict(client.get("/admin/login/"))
    admin_sign_in(client, admin_user, password="password")
    response = client.get("/admin/")
    assert response.status_code == 200
    _assert_strict(response)


def test_the_served_app_names_no_server_software(two_worker_server):
    response = two_worker_server.get("/healthz")
    assert response.status_code == 200
    assert "Server" not in response.headers
