"""Partner hospitals in Chromium: search, nearest with the browser's location, the map,
and what Jane's plan covers at a hospital."""

import datetime
import re

import pytest

from satuklik.accounts.tests.factories import UserFactory
from satuklik.demo.providers import build_demo_providers
from satuklik.policies.tests.factories import MemberFactory, PlanFactory
from satuklik.providers.geo import haversine_km
from satuklik.providers.models import Provider

MONAS = {"latitude": -6.1754, "longitude": 106.8272}


@pytest.fixture(autouse=True)
def tiles_unreachable(settings):
    # No internet here (and none needed): tiles fail at once, the markers must still show.
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"


@pytest.fixture
def directory(transactional_db):
    build_demo_providers()


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_search_siloam_in_jakarta(page, directory, screenshot):
    page.goto("/providers/")
    page.fill("#id_q", "siloam")
    page.fill("#id_city", "Jakarta")
    page.locator("form.provider-search button[type=submit]").click()
    # Typing already searched live (htmx); wait for the answer to the whole form.
    page.wait_for_url(re.compile(r"q=siloam.*city=Jakarta"))
    page.wait_for_function(
        "() => document.querySelectorAll('.provider-item').length > 0 && !document.querySelector('.htmx-request')"
        " && [...document.querySelectorAll('.provider-city')].every(e => e.textContent.startsWith('Jakarta'))"
    )
    names = page.locator(".provider-item .provider-name").all_inner_texts()
    cities = page.locator(".provider-item .provider-city").all_inner_texts()
    expected = Provider.objects.filter(search_name__contains="siloam", city__startswith="Jakarta").count()
    assert len(names) == min(20, expected) >= 5
    assert all("siloam" in name.lower() for name in names)
    assert all(city.startswith("Jakarta") for city in cities)
    assert "RS Siloam Kebon Jeruk" in names
    page.wait_for_function("() => document.querySelectorAll('#provider-map .leaflet-marker-icon').length > 0")
    assert page.locator("#provider-map .leaflet-marker-icon").count() == len(names)
    screenshot("providers-siloam-jakarta")


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_nearest_to_me_with_the_location_granted(new_context, directory, screenshot):
    context = new_context(geolocation=MONAS, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/providers/")
    page.get_by_role("button", name="Nearest to me").click()
    page.wait_for_selector(".provider-distance")
    kms = [
        float(value) for value in page.locator(".provider-distance").evaluate_all("els => els.map(e => e.dataset.km)")
    ]
    assert len(kms) == 20 and kms == sorted(kms)
    closest = min(
        Provider.objects.filter(provider_type="HOSPITAL"),  # the first list is of hospitals
        key=lambda p: haversine_km(MONAS["latitude"], MONAS["longitude"], p.latitude, p.longitude),
    )
    assert page.locator(".provider-item .provider-name").first.inner_text() == closest.name
    assert re.fullmatch(r"\d+\.\d km", page.locator(".provider-distance").first.inner_text())
    assert "Nearest to your location first" in page.locator(".results-status").inner_text()
    # 20 providers and the member's own position.
    page.wait_for_function("() => document.querySelectorAll('#provider-map .leaflet-marker-icon').length === 20")
    assert page.locator("#provider-map path.leaflet-interactive").count() == 1
    screenshot("providers-nearest")


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_refused_location_says_so_and_the_city_search_still_works(new_context, directory):
    context = new_context()  # no geolocation permission: the browser refuses
    page = context.new_page()
    page.goto("/providers/")
    page.get_by_role("button", name="Nearest to me").click()
    message = page.locator("[data-geo-message]")
    message.wait_for(state="visible")
    assert "Choose a city instead" in message.inner_text()
    page.fill("#id_city", "Merauke")
    page.locator("form.provider-search button[type=submit]").click()
    page.wait_for_url(re.compile(r"city=Merauke"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('.provider-city')].every(e => e.textContent === 'Merauke')"
    )
    assert "centre of Merauke" in page.locator(".results-status").inner_text()
    assert page.locator(".provider-distance").count() == page.locator(".provider-item").count() > 0


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_the_search_works_without_javascript(new_context, directory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/providers/")
    assert not page.get_by_role("button", name="Nearest to me").is_visible()
    page.fill("#id_q", "rs siloam")
    page.get_by_text("Type, service and payment").click()  # folded away, even without JavaScript
    page.select_option("#id_type", "HOSPITAL")
    page.locator("form.provider-search button[type=submit]").click()
    names = page.locator(".provider-item .provider-name").all_inner_texts()
    assert names and all("siloam" in name.lower() for name in names)
    page.goto("/providers/?q=no+such+hospital")
    assert "No partner provider matches your search." in page.locator(".provider-empty").inner_text()


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_provider_page_shows_whether_janes_plan_is_cashless_there(
    page, sign_in, transactional_db, screenshot, time_machine
):
    # Inside the factories' policy year (2025): cover is in force only while the policy is.
    time_machine.move_to(datetime.datetime(2025, 6, 10, 9, tzinfo=datetime.UTC), tick=True)
    plan = PlanFactory(with_schedule=True, name="Plan Staf")
    today = datetime.date(2025, 6, 10)
    jane = MemberFactory(plan=plan, policy=plan.policy, full_name="JANE RAILEY", start_date=today.replace(day=1))
    hospital = Provider.objects.create(
        code="PRV0001", name="RS Siloam Kebon Jeruk", provider_type="HOSPITAL", city="Jakarta Barat",
        latitude=-6.1909, longitude=106.7636, phone="(021) 5367 1200", service_inpatient=True,
        service_outpatient=True, service_maternity=True,
    )  # fmt: skip
    hospital.network_plans.add(plan)
    elsewhere = Provider.objects.create(
        code="PRV0099", name="RS Lain", provider_type="HOSPITAL", city="Medan", latitude=3.59, longitude=98.67,
        service_inpatient=True,
    )  # fmt: skip
    sign_in(UserFactory(member=jane))

    page.goto(f"/providers/{hospital.code}/")
    coverage = page.locator("section.coverage")
    assert coverage.get_attribute("data-coverage") == "cashless"
    assert "Your plan is cashless here" in coverage.inner_text()
    assert "Inpatient" in coverage.inner_text() and "Maternity" in coverage.inner_text()
    assert page.get_by_role("link", name="(021) 5367 1200").get_attribute("href") == "tel:02153671200"
    page.wait_for_selector("#provider-map .leaflet-marker-icon")
    screenshot("provider-detail-cashless")

    page.goto(f"/providers/{elsewhere.code}/")
    assert page.locator("section.coverage").get_attribute("data-coverage") == "not_in_network"
    assert "Not cashless for your plan" in page.locator("section.coverage").inner_text()


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_the_list_says_cashless_for_jane_only_where_her_plan_is(page, new_context, sign_in, time_machine, screenshot):
    from playwright.sync_api import expect

    from satuklik.providers.tests.factories import ProviderFactory

    time_machine.move_to(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC), tick=True)
    plan = PlanFactory(with_schedule=True)
    jane = UserFactory(member=MemberFactory(plan=plan, policy=plan.policy, full_name="JANE RAILEY"))
    ProviderFactory(name="RS Jaringan Jane", network_plans=[plan])
    ProviderFactory(name="RS Rekanan Lain", network_plans=[PlanFactory()])

    visitor = new_context().new_page()
    visitor.goto("/providers/")
    expect(visitor.locator(".provider-item", has_text="RS Rekanan Lain").locator(".badge-cashless")).to_have_text(
        "Cashless partner (general)"
    )

    sign_in(jane)
    page.goto("/providers/")
    expect(page.locator(".provider-item", has_text="RS Jaringan Jane").locator(".badge-cashless")).to_have_text(
        "Cashless for you"
    )
    other = page.locator(".provider-item", has_text="RS Rekanan Lain")
    expect(other.locator(".badge-cashless")).to_have_count(0)
    expect(other.locator(".badge-reimburse")).to_have_text("Reimbursement for you")
    phone = page.viewport_size["width"] < 768
    # On a phone the results come first and the finer filters are folded; a desktop shows them.
    assert page.locator("#id_cashless").is_visible() != phone
    if phone:
        page.get_by_text("Type, service and payment").click()
    page.select_option("#id_cashless", "yes")
    page.locator("form.provider-search button[type=submit]").click()
    page.wait_for_url(re.compile(r"cashless=yes"))
    expect(page.locator(".provider-item")).to_have_count(1)
    expect(page.locator(".provider-item .provider-name")).to_have_text("RS Jaringan Jane")
    screenshot("providers-cashless-for-jane")
