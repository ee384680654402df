"""The app shell's own views: health, PWA files, error pages, caching, language."""

import json
import socket

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from satuklik.core.context_processors import NAVIGATION, _navigation
from satuklik.notifications.tests.factories import InboxItemFactory, UserFactory


def boom(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


# This module doubles as a URLconf for the error-page tests.
urlpatterns = [path("boom/", boom), path("forbidden/", forbidden)]
handler500 = "satuklik.core.views.server_error"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_cache_is_down(client):
    # A real Redis client against a port where nothing listens (restored before the
    # shared fixtures clear the cache).
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    with override_settings(CACHES=broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error: ")


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_the_manifest_makes_the_app_installable_with_the_brand(client, settings):
    settings.BRAND = {**settings.BRAND, "APP_NAME": "KlikSehat", "PRIMARY_COLOR": "#005a9c"}
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "KlikSehat"
    assert manifest["theme_color"] == "#005a9c"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        # Every icon is a real file in static/.
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


@pytest.mark.django_db
def test_the_manifest_speaks_the_visitors_language(client):
    assert json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)["lang"] == "en"
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="id").content)
    assert manifest["lang"] == "id"
    assert manifest["description"] == "Polis asuransi Anda dalam satu aplikasi"


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_with_an_offline_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/"' in script
    assert '"/static/css/app.css"' in script
    assert "{%" not in script


@pytest.mark.django_db
def test_the_offline_page_never_shows_who_was_signed_in(client):
    user = UserFactory(full_name="JANE RAILEY")
    client.force_login(user)
    response = client.get("/offline/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anda sedang offline" in page
    assert "JANE RAILEY" not in page
    assert "/accounts/logout/" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "back"),
    [("id", "Halaman tidak ditemukan", "Kembali ke Menu Utama"), ("en", "Page not found", "Back to the main menu")],
)
def test_the_404_page_is_in_the_apps_style_and_language(client, language, title, back):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert title in page
    assert back in page
    assert 'class="topbar"' in page
    assert "1500-123" in page  # the customer-service contacts are on every page


@pytest.mark.django_db
def test_the_500_page_is_in_the_apps_style_without_the_database(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert settings.BRAND["CALL_CENTER"] in page
    assert "/static/css/app.css" in page


@pytest.mark.django_db
def test_pages_for_visitors_may_be_cached_but_signed_in_pages_are_not_stored(client):
    anonymous = client.get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")

    client.force_login(UserFactory())
    for url in ("/", "/notifications/", "/offline/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_the_language_switch_is_remembered_for_a_year(client):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60

    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Welcome to Satuklik" in page


@pytest.mark.django_db
def test_a_members_language_choice_is_kept_on_the_account_for_messages(client):
    user = UserFactory(preferred_language="id")
    client.force_login(user)

    response = client.post("/language/", {"language": "en", "next": "/notifications/"})

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    # An unknown language changes nothing.
    client.post("/language/", {"language": "xx"})
    user.refresh_from_db()
    assert user.preferred_language == "en"


@pytest.mark.django_db
def test_the_language_switch_needs_a_post(client):
    assert client.get("/language/?language=en").status_code == 405


@pytest.mark.django_db
def test_indonesian_is_the_default_language(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="id">' in page
    assert "Selamat datang di Satuklik" in page


@pytest.mark.django_db
def test_every_page_has_the_need_help_contacts_from_the_brand(client, settings):
    settings.BRAND = {
        **settings.BRAND,
        "CALL_CENTER": "1500-999",
        "CARE_EMAIL": "halo@klik.example",
        "OFFICE_HOURS": "Senin-Sabtu 07.00-19.00 WIB",
    }
    page = client.get("/").content.decode()
    assert 'id="need-help"' in page
    assert 'aria-controls="need-help"' in page
    assert 'href="tel:1500999"' in page
    assert 'href="mailto:halo@klik.example"' in page
    assert "Senin-Sabtu 07.00-19.00 WIB" in page


@pytest.mark.django_db
def test_the_menu_lists_only_sections_that_exist(client):
    # Labels are lazy translations: compared in English.
    with translation.override("en"):
        items = _navigation(RequestFactory().get("/"))
        assert items[0] == {"url": "/", "label": "Home", "icon": "home", "current": True}
    assert len(items) <= len(NAVIGATION)
    page = client.get("/").content.decode()
    for item in items:
        assert f'href="{item["url"]}"' in page


@pytest.mark.django_db
def test_signed_in_members_see_their_unread_count_and_can_log_out(client):
    user = UserFactory(full_name="JANE RAILEY")
    InboxItemFactory.create_batch(2, user=user)
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert 'data-unread="2"' in page
    assert "(</span>2<span" in page
    assert 'action="/accounts/logout/"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("id", "Bantuan dan kontak"), ("en", "Help and contacts")])
def test_the_footer_is_one_line_and_the_help_page_has_every_contact(client, settings, language, title):
    settings.BRAND = {**settings.BRAND, "CARE_EMAIL": "halo@klik.example", "OFFICE_HOURS": "Senin-Sabtu 07.00-19.00"}
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    footer = page[page.index('<footer class="footer"') : page.index("</footer>")]
    assert 'href="/help/"' in footer and title in footer
    assert 'href="tel:' in footer
    assert "halo@klik.example" not in footer  # the full block is on the help page (and in Need Help)

    help_page = client.get("/help/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    main = help_page[help_page.index("<main") : help_page.index("</main>")]
    assert title in main
    assert 'href="mailto:halo@klik.example"' in main
    assert "Senin-Sabtu 07.00-19.00" in main
