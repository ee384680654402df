"""The decision letter: a PDF in the member's language for every decision on a claim.

It is made on request from the claim as decided (the latest decision: after an appeal,
the decision on the appeal), so it always matches what the claim pages show. The member's
claim page and the back office link to it; nothing is stored.
"""

import io
from html import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from satuklik.claims import working_days
from satuklik.claims.adjudication import describe_reduction
from satuklik.claims.models import Claim
from satuklik.claims.review import APPEAL_WINDOW_DAYS
from satuklik.core.money import format_rupiah

S = Claim.Status


class LetterNotAvailable(Exception):
    """The claim has no decision yet."""


def _color(value, default):
    try:
        return colors.HexColor(value)
    except (ValueError, TypeError):
        return default


def item_reasons(item, language: str) -> list[str]:
    """Why an item was not paid in full, in words, in `language`."""
    with translation.override(language):
        if item.amount_approved is not None and item.amount_approved >= item.amount_claimed:
            return []
        reasons = []
        if item.officer_adjusted or not item.reductions:
            if item.reason_code_id:
                reasons.append(item.reason_code.text_in(language))
            if item.reason_note:
                reasons.append(item.reason_note)
        else:
            reasons.extend(describe_reduction(reduction) for reduction in item.reductions)
        return reasons


def _date(value):
    return formats.date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, "j F Y")


def decision_letter_pdf(*, claim: Claim, language: str) -> bytes:
    """The letter of the claim's latest decision as PDF bytes, in `language` ("id" or "en")."""
    if claim.decided_at is None:
        raise LetterNotAvailable(claim.number)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    claim = (
        Claim.objects.select_related("member__policy", "rejection_reason_code", "decided_by")
        .prefetch_related("items__benefit_item", "items__reason_code")
        .get(pk=claim.pk)
    )
    with translation.override(language):
        return _render(claim, language)


def _render(claim: Claim, language: str) -> bytes:
    brand = settings.BRAND
    primary = _color(brand.get("PRIMARY_COLOR"), colors.darkred)
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    cell_right = ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=styles["Heading1"], fontSize=15, leading=19, textColor=primary)
    head = ParagraphStyle("head", parent=body, fontSize=13, leading=16, textColor=colors.white)

    def p(text, style=body):
        return Paragraph(escape(str(text), quote=False).replace("\n", "<br/>"), style)

    member = claim.member
    story = []
    banner = Table(
        [[p(brand["INSURER_NAME"], head), p(brand["APP_NAME"], ParagraphStyle("r", parent=head, alignment=TA_RIGHT))]],
        colWidths=[120 * mm, 50 * mm],
    )
    banner.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), primary),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [banner, Spacer(1, 4 * mm)]
    heading = _("Claim decision letter")
    if claim.appeal_count and claim.status != S.APPEALED:
        heading = _("Decision on your appeal")
    story += [p(heading, title), Spacer(1, 2 * mm)]

    decided = {
        S.APPROVED: _("approved"),
        S.PARTLY_APPROVED: _("partly approved"),
        S.REJECTED: _("rejected"),
    }
    if claim.status in decided:
        outcome = decided[claim.status]
    elif claim.amount_approved and claim.amount_approved < claim.amount_claimed:
        outcome = decided[S.PARTLY_APPROVED]
    elif claim.amount_approved:
        outcome = decided[S.APPROVED]
    else:
        outcome = decided[S.REJECTED]
    facts = [
        (_("Claim number"), claim.number),
        (_("Decision date"), _date(claim.decided_at)),
        (_("Participant"), f"{member.full_name} ({member.participant_number})"),
        (_("Policy number"), member.policy.number),
        (_("Benefit type"), claim.get_benefit_type_display()),
        (_("Treatment date"), _date(claim.treatment_date)),
        (_("Hospital or clinic"), claim.provider_name or "-"),
        (_("Decision"), outcome),
    ]
    table = Table([[p(k, cell), p(v, cell)] for k, v in facts], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    story += [table, Spacer(1, 4 * mm)]

    rows = [[p(_("Item"), cell), p(_("Claimed"), cell_right), p(_("Approved"), cell_right), p(_("Reason"), cell)]]
    for item in claim.items.all():
        benefit = item.benefit_item
        name = benefit.name_en if language == "en" and benefit.name_en else benefit.name
        if item.quantity > 1:
            name = f"{name} (x{item.quantity})"
        reasons = item_reasons(item, language)
        rows.append(
            [
                p(name, cell),
                p(format_rupiah(item.amount_claimed), cell_right),
                p(format_rupiah(item.amount_approved or 0), cell_right),
                p("\n".join(reasons) or "-", cell),
            ]
        )
    approved = claim.amount_approved or 0
    rows.append(
        [
            p(_("Total"), cell),
            p(format_rupiah(claim.amount_claimed), cell_right),
            p(format_rupiah(approved), cell_right),
            p(
                _("Borne by the participant: %(amount)s") % {"amount": format_rupiah(claim.amount_claimed - approved)},
                cell,
            ),
        ]
    )
    items_table = Table(rows, colWidths=[45 * mm, 27 * mm, 27 * mm, 71 * mm], repeatRows=1)
    items_table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [items_table, Spacer(1, 4 * mm)]

    if claim.rejection_reason_code_id:
        story.append(
            p(_("Reason for the rejection: %(reason)s") % {"reason": claim.rejection_reason_code.text_in(language)})
        )
    if claim.decision_note:
        story.append(p(_("Note from the claims officer: %(note)s") % {"note": claim.decision_note}))
    if approved:
        if claim.amount_paid:
            story.append(
                p(
                    _("%(amount)s was paid on %(date)s to the account ending %(account)s (reference %(reference)s).")
                    % {
                        "amount": format_rupiah(claim.amount_paid),
                        "date": _date(claim.paid_at),
                        "account": claim.bank_account_number[-4:],
                        "reference": claim.payment_reference,
                    }
                )
            )
        else:
            story.append(
                p(
                    _("%(amount)s will be transferred to the account ending %(account)s.")
                    % {"amount": format_rupiah(approved), "account": claim.bank_account_number[-4:]}
                )
            )
    story.append(Spacer(1, 3 * mm))
    if claim.appeal_count:
        story.append(p(_("This is the decision on your appeal; it is final.")))
    elif approved < claim.amount_claimed:
        story.append(
            p(
                _(
                    "If you disagree, you may appeal this decision once, within %(days)s days of the decision date, "
                    "from the claim's page in the app, saying why. Another claims officer reviews the appeal and "
                    "decides within %(working_days)s working days."
                )
                % {"days": APPEAL_WINDOW_DAYS, "working_days": working_days.APPEAL_WORKING_DAYS}
            )
        )
    story += [
        Spacer(1, 6 * mm),
        p(
            _("Questions: call %(phone)s or write to %(email)s (%(hours)s).")
            % {"phone": brand["CALL_CENTER"], "email": brand["CARE_EMAIL"], "hours": brand["OFFICE_HOURS"]},
            small,
        ),
        p(f"{brand['INSURER_NAME']} - {brand['REGULATOR_NOTE']}", small),
    ]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{heading} {claim.number}",
        author=brand["INSURER_NAME"],
        lang=language,
    )
    document.build(story)
    return buffer.getvalue()
