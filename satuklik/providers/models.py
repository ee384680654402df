"""Partner providers (hospitals, clinics, pharmacies...) as the insurer's directory lists them.

The provider code is the insurer's: rows arrive through imports keyed on it. Coordinates
are plain floats (they are not money). "Nearest" (see selectors.py): on PostgreSQL a
GiST index of each point on the unit sphere (cube extension, migration 0004) answers
nearest-first; on SQLite a (latitude, longitude) b-tree and a widening bounding box.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from satuklik.core.models import TimeStampedModel
from satuklik.policies.models import BenefitType
from satuklik.providers.text import normalize_city, normalize_name


class ProviderType(models.TextChoices):
    HOSPITAL = "HOSPITAL", _("Hospital")
    CLINIC = "CLINIC", _("Clinic")
    DENTAL_CLINIC = "DENTAL_CLINIC", _("Dental clinic")
    OPTICAL = "OPTICAL", _("Optician")  # a shop; the benefit type is "Optical" (Optik)
    PHARMACY = "PHARMACY", _("Pharmacy")
    LABORATORY = "LABORATORY", _("Laboratory")


# The services a provider offers, one indexed boolean column per benefit type: simple
# filters (service_dental = true) that every database plans well.
SERVICE_FIELDS = {
    BenefitType.INPATIENT: "service_inpatient",
    BenefitType.OUTPATIENT: "service_outpatient",
    BenefitType.DENTAL: "service_dental",
    BenefitType.MATERNITY: "service_maternity",
    BenefitType.OPTICAL: "service_optical",
}


class Provider(TimeStampedModel):
    code = models.CharField(_("provider code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Lower-case, accents stripped, abbreviations expanded ("RS" -> "rumah sakit"):
    # what name searches match against. Kept in step by save() and the import.
    search_name = models.CharField(_("search name"), max_length=400, editable=False, default="")
    provider_type = models.CharField(_("type"), max_length=16, choices=ProviderType.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    city_key = models.CharField(_("city key"), max_length=100, editable=False, default="")
    province = models.CharField(_("province"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    emergency_24h = models.BooleanField(_("24-hour emergency"), default=False)
    service_inpatient = models.BooleanField(_("inpatient"), default=False)
    service_outpatient = models.BooleanField(_("outpatient"), default=False)
    service_dental = models.BooleanField(_("dental"), default=False)
    service_maternity = models.BooleanField(_("maternity"), default=False)
    service_optical = models.BooleanField(_("optical"), default=False)
    cashless = models.BooleanField(
        _("cashless partner"), default=True, help_text=_("Unticked: reimbursement only (the member pays and claims).")
    )
    network_plans = models.ManyToManyField(
        "policies.Plan",
        verbose_name=_("in network for plans"),
        blank=True,
        related_name="network_providers",
    )
    network_holders = models.ManyToManyField(
        "policies.PolicyHolder",
        verbose_name=_("in network for policyholders"),
        blank=True,
        related_name="network_providers",
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive providers are hidden from members."))

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="provider_latitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="provider_longitude_range"
            ),
        ]
        indexes = [
            # Nearest on SQLite: the bounding box is a range on latitude with longitude
            # checked inside the same index, which also holds the id (and active, for
            # SQLite to see it covers the query): the nearest ids come from the index
            # alone, only the rows shown are read (see benchmarks/results/providers.md).
            models.Index(
                fields=["latitude", "longitude", "id", "active"],
                condition=models.Q(active=True),
                name="provider_lat_lng_idx",
            ),
            models.Index(fields=["city_key"], name="provider_city_key_idx"),
            # The default listing: ORDER BY name, code LIMIT n.
            models.Index(fields=["name", "code"], name="provider_name_code_idx"),
            # On PostgreSQL, migration 0002 adds a pg_trgm GIN index on search_name, and
            # migration 0004 the GiST index on the point on the unit sphere (cube).
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def refresh_search_fields(self):
        """Recompute the derived search columns (bulk_create skips save(): call this first)."""
        self.search_name = normalize_name(self.name)
        self.city_key = normalize_city(self.city)

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            if "name" in update_fields:
                update_fields.add("search_name")
            if "city" in update_fields:
                update_fields.add("city_key")
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    @property
    def services(self):
        """The benefit types offered here, in BenefitType order."""
        return [benefit for benefit, field in SERVICE_FIELDS.items() if getattr(self, field)]

    @property
    def service_labels(self):
        return [BenefitType(benefit).label for benefit in self.services]

    @property
    def tel_uri(self):
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}" if digits else ""

    @property
    def geo_uri(self):
        """Opens the phone's maps app (RFC 5870)."""
        return f"geo:{self.latitude:.6f},{self.longitude:.6f}?q={self.latitude:.6f},{self.longitude:.6f}"

    @property
    def directions_url(self):
        """OpenStreetMap directions to here; the start is left for the member (or their browser) to fill."""
        return f"https://www.openstreetmap.org/directions?route=%3B{self.latitude:.6f}%2C{self.longitude:.6f}"
