"""The member's policies: main menu, member information, benefits, Individu and DPLK pages.

Thin views: reads come from satuklik.policies.selectors (scoped to the person, 404 for
anything else), writes from satuklik.accounts.linking (the linking flow is at the end).
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from satuklik.accounts import forms as account_forms
from satuklik.accounts import linking, otp
from satuklik.accounts.models import OtpChannel, OtpPurpose
from satuklik.accounts.services import AccountsError
from satuklik.core.context_processors import MENU_POLICY_TYPE
from satuklik.policies import selectors
from satuklik.policies.benefits import benefit_type_summaries, benefit_usage_for_member
from satuklik.policies.models import BenefitType, PolicyType

CONTRIBUTIONS_PAGE_SIZE = 24

# The tiles of the main page, by the type of the selected policy: (URL name, label,
# icon, takes the selected member's id). A tile whose page does not exist yet (its URL
# name does not resolve) shows as "coming soon", never as a link to a 404.
TILES = {
    PolicyType.GROUP: [
        ("claims:list", _("eClaim"), "claim", False),
        ("cards:list", _("eCard"), "card", False),
        ("policies:benefits", _("Benefits"), "benefit", False),
        ("policies:members", _("Member information"), "member", False),
        ("providers:search", _("Partner hospitals"), "hospital", False),
        ("telemedicine:home", _("Telemedicine"), "doctor", False),
    ],
    # An Individual life policy has no health benefits, eClaim or hospital network here.
    PolicyType.INDIVIDUAL: [
        ("policies:individual", _("Policy details"), "policy", True),
        ("policies:members", _("Member information"), "member", False),
    ],
    PolicyType.DPLK: [
        ("policies:dplk", _("DPLK balance and contributions"), "pension", True),
        ("policies:members", _("Member information"), "member", False),
    ],
}


def menu_tiles(link):
    tiles = []
    for url_name, label, icon, with_member in TILES[link.member.policy.policy_type]:
        try:
            url = reverse(url_name, args=[link.member_id] if with_member else [])
        except NoReverseMatch:
            url = ""
        tiles.append({"url": url, "label": label, "icon": icon, "name": url_name.replace(":", "-")})
    return tiles


def main_menu(request):
    """ "Menu Utama": served at / for a signed-in person (satuklik.core.views.home)."""
    links = selectors.links_for_menu(user=request.user)
    selected = selectors.pick_selected(links, user=request.user)
    options = [
        {"id": link.pk, "label": selectors.membership_label(link.member), "selected": link is selected}
        for link in links
        if link.status == link.Status.ACTIVE
    ]
    pending = [
        {"label": selectors.membership_label(link.member), "requested": link.created_at}
        for link in links
        if link.status == link.Status.PENDING
    ]
    policy_type = selected.member.policy.policy_type if selected else ""
    # The bottom bar of every page follows the selected policy's type (satuklik.core.context_processors):
    # kept in the session, so the other pages need no query for it.
    if request.session.get(MENU_POLICY_TYPE) != policy_type:
        request.session[MENU_POLICY_TYPE] = policy_type
    context = {
        "selected": selected,
        "selected_label": selectors.membership_label(selected.member) if selected else "",
        "options": options,
        "pending": pending,
        "actions": selectors.home_actions(user=request.user, selected=selected),
        "tiles": menu_tiles(selected) if selected else [],
    }
    response = render(request, "policies/main_menu.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def policy_select(request):
    try:
        linking.link_select(user=request.user, link_id=request.POST.get("link"))
    except linking.LinkError as error:
        messages.error(request, error.message)
    home = reverse("core:home")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = home
        return response
    return redirect(home)


def _selected_or_home(request):
    link = selectors.selected_link_for_user(user=request.user)
    if link is None:
        messages.info(request, _("Link a policy first to see this page."))
    return link


@never_cache
@login_required
@require_GET
def members(request):
    """ "Informasi Peserta": the selected membership and, under a principal, the dependents."""
    link = _selected_or_home(request)
    if link is None:
        return redirect("core:home")
    family = selectors.covered_members(member=link.member)
    return render(
        request,
        "policies/members.html",
        {"link": link, "member": family[0], "dependents": family[1:], "label": selectors.membership_label(link.member)},
    )


@never_cache
@login_required
@require_GET
def member_detail(request, member_id):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    return render(request, "policies/member_detail.html", {"member": member})


@never_cache
@login_required
@require_GET
def benefits(request):
    """ "Informasi Manfaat", step 1: pick the participant."""
    link = _selected_or_home(request)
    if link is None:
        return redirect("core:home")
    family = selectors.covered_members(member=link.member)
    return render(
        request, "policies/benefits.html", {"members": family, "label": selectors.membership_label(link.member)}
    )


@never_cache
@login_required
@require_GET
def benefit_types(request, member_id):
    """Step 2: the participant's benefit types."""
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    today = timezone.localdate()
    usages = benefit_usage_for_member(member=member, on_date=today)
    summaries = benefit_type_summaries(usages)
    return render(
        request,
        "policies/benefit_types.html",
        {
            "member": member,
            "summaries": summaries,
            "year_start": usages[0].policy_year_start if usages else None,
            "year_end": usages[0].policy_year_end if usages else None,
        },
    )


@never_cache
@login_required
@require_GET
def benefit_detail(request, member_id, benefit_type):
    """Step 3: each item of one benefit type with its limit, used and remaining."""
    if benefit_type not in BenefitType.values:
        raise Http404
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    today = timezone.localdate()
    usages = benefit_usage_for_member(member=member, on_date=today, benefit_type=benefit_type)
    if not usages:
        raise Http404
    (summary,) = benefit_type_summaries(usages)
    return render(
        request,
        "policies/benefit_detail.html",
        {
            "member": member,
            "benefit_type": BenefitType(benefit_type).label,
            "summary": summary,
            "usages": summary.items,
            "year_start": usages[0].policy_year_start,
            "year_end": usages[0].policy_year_end,
            "today": today,
        },
    )


@never_cache
@login_required
@require_GET
def individual(request, member_id):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.INDIVIDUAL)
    details = selectors.individual_policy_for_member(member=member)
    standing = selectors.individual_payment_status(
        next_due_date=details.next_due_date, today=timezone.localdate(), policy_status=details.policy.status
    )
    return render(
        request,
        "policies/individual.html",
        {
            "member": member,
            "details": details,
            "policy": details.policy,
            "standing": standing,
            "grace_period_days": selectors.GRACE_PERIOD_DAYS,
            "insured": selectors.policy_insured(policy=details.policy),
            "beneficiaries": list(details.policy.beneficiaries.all()),
        },
    )


class ProjectionForm(forms.Form):
    annual_return = forms.DecimalField(
        label=_("Assumed yearly return (%)"),
        min_value=Decimal(0),
        max_value=Decimal(str(selectors.MAX_ASSUMED_RETURN)),
        decimal_places=1,
        max_digits=4,
        initial=Decimal(str(selectors.DEFAULT_ASSUMED_RETURN)),
    )


def _projection_context(account, data):
    today = timezone.localdate()
    form = ProjectionForm(data if data else None)
    rate = Decimal(str(selectors.DEFAULT_ASSUMED_RETURN))
    if data and form.is_valid():
        rate = form.cleaned_data["annual_return"]
    retirement = selectors.retirement_for(
        date_of_birth=account.member.date_of_birth, retirement_age=account.normal_retirement_age, today=today
    )
    balance = sum(fund.balance for fund in account.fund_balances.all())
    yearly = selectors.dplk_annual_contribution(account=account, today=today)
    projected = selectors.project_balance(
        balance=balance, annual_contribution=yearly, annual_return_percent=float(rate), months=retirement.months_to_go
    )
    return {
        "form": form,
        "rate": rate,
        "yearly_contribution": yearly,
        "projected": projected,
        "retirement": retirement,
        "account": account,
    }


@never_cache
@login_required
@require_GET
def dplk(request, member_id):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.DPLK)
    account = selectors.dplk_account_for_member(member=member)
    funds = list(account.fund_balances.all())
    recent = list(selectors.dplk_contributions(account=account)[:5])
    return render(
        request,
        "policies/dplk.html",
        {
            "member": member,
            "account": account,
            "funds": funds,
            "total": sum(fund.balance for fund in funds),
            "recent": recent,
            "projection": _projection_context(account, request.GET),
        },
    )


@never_cache
@login_required
@require_GET
def dplk_projection(request, member_id):
    """The projection block alone, for the htmx form (a full page without htmx)."""
    if not request.htmx:
        return dplk(request, member_id)
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.DPLK)
    account = selectors.dplk_account_for_member(member=member)
    return render(request, "policies/_dplk_projection.html", {"projection": _projection_context(account, request.GET)})


def _year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2999 else None


@never_cache
@login_required
@require_GET
def dplk_contributions(request, member_id):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id, policy_type=PolicyType.DPLK)
    account = selectors.dplk_account_for_member(member=member)
    year = _year(request.GET.get("year"))
    contributions = selectors.dplk_contributions(account=account, year=year)
    page = Paginator(contributions, CONTRIBUTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/dplk_contributions.html",
        {
            "member": member,
            "account": account,
            "page": page,
            "year": year,
            "years": selectors.dplk_contribution_years(account=account),
            "totals": selectors.dplk_contribution_totals(contributions=contributions),
        },
    )


# --- Add / link a policy ("Tambah Polis/Kepesertaan Baru") --------------------------------

LINK_TYPES = {
    "individual": PolicyType.INDIVIDUAL,
    "group": PolicyType.GROUP,
    "dplk": PolicyType.DPLK,
}
LINK_FLOW_SESSION_KEY = "policy_link_flow"
LINK_DONE_SESSION_KEY = "policy_link_done"
# The same forms (and so the same fields) as registration.
LINK_FORMS = {
    PolicyType.GROUP: account_forms.RegisterGroupForm,
    PolicyType.INDIVIDUAL: account_forms.RegisterIndividualForm,
    PolicyType.DPLK: account_forms.RegisterDplkForm,
}


def _link_flow(request):
    """The flow this browser is in (its id and key), or None."""
    stored = request.session.get(LINK_FLOW_SESSION_KEY) or None
    return stored if isinstance(stored, dict) and "flow_id" in stored else None


@never_cache
@login_required
@require_GET
def link_start(request):
    """Step 1: choose the type of policy or membership."""
    slug = request.GET.get("type", "")
    if slug in LINK_TYPES:
        return redirect("policies:link-details", slug)
    types = [
        {"slug": "individual", "label": _("Individual"), "help": _("An individual life policy in your name.")},
        {"slug": "group", "label": _("Group"), "help": _("Health cover from your employer (the number on your card).")},
        {"slug": "dplk", "label": _("DPLK"), "help": _("Your DPLK pension fund membership.")},
    ]
    return render(request, "policies/link_start.html", {"types": types, "error": bool(slug)})


@never_cache
@login_required
def link_details(request, slug):
    """Step 2: the numbers and date of birth, matched against the insurer's data
    (registration's rule and limits: accounts.linking.policy_link_start)."""
    policy_type = LINK_TYPES.get(slug)
    if policy_type is None:
        raise Http404
    error = None
    form = LINK_FORMS[policy_type](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flow, flow_key = linking.policy_link_start(
                user=request.user, policy_type=policy_type, request=request, **form.cleaned_data
            )
        except (AccountsError, linking.LinkError, otp.OtpError) as refusal:
            error = refusal.message
        else:
            request.session[LINK_FLOW_SESSION_KEY] = {"flow_id": flow.pk, "flow_key": flow_key}
            if flow.challenge_id:
                otp.remember_challenge(request, flow.challenge, flow_key)
            return redirect("policies:link-verify")
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return render(
        request,
        "policies/link_details.html",
        {
            "form": form,
            "slug": slug,
            "policy_type": policy_type,
            "type_label": selectors.POLICY_TYPE_SHORT[policy_type],
            "error": error,
        },
    )


@never_cache
@login_required
def link_verify(request):
    """Step 3: choose e-mail or SMS (Individual, DPLK), then enter the code ("Verifikasi")."""
    stored = _link_flow(request)
    if stored is None:
        return redirect("policies:link")
    try:
        flow = linking.policy_link_flow_get(
            user=request.user, flow_id=stored["flow_id"], flow_key=stored["flow_key"], steps={"channel", "otp"}
        )
    except (AccountsError, linking.LinkError):
        request.session.pop(LINK_FLOW_SESSION_KEY, None)
        return redirect("policies:link")
    flow_key = stored["flow_key"]
    member = flow.member
    label = selectors.membership_label(member)
    verify_url = reverse("policies:link-verify")
    error = None

    if flow.step == "channel":
        # "Metode Verifikasi": the contacts on file the rule allows, masked.
        destinations = {OtpChannel.EMAIL: member.email, OtpChannel.SMS: member.mobile}
        allowed = linking.policy_link_channels(flow=flow)
        channels = [
            {
                "value": channel,
                "label": OtpChannel(channel).label,
                "to": otp.mask_destination(channel, destinations[channel]),
            }
            for channel in allowed
        ]
        if request.method == "POST":
            chosen = request.POST.get("channel")
            if chosen not in allowed:
                error = _("Choose how to receive the code.")
            else:
                try:
                    flow = linking.policy_link_send_code(
                        user=request.user, flow_id=flow.pk, flow_key=flow_key, channel=chosen, request=request
                    )
                except (AccountsError, otp.OtpError) as refusal:
                    error = refusal.message
                else:
                    otp.remember_challenge(request, flow.challenge, flow_key)
                    return redirect(verify_url)
        return render(request, "policies/link_channel.html", {"channels": channels, "error": error, "label": label})

    try:
        challenge = otp.otp_get_for_flow(
            challenge_id=flow.challenge.public_id if flow.challenge else "",
            flow_key=flow_key,
            purpose=OtpPurpose.LINK_POLICY,
        )
    except otp.OtpError:
        request.session.pop(LINK_FLOW_SESSION_KEY, None)
        return redirect("policies:link")
    if request.method == "POST":
        if "code" not in request.POST:  # e.g. a repeated channel choice: the code is on its way
            return redirect(verify_url)
        try:
            link = linking.policy_link_verify(
                user=request.user, flow_id=flow.pk, flow_key=flow_key, code=request.POST["code"], request=request
            )
        except otp.OtpError as refusal:
            error = refusal
        except (AccountsError, linking.LinkError) as refusal:
            request.session.pop(LINK_FLOW_SESSION_KEY, None)
            messages.error(request, refusal.message)
            return redirect("policies:link")
        else:
            request.session.pop(LINK_FLOW_SESSION_KEY, None)
            request.session[LINK_DONE_SESSION_KEY] = {"status": link.status, "label": label}
            return redirect("policies:link-done")
    screen = otp.otp_screen_context(
        challenge=challenge, verify_url=verify_url, next_url=verify_url, error=error, request=request
    )
    return render(request, "policies/link_verify.html", {"otp": screen, "label": label})


@never_cache
@login_required
@require_GET
def link_done(request):
    """Step 4: linked at once (Group, DPLK) or waiting for customer service (Individual)."""
    done = request.session.pop(LINK_DONE_SESSION_KEY, None)
    if done is None:
        return redirect("core:home")
    return render(request, "policies/link_done.html", {"pending": done["status"] == "PENDING", "label": done["label"]})
