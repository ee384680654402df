"""Demo claims: a history for the personas and work for the claims officer, built by seed_demo.

Every row comes from the product's own services, as a member and an officer would make
it: the member starts a draft, fills in the care details, confirms the bank account with
the code the outbox holds, uploads documents (small generated PDFs and pictures that the
upload checks accept) and submits; the officer ("klaim") starts the review, requests
documents, decides and marks paid; the member activates a card. The e-mails and in-app
notifications are the ones those services send.

- RIZKY PRATAMA (RIZKYP1708) and his family hold a claim in every status: paid (a hospital
  stay in full, and an outpatient visit less its co-payment), approved and awaiting the
  transfer, partly approved, rejected, documents requested, in review, submitted, and a
  draft; his own card is activated (his wife's and son's are left for "Activate all cards").
- OTHER_CLAIMANTS invented members (each with an account of their own, no usable password)
  send claims that fill the officer's queue: most waiting for a review, some in review,
  some approved and waiting for payment.

Treatment dates follow the day of seeding, inside the 60-day window and the current policy
year, so the used amounts show on the benefits page. Every event is stamped with the time of
seeding (the services stamp "now"): the timeline's order is right, its dates are today's.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from satuklik.accounts import otp
from satuklik.accounts.models import LoginName
from satuklik.cards.services import card_activate
from satuklik.claims import review
from satuklik.claims import services as claims
from satuklik.claims.models import Claim, DocumentRequirement
from satuklik.demo.accounts import member_account, staff_setup
from satuklik.demo.policies import PERSONAS_BY_KEY
from satuklik.notifications.models import InboxItem
from satuklik.notifications.services import inbox_item_open
from satuklik.policies.benefits import policy_year_bounds
from satuklik.policies.models import BenefitItem, BenefitType, Member, PolicyType
from satuklik.providers.models import Provider

OFFICER = "klaim"
OTHER_CLAIMANTS = 14
UNREAD_NOTIFICATIONS = 4  # the persona's newest ones stay unread: the bell shows a count
T = BenefitType


@dataclass(frozen=True)
class DemoClaim:
    """One claim and how far it goes. `items`: (benefit item code, amount, quantity)."""

    participant: str  # participant number
    benefit_type: str
    days_ago: int  # the treatment day (inpatient: the admission), before the seeding day
    provider: str
    diagnosis: str
    items: list
    outcome: str  # draft, submitted, in_review, documents_requested, approved, partly_approved, rejected, paid
    stay: int = 1  # inpatient days
    note: str = ""  # the officer's document request or decision note
    reason_code: str = ""  # a rejection's reason
    documents: bool = True
    bank: tuple = ("014", "")  # bank code, account number ("" = made from the participant number)


# RIZKY PRATAMA (87650011), his wife ANISA RAHMAWATI (87650012), his son KEVIN (87650013): plan
# ABCDE-IP1000 (room Rp 1.000.000 a day, consultations with a 20 % co-payment).
RIZKY_CLAIMS = [
    DemoClaim(
        "87650011",
        T.INPATIENT,
        48,
        "RS Hermina Jatinegara",
        "Demam berdarah dengue (DBD)",
        [("IP-RB", 2_850_000, 3), ("IP-VISIT", 1_050_000, 3), ("IP-MED", 4_750_000, 1)],
        "paid",
        stay=3,
    ),
    DemoClaim(
        "87650013",
        T.OUTPATIENT,
        35,
        "RS Hermina Jatinegara",
        "Otitis media akut",
        [("OP-SP", 450_000, 1), ("OP-MED", 320_000, 1)],
        "paid",
    ),
    DemoClaim(
        "87650012",
        T.INPATIENT,
        28,
        "RS Pondok Indah",
        "Gastroenteritis akut",
        [("IP-RB", 2_800_000, 2), ("IP-VISIT", 700_000, 2), ("IP-MED", 3_200_000, 1)],
        "partly_approved",
        stay=2,
        note="Kamar yang dipilih di atas batas Rp 1.000.000 per hari; selisihnya ditanggung peserta.",
    ),
    DemoClaim(
        "87650011",
        T.OUTPATIENT,
        25,
        "RS Hermina Jatinegara",
        "Pemeriksaan kesehatan rutin",
        [("OP-MED", 650_000, 1)],
        "rejected",
        note="Vitamin dan suplemen tanpa indikasi medis tidak ditanggung polis.",
        reason_code="NOT_COVERED",
    ),
    DemoClaim(
        "87650012",
        T.DENTAL,
        20,
        "RS Pondok Indah",
        "Karang gigi",
        [("DT-SCALE", 450_000, 1)],
        "approved",
    ),
    DemoClaim(
        "87650013",
        T.OPTICAL,
        14,
        "RS Hermina Jatinegara",
        "Miopia",
        [("OPT-FRAME", 850_000, 1), ("OPT-LENS", 900_000, 1)],
        "documents_requested",
        note="Mohon unggah hasil pemeriksaan mata yang ditandatangani dokter mata: foto yang terkirim tidak terbaca.",
    ),
    DemoClaim(
        "87650011",
        T.OUTPATIENT,
        9,
        "RS Premier Bintaro",
        "Gastritis kronis",
        [("OP-SP", 550_000, 1), ("OP-LAB", 1_250_000, 1), ("OP-MED", 400_000, 1)],
        "in_review",
    ),
    DemoClaim(
        "87650012",
        T.OUTPATIENT,
        3,
        "RS Hermina Jatinegara",
        "Infeksi saluran pernapasan atas (ISPA)",
        [("OP-GP", 250_000, 1), ("OP-MED", 180_000, 1)],
        "submitted",
    ),
    DemoClaim(
        "87650011",
        T.DENTAL,
        1,
        "RS Pondok Indah",
        "Gigi berlubang",
        [("DT-FILL", 500_000, 1)],
        "draft",
        documents=False,
    ),
]

# The other claimants' claims, in turn: the officer's queue (mostly to review, some in review,
# some to pay). Amounts are shares of the plan's limits, so every plan accepts them.
OTHER_PATTERNS = [
    # benefit type, diagnosis, items as (code, share of the item's limit, quantity), outcome
    (T.OUTPATIENT, "Demam dan batuk", [("OP-GP", 0.8, 1), ("OP-MED", 0.5, 1)], "submitted"),
    (T.INPATIENT, "Tifus (demam tifoid)", [("IP-RB", 0.9, 4), ("IP-VISIT", 0.9, 4), ("IP-MED", 0.2, 1)], "submitted"),
    (T.DENTAL, "Gigi berlubang", [("DT-FILL", 0.7, 1)], "submitted"),
    (T.OUTPATIENT, "Hipertensi", [("OP-SP", 0.9, 1), ("OP-LAB", 0.2, 1), ("OP-MED", 0.6, 1)], "in_review"),
    (T.OPTICAL, "Astigmatisme", [("OPT-FRAME", 0.8, 1), ("OPT-LENS", 0.9, 1)], "submitted"),
    (T.OUTPATIENT, "Dermatitis", [("OP-SP", 0.7, 1), ("OP-MED", 0.4, 1)], "approved"),
    (
        T.INPATIENT,
        "Usus buntu (apendisitis)",
        [("IP-RB", 1.0, 3), ("IP-SURG", 0.4, 1), ("IP-MED", 0.1, 1)],
        "submitted",
    ),
    (T.OUTPATIENT, "Sakit kepala berulang", [("OP-GP", 1.0, 1), ("OP-MED", 0.3, 1)], "submitted"),
]


# --- documents ------------------------------------------------------------------------------

_FILES: dict[str, tuple[str, bytes, str]] = {}


def _pdf(title: str) -> bytes:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A5, pageCompression=1)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(40, 540, title)
    page.setFont("Helvetica", 10)
    page.drawString(40, 515, "Contoh dokumen data demo Satuklik - bukan dokumen asli.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (240, 320), (250, 248, 240))
    pen = ImageDraw.Draw(picture)
    for line in range(40, 300, 22):
        pen.line((20, line, 220, line), fill=(120, 120, 140), width=2)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _demo_file(requirement: DocumentRequirement) -> SimpleUploadedFile:
    """A small document for one checklist line: a photo of a prescription, else a PDF."""
    if requirement.code not in _FILES:
        stem = requirement.code.lower().replace("_", "-")
        if requirement.code == "PRESCRIPTION":
            _FILES[requirement.code] = (f"{stem}.jpg", _photo(), "image/jpeg")
        else:
            _FILES[requirement.code] = (f"{stem}.pdf", _pdf(requirement.name), "application/pdf")
    name, content, content_type = _FILES[requirement.code]
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- the member's and the officer's steps ---------------------------------------------------


@dataclass
class _Seeder:
    today: datetime.date
    officer: object
    providers: dict = field(default_factory=dict)
    confirmed: set = field(default_factory=set)  # user ids whose bank account is confirmed

    def day(self, member: Member, days_ago: int) -> datetime.date:
        """`days_ago` before today, but never before the member's policy year or cover began."""
        year_start, _end = policy_year_bounds(anchor=member.policy.start_date, on_date=self.today)
        return max(self.today - datetime.timedelta(days=days_ago), year_start, member.start_date)

    def provider(self, name: str):
        if name not in self.providers:
            self.providers[name] = Provider.objects.filter(name=name).order_by("pk").first()
        return self.providers[name]

    def bank_account(self, *, user, member, spec: DemoClaim) -> dict:
        bank_code, number = spec.bank
        principal = member.principal or member
        account = {
            "bank_code": bank_code,
            "account_number": number or f"52{principal.participant_number}",
            "holder": claims.payee_name(member),
        }
        if user.pk not in self.confirmed:
            # The first account of a member is confirmed by code, read where the member reads it.
            flow_key = otp.new_flow_key()
            challenge = claims.bank_code_send(user=user, flow_key=flow_key, **account)
            code = re.search(rf"\b\d{{{otp.OTP_DIGITS}}}\b", challenge.message.body).group()
            claims.bank_code_verify(
                user=user, challenge_id=challenge.public_id, flow_key=flow_key, code=code, **account
            )
            self.confirmed.add(user.pk)
        return account

    def claim(self, *, user, spec: DemoClaim) -> Claim:
        member = Member.objects.select_related("policy", "principal").get(
            participant_number=spec.participant, policy__policy_type=PolicyType.GROUP
        )
        first = self.day(member, spec.days_ago)
        dates = {"treatment_date": first}
        if spec.benefit_type == T.INPATIENT:
            last = min(self.today, first + datetime.timedelta(days=spec.stay - 1))
            dates = {"treatment_date": None, "admission_date": first, "discharge_date": last}
        stay = (dates.get("discharge_date", first) - first).days + 1
        items_by_code = dict(
            BenefitItem.objects.filter(plan_id=member.plan_id, benefit_type=spec.benefit_type).values_list("code", "pk")
        )
        claim = claims.claim_draft_create(user=user, member=member, benefit_type=spec.benefit_type)
        claims.claim_details_update(
            claim=claim,
            user=user,
            provider=self.provider(spec.provider),
            provider_name=spec.provider,
            diagnosis=spec.diagnosis,
            items=[
                {"benefit_item": items_by_code[code], "amount": amount, "quantity": min(quantity, stay)}
                for code, amount, quantity in spec.items
            ],
            **dates,
        )
        claims.claim_bank_set(claim=claim, user=user, **self.bank_account(user=user, member=member, spec=spec))
        if spec.documents:
            for requirement in DocumentRequirement.objects.filter(
                benefit_type=spec.benefit_type, active=True, required=True
            ).order_by("sort_order", "pk"):
                claims.claim_documents_add(
                    claim=claim, user=user, uploads=[_demo_file(requirement)], requirement=requirement
                )
        if spec.outcome == "draft":
            return claim
        claims.claim_submit(claim=claim, user=user)
        if spec.outcome == "submitted":
            return claim
        review.claim_start_review(claim=claim, officer=self.officer)
        if spec.outcome == "documents_requested":
            review.claim_request_documents(claim=claim, officer=self.officer, message=spec.note)
        elif spec.outcome == "rejected":
            review.claim_decide(
                claim=claim, officer=self.officer, decision="reject", reason_code=spec.reason_code, note=spec.note
            )
        elif spec.outcome in ("approved", "partly_approved", "paid"):
            review.claim_decide(claim=claim, officer=self.officer, decision="approve", note=spec.note)
            if spec.outcome == "paid":
                review.claim_mark_paid(claim=claim, officer=self.officer, reference=f"TRF{claim.number[-10:]}")
        return claim


def _other_claims(*, seeder: _Seeder, count: int) -> int:
    """Claims of `count` invented principals, in the patterns' turn; returns how many."""
    reserved = {persona["participant_number"] for persona in PERSONAS_BY_KEY.values()}
    claimants = (
        Member.objects.filter(
            policy__policy_type=PolicyType.GROUP,
            relation=Member.Relation.PRINCIPAL,
            status=Member.Status.ACTIVE,
            end_date__isnull=True,
            plan__isnull=False,
            start_date__lte=seeder.today - datetime.timedelta(days=400),  # past maternity's waiting too
        )
        .exclude(participant_number__in=reserved)
        .exclude(email="")
        .select_related("policy", "plan")
        .order_by("participant_number")[:count]
    )
    limits = {}
    now = timezone.now()
    made = 0
    for index, member in enumerate(claimants):
        if member.plan_id not in limits:
            limits[member.plan_id] = dict(
                BenefitItem.objects.filter(plan_id=member.plan_id).values_list("code", "limit_amount")
            )
        benefit_type, diagnosis, shares, outcome = OTHER_PATTERNS[index % len(OTHER_PATTERNS)]
        items = [
            (code, max(50_000, int(limits[member.plan_id][code] * share * quantity) // 1000 * 1000), quantity)
            for code, share, quantity in shares
        ]
        spec = DemoClaim(
            member.participant_number,
            benefit_type,
            days_ago=4 + (index * 5) % 40,
            provider="RS Siloam Kebon Jeruk",
            diagnosis=diagnosis,
            items=items,
            outcome=outcome,
            stay=max(quantity for _code, _share, quantity in shares),
            bank=("008", ""),
        )
        seeder.claim(user=member_account(member, now), spec=spec)
        made += 1
    return made


def _notifications_read(*, user, unread: int) -> None:
    items = InboxItem.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
    for item_id in items[unread:]:
        inbox_item_open(user=user, item_id=item_id)


def demo_claims_present() -> bool:
    """True when the persona's claims are already there (seed_demo's quick exit)."""
    return Claim.objects.filter(submitted_by__username__iexact=PERSONAS_BY_KEY["rizky"]["username"]).exists()


def build_demo_claims(*, today: datetime.date | None = None, claimants: int = OTHER_CLAIMANTS) -> dict:
    """The persona's claim history, card and notifications, and the officer's queue; {} when already there."""
    rizky = PERSONAS_BY_KEY["rizky"]
    login = LoginName.objects.select_related("user").filter(name=rizky["username"].upper()).first()
    if login is None or demo_claims_present():
        return {}
    staff_setup()
    from django.contrib.auth import get_user_model

    seeder = _Seeder(today=today or timezone.localdate(), officer=get_user_model().objects.get(username=OFFICER))
    user = login.user
    for spec in RIZKY_CLAIMS:
        seeder.claim(user=user, spec=spec)
    own = Member.objects.get(participant_number=rizky["participant_number"], policy__number=rizky["policy_number"])
    card_activate(member=own, by=user)
    # The status notices are written once the transaction commits; then mark read what the
    # member has seen already: all but the newest few.
    transaction.on_commit(lambda: _notifications_read(user=user, unread=UNREAD_NOTIFICATIONS))
    others = _other_claims(seeder=seeder, count=claimants)
    return {"persona_claims": len(RIZKY_CLAIMS), "other_claims": others, "cards_activated": 1}
