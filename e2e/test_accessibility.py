"""Accessibility: axe-core scans every member page and back-office page, in both languages,
on a phone and on a desktop, and any serious or critical violation fails (issue 13.9).

axe-core comes from npm (e2e/package.json, installed by scripts/setup --test) and is read
from disk: nothing is downloaded at test time.
"""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, StaffUserFactory, UserFactory
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import ClaimDocumentFactory, ClaimFactory
from satuklik.core.roles import CLAIMS_OFFICER, roles_setup
from satuklik.demo.policies import build_demo_policies
from satuklik.policies.models import Member
from satuklik.providers.models import Provider

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def context_options():
    # The test puts axe-core into each page; the pages' own CSP (tested in test_csp.py)
    # would refuse that script, so this context bypasses it.
    return {"service_workers": "block", "bypass_csp": True}


@pytest.fixture
def people(transactional_db):
    """Jane with her three policies (Group, Individu, DPLK), a submitted claim and a draft,
    and a claims officer."""
    importlib.import_module("satuklik.claims.migrations.0003_seed_reference_data").seed(django_apps, None)
    roles_setup()
    build_demo_policies(members=5)
    group = Member.objects.get(policy__number="12345678", participant_number="87654321")
    jane = UserFactory(member=group, username="JANERA0112", full_name="JANE RAILEY")
    individual = Member.objects.filter(policy__number="00056789").first()
    dplk = Member.objects.filter(policy__number="00012345").first()
    for member in (individual, dplk):
        PolicyLinkFactory(user=jane, member=member, status=PolicyLink.Status.ACTIVE)
    submitted = ClaimFactory(member=group, submitted_by=jane, status=Claim.Status.SUBMITTED)
    ClaimDocumentFactory(claim=submitted, original_name="kuitansi.pdf")
    draft = ClaimFactory(member=group, submitted_by=jane, status=Claim.Status.DRAFT)
    officer = StaffUserFactory(username="klaim.a11y")
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return {
        "jane": jane,
        "group": group,
        "child": Member.objects.filter(principal=group).first(),
        "individual": individual,
        "dplk": dplk,
        "submitted": submitted,
        "draft": draft,
        "officer": officer,
        "provider": Provider.objects.order_by("code").first(),
    }


def _public_pages(p):
    pages = ["/", "/accounts/login/", "/accounts/register/", "/accounts/password-reset/", "/providers/", "/offline/"]
    if p["provider"] is not None:
        pages.append(f"/providers/{p['provider'].code}/")
    return pages


def _member_pages(p):
    group, draft = p["group"].pk, p["draft"].pk
    return [
        "/",
        "/policies/link/",
        "/policies/members/",
        f"/policies/members/{group}/",
        f"/policies/members/{p['child'].pk}/",
        "/policies/benefits/",
        f"/policies/benefits/{group}/",
        f"/policies/benefits/{group}/OUTPATIENT/",
        f"/policies/benefits/{group}/INPATIENT/",
        f"/policies/individual/{p['individual'].pk}/",
        f"/policies/dplk/{p['dplk'].pk}/",
        f"/policies/dplk/{p['dplk'].pk}/projection/",
        f"/policies/dplk/{p['dplk'].pk}/contributions/",
        "/cards/",
        f"/cards/{group}/",
        "/claims/",
        "/claims/new/",
        f"/claims/{p['submitted'].pk}/",
        f"/claims/{draft}/edit/",
        f"/claims/{draft}/edit/bank/",
        f"/claims/{draft}/edit/documents/",
        f"/claims/{draft}/review/",
        "/providers/",
        "/notifications/",
        "/accounts/profile/",
    ]


def _officer_pages(p):
    return ["/backoffice/claims/", "/backoffice/claims/payments/", f"/backoffice/claims/{p['submitted'].pk}/"]


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def _scan(page, paths) -> dict:
    found = {}
    for path in paths:
        response = page.goto(path)
        problems = _serious_violations(page) if response.status == 200 else [f"answered {response.status}"]
        if problems:
            found[path] = problems
    return found


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
def test_no_page_has_a_serious_accessibility_violation(people, page, new_context, sign_in):
    found = _scan(page, _public_pages(people))

    member_page = new_context().new_page()
    sign_in(people["jane"], member_page.context)
    found |= {f"member {path}": problems for path, problems in _scan(member_page, _member_pages(people)).items()}

    officer_page = new_context().new_page()
    sign_in(people["officer"], officer_page.context)
    found |= {f"officer {path}": problems for path, problems in _scan(officer_page, _officer_pages(people)).items()}

    assert found == {}, "\n".join(f"{path}: {problem}" for path, problems in found.items() for problem in problems)
