"""/api/v1/policies: the member's linked policies, participants, benefits, Individu and DPLK.

Every endpoint is scoped to the signed-in person (bearer token or web session): a
policy, participant or DPLK account that is not theirs answers 404, exactly like one
that does not exist.
"""

import datetime
import math
from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from satuklik.accounts import linking, otp
from satuklik.accounts.api import FlowKey, OtpOut, RegisterStartIn, Text, otp_out
from satuklik.accounts.auth import member_auth
from satuklik.core.api_errors import errors
from satuklik.policies import selectors
from satuklik.policies.benefits import benefit_usage_for_member
from satuklik.policies.models import BenefitType, PolicyType

router = Router(tags=["policies"], auth=member_auth)

BenefitTypeValue = Literal[tuple(BenefitType.values)]

# 401 not signed in; 422 a malformed parameter; 404 not theirs or no such thing.
ERRORS = errors(401, 422)
FOUND_ERRORS = {**ERRORS, **errors(404)}


class LinkOut(Schema):
    id: int = Field(description="The link's id: use it to select the policy")
    status: Literal["ACTIVE", "PENDING"]
    label: str = Field(description='As in the dropdown: "12345678 (Group)"; DPLK shows the participant number')
    policy_number: str
    policy_type: Literal[tuple(PolicyType.values)]
    participant_number: str
    member_id: int
    selected: bool
    requested_at: datetime.datetime


def _link_out(link, selected) -> dict:
    return {
        "id": link.pk,
        "status": link.status,
        "label": selectors.membership_label(link.member),
        "policy_number": link.member.policy.number,
        "policy_type": link.member.policy.policy_type,
        "participant_number": link.member.participant_number,
        "member_id": link.member_id,
        "selected": link is selected,
        "requested_at": link.created_at,
    }


@router.get("", response={200: list[LinkOut], **ERRORS}, summary="My linked policies (and pending access requests)")
def policy_list(request):
    links = selectors.links_for_menu(user=request.user)
    selected = selectors.pick_selected(links, user=request.user)
    return [_link_out(link, selected) for link in links]


@router.post(
    "/{int:link_id}/select",
    response={200: LinkOut, **FOUND_ERRORS},
    summary="Select the policy the app follows (remembered across sessions)",
)
def policy_select(request, link_id: int):
    try:
        linking.link_select(user=request.user, link_id=link_id)
    except linking.LinkError:
        raise Http404 from None
    link = selectors.active_link_get(user=request.user, link_id=link_id)
    return _link_out(link, link)


# --- adding a policy (linking): the same steps, rules and limits as the "Tambah Polis" pages


class LinkStartIn(RegisterStartIn):
    """The same details as registration (and the pages) ask for each policy type."""


class LinkFlowOut(Schema):
    flow_id: int = Field(description="Names the flow in the URLs of the next steps")
    flow_key: str = Field(description="Send it back with every step of this flow; keep it secret")
    step: str = Field(description="Next step: channel (choose EMAIL or SMS) or otp (enter the code)")
    channels: list[str] = Field(default_factory=list, description="Where the code may be sent (step channel)")
    channel_destinations: dict[str, str] = Field(default_factory=dict, description="Masked contact per channel")
    otp: OtpOut | None = Field(None, description="The code sent (step otp); resend with /api/v1/auth/otp/resend")


class LinkChannelIn(Schema):
    flow_key: FlowKey
    channel: Literal["EMAIL", "SMS"]


class LinkCodeIn(Schema):
    flow_key: FlowKey
    code: Annotated[Text, Field(max_length=12)]


# 400 a refused step (data_mismatch, flow_expired, no contact); 409 already linked or
# pending; 429 too many mismatches or codes.
LINK_ERRORS = {**ERRORS, **errors(400, 409, 429)}


def _link_flow_out(flow, flow_key, request) -> dict:
    body = {
        "flow_id": flow.pk,
        "flow_key": flow_key,
        "step": flow.step,
        "channels": [],
        "channel_destinations": {},
        "otp": None,
    }
    if flow.step == "channel":
        channels = linking.policy_link_channels(flow=flow)
        body["channels"] = channels
        body["channel_destinations"] = {
            channel: otp.mask_destination(channel, flow.member.email if channel == "EMAIL" else flow.member.mobile)
            for channel in channels
        }
    if flow.challenge_id and flow.step == "otp":
        body["otp"] = otp_out(flow.challenge, request)
    return body


@router.get("/links", response={200: list[LinkOut], **ERRORS}, summary="My linked policies (and pending requests)")
def link_list(request):
    return policy_list(request)


@router.post("/links", response={201: LinkFlowOut, **LINK_ERRORS}, summary="Add a policy 1: match the details")
def link_start(request, payload: LinkStartIn):
    """Group: policy_number, participant_number, date_of_birth, email (the code goes to the e-mail
    on file at once, step otp). Individual: policy_number, date_of_birth, contact. DPLK:
    participant_number, date_of_birth, contact (step channel when both e-mail and mobile are on
    file). Any mismatch gets the neutral data_mismatch, counted with registration's."""
    flow, flow_key = linking.policy_link_start(user=request.user, request=request, **payload.model_dump())
    return Status(201, _link_flow_out(flow, flow_key, request))


@router.post(
    "/links/{int:flow_id}/send-code",
    response={200: LinkFlowOut, **LINK_ERRORS, **errors(404)},
    summary="Add a policy 2: send the code by EMAIL or SMS",
)
def link_send_code(request, flow_id: int, payload: LinkChannelIn):
    flow = linking.policy_link_send_code(
        user=request.user, flow_id=flow_id, flow_key=payload.flow_key, channel=payload.channel, request=request
    )
    return Status(200, _link_flow_out(flow, payload.flow_key, request))


@router.post(
    "/links/{int:flow_id}/verify",
    response={200: LinkOut, **LINK_ERRORS, **errors(404)},
    summary="Add a policy 3: check the code and link (Individual: pending approval)",
)
def link_verify(request, flow_id: int, payload: LinkCodeIn):
    link = linking.policy_link_verify(
        user=request.user, flow_id=flow_id, flow_key=payload.flow_key, code=payload.code, request=request
    )
    return Status(200, _link_out(link, link if request.user.selected_link_id == link.pk else None))


class MemberOut(Schema):
    id: int
    full_name: str
    gender: Literal["F", "M"]
    date_of_birth: datetime.date
    relation: Literal["PRINCIPAL", "SPOUSE", "CHILD"]
    principal_id: int | None
    policy_number: str
    policy_type: str
    participant_number: str
    employer: str = Field(description="The group policyholder (employer), or the Individual policyholder's name")
    plan_code: str | None
    plan_name: str | None
    coverage_start: datetime.date
    coverage_end: datetime.date | None
    status: Literal["ACTIVE", "INACTIVE"]


def _member_out(member) -> dict:
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "gender": member.gender,
        "date_of_birth": member.date_of_birth,
        "relation": member.relation,
        "principal_id": member.principal_id,
        "policy_number": member.policy.number,
        "policy_type": member.policy.policy_type,
        "participant_number": member.participant_number,
        "employer": member.policy.holder_display,
        "plan_code": member.plan.code if member.plan_id else None,
        "plan_name": member.plan.name if member.plan_id else None,
        "coverage_start": member.start_date,
        "coverage_end": member.end_date,
        "status": member.status,
    }


@router.get(
    "/{int:link_id}/members",
    response={200: list[MemberOut], **FOUND_ERRORS},
    summary="The participants a linked policy covers: the member and, for a principal, the dependents",
)
def policy_members(request, link_id: int):
    link = selectors.active_link_get(user=request.user, link_id=link_id)
    return [_member_out(member) for member in selectors.covered_members(member=link.member)]


@router.get("/members/{int:member_id}", response={200: MemberOut, **FOUND_ERRORS}, summary="One participant")
def member_detail(request, member_id: int):
    return _member_out(selectors.member_get_for_user(user=request.user, member_id=member_id))


class PlanBenefitItemOut(Schema):
    code: str
    benefit_type: str
    name: str
    name_en: str
    limit_amount: int | None = Field(description="Rupiah per limit_period; null: as charged")
    limit_period: Literal["DAY", "VISIT", "CASE", "YEAR", "CEILING"] = Field(
        description="CEILING: the plan-wide annual limit of the benefit type, used by all its items; not claimable"
    )
    annual_limit_amount: int | None
    yearly_limit: int | None = Field(description="The limit that resets with the policy year, if any")
    used_amount: int = Field(description="Approved amounts of this policy year's claims")
    remaining_amount: int | None = Field(description="yearly_limit - used (never below 0); null without a yearly limit")
    copay_percent: int
    deductible_amount: int
    cashless: bool
    count_limit: int | None
    count_period_months: int | None
    count_used: int
    count_remaining: int | None
    next_eligible_date: datetime.date | None = Field(description="Set when a count limit is used up")
    waiting_until: datetime.date | None = Field(description="Set while in a waiting period: the first usable day")
    available: bool


class BenefitsOut(Schema):
    member_id: int
    on_date: datetime.date
    policy_year_start: datetime.date | None
    policy_year_end: datetime.date | None
    items: list[PlanBenefitItemOut]


def _benefit_item_out(usage) -> dict:
    item = usage.item
    return {
        "code": item.code,
        "benefit_type": item.benefit_type,
        "name": item.name,
        "name_en": item.name_en,
        "limit_amount": item.limit_amount,
        "limit_period": item.limit_period,
        "annual_limit_amount": item.annual_limit_amount,
        "yearly_limit": usage.yearly_limit,
        "used_amount": usage.used_amount,
        "remaining_amount": usage.remaining_amount,
        "copay_percent": item.copay_percent,
        "deductible_amount": item.deductible_amount,
        "cashless": item.cashless,
        "count_limit": item.count_limit,
        "count_period_months": item.count_period_months,
        "count_used": usage.count_used,
        "count_remaining": usage.count_remaining,
        "next_eligible_date": usage.next_eligible_date,
        "waiting_until": usage.waiting_until,
        "available": usage.available,
    }


class BenefitsQuery(Schema):
    benefit_type: BenefitTypeValue | None = Field(None, description="Only this benefit type")


@router.get(
    "/members/{int:member_id}/benefits",
    response={200: BenefitsOut, **FOUND_ERRORS},
    summary="A participant's benefit items with limit, used this policy year and remaining",
)
def member_benefits(request, member_id: int, query: Query[BenefitsQuery]):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    today = timezone.localdate()
    usages = benefit_usage_for_member(member=member, on_date=today, benefit_type=query.benefit_type)
    return {
        "member_id": member.pk,
        "on_date": today,
        "policy_year_start": usages[0].policy_year_start if usages else None,
        "policy_year_end": usages[0].policy_year_end if usages else None,
        "items": [_benefit_item_out(usage) for usage in usages],
    }


class BeneficiaryOut(Schema):
    full_name: str
    relation: str
    share_percent: int


class InsuredOut(Schema):
    full_name: str
    relation: str
    date_of_birth: datetime.date


class IndividualOut(Schema):
    policy_number: str
    product_name: str
    policy_status: str
    holder_name: str
    start_date: datetime.date
    sum_assured: int
    premium_amount: int
    premium_frequency: str
    next_due_date: datetime.date | None
    payment_status: Literal["PAID", "DUE", "GRACE", "LAPSED"] = Field(
        description="From the next due date: due within 30 days, grace for 45 days after it, then lapsed"
    )
    grace_period_ends: datetime.date | None
    insured: list[InsuredOut]
    beneficiaries: list[BeneficiaryOut]


@router.get(
    "/members/{int:member_id}/individual",
    response={200: IndividualOut, **FOUND_ERRORS},
    summary="An Individual policy: product, sum assured, premium, payment status, insured, beneficiaries",
)
def individual(request, member_id: int):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.INDIVIDUAL)
    details = selectors.individual_policy_for_member(member=member)
    policy = details.policy
    standing = selectors.individual_payment_status(
        next_due_date=details.next_due_date, today=timezone.localdate(), policy_status=policy.status
    )
    return {
        "policy_number": policy.number,
        "product_name": details.product_name,
        "policy_status": policy.status,
        "holder_name": policy.holder_display,
        "start_date": policy.start_date,
        "sum_assured": details.sum_assured,
        "premium_amount": details.premium_amount,
        "premium_frequency": details.premium_frequency,
        "next_due_date": details.next_due_date,
        "payment_status": standing.status,
        "grace_period_ends": standing.grace_ends,
        "insured": [
            {"full_name": m.full_name, "relation": m.relation, "date_of_birth": m.date_of_birth}
            for m in selectors.policy_insured(policy=policy)
        ],
        "beneficiaries": [
            {"full_name": b.full_name, "relation": b.relation, "share_percent": b.share_percent}
            for b in policy.beneficiaries.all()
        ],
    }


class FundOut(Schema):
    fund_code: str
    fund_name: str
    balance: int


class ProjectionOut(Schema):
    annual_return_percent: float
    annual_contribution: int = Field(description="Contributions of the last twelve months, assumed to continue")
    months_to_retirement: int
    projected_balance: int


class DplkOut(Schema):
    member_id: int
    participant_number: str
    employer: str | None
    balance_total: int
    balance_as_of: datetime.date | None
    funds: list[FundOut]
    normal_retirement_age: int
    retirement_date: datetime.date
    years_to_go: int
    months_to_go: int
    projection: ProjectionOut


class DplkQuery(Schema):
    annual_return: float = Field(
        selectors.DEFAULT_ASSUMED_RETURN,
        ge=0,
        le=selectors.MAX_ASSUMED_RETURN,
        description="Assumed yearly return in percent for the projection",
    )


@router.get(
    "/members/{int:member_id}/dplk",
    response={200: DplkOut, **FOUND_ERRORS},
    summary="A DPLK account: balance per fund, retirement and a projection",
)
def dplk(request, member_id: int, query: Query[DplkQuery]):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.DPLK)
    account = selectors.dplk_account_for_member(member=member)
    today = timezone.localdate()
    funds = list(account.fund_balances.all())
    total = sum(fund.balance for fund in funds)
    retirement = selectors.retirement_for(
        date_of_birth=member.date_of_birth, retirement_age=account.normal_retirement_age, today=today
    )
    yearly = selectors.dplk_annual_contribution(account=account, today=today)
    return {
        "member_id": member.pk,
        "participant_number": member.participant_number,
        "employer": account.employer.name if account.employer_id else None,
        "balance_total": total,
        "balance_as_of": account.balance_as_of,
        "funds": [{"fund_code": f.fund_code, "fund_name": f.fund_name, "balance": f.balance} for f in funds],
        "normal_retirement_age": retirement.age,
        "retirement_date": retirement.date,
        "years_to_go": retirement.years_to_go,
        "months_to_go": retirement.months_to_go,
        "projection": {
            "annual_return_percent": query.annual_return,
            "annual_contribution": yearly,
            "months_to_retirement": retirement.months_to_go,
            "projected_balance": selectors.project_balance(
                balance=total,
                annual_contribution=yearly,
                annual_return_percent=query.annual_return,
                months=retirement.months_to_go,
            ),
        },
    }


class ContributionOut(Schema):
    reference: str
    paid_on: datetime.date
    employer_amount: int
    employee_amount: int
    total_amount: int


class ContributionTotalsOut(Schema):
    employer: int
    employee: int
    total: int


class ContributionPageOut(Schema):
    count: int
    page: int
    pages: int
    year: int | None
    years: list[int] = Field(description="Years with contributions, newest first (for a filter)")
    totals: ContributionTotalsOut = Field(description="Over every contribution matching the filter")
    items: list[ContributionOut]


class ContributionQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2999, description="Only this calendar year")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(24, ge=1, le=100)


@router.get(
    "/members/{int:member_id}/dplk/contributions",
    response={200: ContributionPageOut, **FOUND_ERRORS},
    summary="DPLK contribution history (employer and employee parts), newest first, by year",
)
def dplk_contributions(request, member_id: int, query: Query[ContributionQuery]):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.DPLK)
    account = selectors.dplk_account_for_member(member=member)
    contributions = selectors.dplk_contributions(account=account, year=query.year)
    paginator = Paginator(contributions, query.page_size)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": max(1, math.ceil(paginator.count / query.page_size)),
        "year": query.year,
        "years": selectors.dplk_contribution_years(account=account),
        "totals": selectors.dplk_contribution_totals(contributions=contributions),
        "items": [
            {
                "reference": c.reference,
                "paid_on": c.paid_on,
                "employer_amount": c.employer_amount,
                "employee_amount": c.employee_amount,
                "total_amount": c.total_amount,
            }
            for c in page.object_list
        ],
    }
