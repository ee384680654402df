"""Fuzz the policies, cards and verification API from the OpenAPI document, signed in:
no input may produce a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from satuklik.accounts import services as account_services
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.cards.services import card_activate
from satuklik.policies.tests.factories import DplkAccountFactory, IndividualPolicyFactory, MemberFactory, PlanFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex=r"^/api/v1/(policies|cards|verify)"
)


@pytest.fixture
def token(db):
    """A member with every kind of membership (small ids, so fuzzed ids sometimes hit)."""
    plan = PlanFactory(with_schedule=True)
    member = MemberFactory(policy=plan.policy, plan=plan)
    MemberFactory(child_of=member)
    user = UserFactory(member=member)
    PolicyLinkFactory(user=user, member=IndividualPolicyFactory().policy.members.get())
    PolicyLinkFactory(user=user, member=DplkAccountFactory(with_history=True).member)
    card_activate(member=member, by=user)
    return account_services.api_token_issue(user=user)[1]


@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_policies_and_cards_api_never_answer_with_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
