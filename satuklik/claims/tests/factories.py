"""Factories for claims; the officer-side tests use them too.

claim = ClaimFactory()                               # a SUBMITTED outpatient claim of a principal, one item
claim = ClaimFactory(status=Claim.Status.DRAFT)      # still a draft (no number shown to officers)
claim = ClaimFactory(member=child, benefit_type="INPATIENT", items=[(item, 1_500_000, 3)])
claim = ClaimFactory(items=[])                       # no items
doc = ClaimDocumentFactory(claim=claim)              # a tiny PDF stored through the storage API
user = member_user()                                 # an account linked to a principal whose plan has a schedule
ReasonCode rows are seeded by migration 0003: ReasonCode.objects.get(code="COPAY").

Every claim made here has its ClaimStatusChange rows for DRAFT -> ... -> its status, so
its timeline looks like one the services would have written. amount_claimed is the sum of
the items.
"""

import datetime
import hashlib
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from satuklik.accounts.tests.factories import UserFactory
from satuklik.claims.models import (
    BankAccountUsed,
    Claim,
    ClaimDocument,
    ClaimItem,
    ClaimStatusChange,
    DocumentRequest,
    DocumentRequirement,
    PublicHoliday,
)
from satuklik.policies.models import BenefitItem
from satuklik.policies.tests.factories import SCHEDULE_DEFAULTS, BenefitItemFactory, MemberFactory

S = Claim.Status

# Wednesday 19 March 2025: the factories' policies run through 2025 (the frozen_today fixture).
TODAY = datetime.datetime(2025, 3, 19, 10, 0, tzinfo=datetime.UTC)

# The path every status took to get here (for the timeline rows the factory writes).
STATUS_PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.IN_REVIEW: [S.SUBMITTED, S.IN_REVIEW],
    S.DOCUMENTS_REQUESTED: [S.SUBMITTED, S.IN_REVIEW, S.DOCUMENTS_REQUESTED],
    S.APPROVED: [S.SUBMITTED, S.IN_REVIEW, S.APPROVED],
    S.PARTLY_APPROVED: [S.SUBMITTED, S.IN_REVIEW, S.PARTLY_APPROVED],
    S.REJECTED: [S.SUBMITTED, S.IN_REVIEW, S.REJECTED],
    S.APPEALED: [S.SUBMITTED, S.IN_REVIEW, S.PARTLY_APPROVED, S.APPEALED],
    S.PAID: [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.PAID],
}


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# A minimal valid PDF (one empty page), written by pypdf: what the upload check reads.
TINY_PDF = _blank_pdf()


def scheduled_member(**kwargs):
    """A principal whose plan has one benefit item of each type (SCHEDULE_DEFAULTS)."""
    member = MemberFactory(**kwargs)
    if not member.plan.benefit_items.exists():
        for defaults in SCHEDULE_DEFAULTS.values():
            BenefitItemFactory(plan=member.plan, **defaults)
    return member


def member_user(**kwargs):
    """An account linked to a principal with a full schedule (the usual member of these tests)."""
    member = scheduled_member()
    return UserFactory(member=member, **kwargs)


def plan_item(member, benefit_type) -> BenefitItem:
    """The member's plan item of that type (made from SCHEDULE_DEFAULTS if the plan has none)."""
    item = BenefitItem.objects.filter(plan=member.plan, benefit_type=benefit_type).order_by("sort_order", "id").first()
    if item is None:
        item = BenefitItemFactory(plan=member.plan, **SCHEDULE_DEFAULTS[benefit_type])
    return item


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    # items=[(benefit_item, amount_claimed) or (benefit_item, amount_claimed, quantity)]
    # (taken out in _create); not given: one item of the claim's type at 300,000.

    number = factory.Sequence(lambda n: f"CLM-20250310-{n:06d}")
    member = factory.LazyFunction(scheduled_member)
    benefit_type = "OUTPATIENT"
    status = S.SUBMITTED
    treatment_date = datetime.date(2025, 3, 10)
    admission_date = factory.LazyAttribute(lambda o: o.treatment_date if o.benefit_type == "INPATIENT" else None)
    discharge_date = factory.LazyAttribute(
        lambda o: o.treatment_date + datetime.timedelta(days=3) if o.benefit_type == "INPATIENT" else None
    )
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == S.DRAFT else timezone.make_aware(datetime.datetime(2025, 3, 12, 9, 0))
    )
    complete_at = factory.SelfAttribute("submitted_at")
    submitted_by = factory.LazyAttribute(
        lambda o: (
            o.member.links.filter(status="ACTIVE").select_related("user").first().user
            if o.member.links.filter(status="ACTIVE").exists()
            else None
        )
    )
    decision_due_date = factory.LazyAttribute(lambda o: None if o.status == S.DRAFT else datetime.date(2025, 4, 1))
    provider_name = "Klinik Sehat Sentosa"
    diagnosis = "ISPA (J06.9)"
    bank_code = "014"
    bank_account_number = "1234567890"
    bank_account_holder = factory.LazyAttribute(lambda o: o.member.full_name)

    @factory.post_generation
    def with_items(claim, create, extracted, **kwargs):
        if not create:
            return
        rows = claim._factory_items if hasattr(claim, "_factory_items") else None
        if rows is None:
            rows = [(plan_item(claim.member, claim.benefit_type), 300_000)]
        total = 0
        for row in rows:
            item, amount = row[0], row[1]
            quantity = row[2] if len(row) > 2 else 1
            ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=amount, quantity=quantity)
            total += amount
        claim.amount_claimed = total
        claim.save(update_fields=["amount_claimed"])

    @factory.post_generation
    def history(claim, create, extracted, **kwargs):
        if not create:
            return
        old = S.DRAFT
        at = claim.submitted_at or timezone.now()
        for step, new in enumerate(STATUS_PATHS[claim.status]):
            ClaimStatusChange.objects.create(
                claim=claim, old_status=old, new_status=new, at=at + datetime.timedelta(hours=step)
            )
            old = new

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        items = kwargs.pop("items", None)
        obj = model_class(*args, **kwargs)
        obj.save()
        if items is not None:
            obj._factory_items = items
        return obj


class ClaimItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimItem

    claim = factory.SubFactory(ClaimFactory, items=[])
    benefit_item = factory.LazyAttribute(lambda o: plan_item(o.claim.member, o.claim.benefit_type))
    amount_claimed = 300_000
    quantity = 1


class ClaimStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimStatusChange

    claim = factory.SubFactory(ClaimFactory)
    old_status = S.SUBMITTED
    new_status = S.IN_REVIEW
    note = ""


class DocumentRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequirement
        django_get_or_create = ["benefit_type", "code"]

    benefit_type = "OUTPATIENT"
    code = factory.Sequence(lambda n: f"DOC{n}")
    name_id = "Dokumen"
    name_en = "Document"
    required = True


class DocumentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequest

    claim = factory.SubFactory(ClaimFactory, status=S.DOCUMENTS_REQUESTED)
    message = "Mohon unggah hasil laboratorium."
    requested_by = None


class ClaimDocumentFactory(factory.django.DjangoModelFactory):
    """A PDF document saved through the storage API (the test's MEDIA_ROOT)."""

    class Meta:
        model = ClaimDocument

    class Params:
        content = TINY_PDF

    claim = factory.SubFactory(ClaimFactory)
    requirement = factory.LazyAttribute(
        lambda o: (
            DocumentRequirement.objects.filter(benefit_type=o.claim.benefit_type, active=True)
            .order_by("sort_order")
            .first()
        )
    )
    original_name = "kuitansi.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.SelfAttribute("claim.submitted_by")
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="doc.pdf"))


class BankAccountUsedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccountUsed
        django_get_or_create = ["user", "bank_code", "account_number"]

    user = factory.SubFactory(UserFactory)
    bank_code = "014"
    account_number = "1234567890"
    holder_name = factory.LazyAttribute(lambda o: o.user.full_name)
    verified_at = factory.LazyFunction(timezone.now)


class PublicHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicHoliday
        django_get_or_create = ["date"]

    date = datetime.date(2030, 1, 1)
    name = "Libur"


# --- files for upload tests -------------------------------------------------------------


def jpeg_bytes(*, size=(64, 48), exif_gps=True) -> bytes:
    """A small JPEG photo, with EXIF (camera make and a GPS block) unless told otherwise."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 1  # Orientation
        exif[0x8825] = {1: "S", 2: (6.0, 12.0, 30.0)}  # GPSInfo
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 255)).save(out, format="PNG")
    return out.getvalue()


def heic_bytes(size=(64, 48)) -> bytes:
    import io

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (20, 160, 40)).save(out, format="HEIF")
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def ready_draft(user, *, member=None, benefit_type="OUTPATIENT", treatment_date=None, amount=300_000, documents=True):
    """A draft made through the services, ready to submit: details, a confirmed bank account and
    one PDF for every required document of the type. Dates default to 10 days ago."""
    from satuklik.claims import services

    member = member or user.policy_links.get().member
    claim = services.claim_draft_create(user=user, member=member, benefit_type=benefit_type)
    day = treatment_date or (timezone.localdate() - datetime.timedelta(days=10))
    item = plan_item(member, benefit_type)
    inpatient = benefit_type == "INPATIENT"
    services.claim_details_update(
        claim=claim,
        user=user,
        treatment_date=day,
        admission_date=day if inpatient else None,
        discharge_date=day + datetime.timedelta(days=2) if inpatient else None,
        provider_name="Klinik Sehat Sentosa",
        diagnosis="Demam",
        items=[{"benefit_item": item, "amount": amount, "quantity": 1}],
    )
    BankAccountUsedFactory(user=user, bank_code="014", account_number="1234567890", holder_name=member.full_name)
    services.claim_bank_set(
        claim=claim, user=user, bank_code="014", account_number="1234567890", holder=member.full_name
    )
    if documents:
        for requirement in DocumentRequirement.objects.filter(benefit_type=benefit_type, required=True, active=True):
            services.claim_documents_add(
                claim=claim, user=user, uploads=[upload(f"{requirement.code}.pdf", TINY_PDF)], requirement=requirement
            )
    claim.refresh_from_db()
    return claim
