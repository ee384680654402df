"""The provider directory file (CSV or XLSX), on the generic import of satuklik.core.importing.

One row per provider, keyed on the insurer's provider code: a second run of the same
file changes nothing, any bad row means nothing is written and the report names every
bad line. docs/providers.md describes the columns.
"""

import math
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuklik.core.importing import (
    Column,
    Counts,
    FileImport,
    ImportFileError,
    Upsert,
    boolean,
    cell_text,
    choice,
    read_table,
    text,
)
from satuklik.core.queries import sql_in_chunks
from satuklik.policies.models import BenefitType, Plan, PolicyHolder
from satuklik.providers.models import SERVICE_FIELDS, Provider, ProviderType
from satuklik.providers.text import normalize_city, normalize_name

PROVIDER_TYPES = {
    "Hospital": ProviderType.HOSPITAL,
    "Rumah Sakit": ProviderType.HOSPITAL,
    "RS": ProviderType.HOSPITAL,
    "Clinic": ProviderType.CLINIC,
    "Klinik": ProviderType.CLINIC,
    "Dental clinic": ProviderType.DENTAL_CLINIC,
    "Dental": ProviderType.DENTAL_CLINIC,
    "Klinik Gigi": ProviderType.DENTAL_CLINIC,
    "Optical": ProviderType.OPTICAL,
    "Optician": ProviderType.OPTICAL,
    "Optik": ProviderType.OPTICAL,
    "Pharmacy": ProviderType.PHARMACY,
    "Apotek": ProviderType.PHARMACY,
    "Apotik": ProviderType.PHARMACY,
    "Laboratory": ProviderType.LABORATORY,
    "Laboratorium": ProviderType.LABORATORY,
    "Lab": ProviderType.LABORATORY,
}
SERVICE_WORDS = {
    "inpatient": BenefitType.INPATIENT,
    "rawat inap": BenefitType.INPATIENT,
    "ri": BenefitType.INPATIENT,
    "outpatient": BenefitType.OUTPATIENT,
    "rawat jalan": BenefitType.OUTPATIENT,
    "rj": BenefitType.OUTPATIENT,
    "dental": BenefitType.DENTAL,
    "gigi": BenefitType.DENTAL,
    "maternity": BenefitType.MATERNITY,
    "melahirkan": BenefitType.MATERNITY,
    "persalinan": BenefitType.MATERNITY,
    "optical": BenefitType.OPTICAL,
    "kacamata": BenefitType.OPTICAL,
    "optik": BenefitType.OPTICAL,
}
_LIST_SEPARATORS = re.compile(r"[;,|/]+")
_CODE_SEPARATORS = re.compile(r"[;,|\s]+")


def degrees(minimum, maximum):
    """A coordinate in decimal degrees: '-6.2088', '-6,2088' (decimal comma) or a number cell."""

    def convert(value):
        raw = cell_text(value).strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            if "," in raw and "." not in raw:
                raw = raw.replace(",", ".")
            try:
                number = float(raw)
            except ValueError:
                raise ValueError(_("%(value)s is not a number of degrees (e.g. -6.2088)") % {"value": raw}) from None
        if not math.isfinite(number) or not minimum <= number <= maximum:
            raise ValueError(_("must be between %(min)s and %(max)s") % {"min": minimum, "max": maximum})
        return number

    return convert


def services():
    """'Rawat Inap; Rawat Jalan; Gigi' or 'inpatient,outpatient' -> a set of benefit types."""
    words = dict(SERVICE_WORDS)
    words.update({benefit.lower(): benefit for benefit in BenefitType.values})

    def convert(value):
        found = set()
        for part in _LIST_SEPARATORS.split(cell_text(value)):
            word = " ".join(part.lower().split())
            if not word:
                continue
            if word not in words:
                raise ValueError(
                    _("%(value)s is not a service (write e.g. Rawat Inap; Rawat Jalan; Gigi; Melahirkan; Optik)")
                    % {"value": part.strip()}
                )
            found.add(words[word])
        return frozenset(found)

    convert.empty = frozenset()
    return convert


def codes(max_length=32):
    """'ABCDE-A; NUSA-A' -> a tuple of codes (separated by ; , | or spaces)."""

    def convert(value):
        found = tuple(dict.fromkeys(code for code in _CODE_SEPARATORS.split(cell_text(value)) if code))
        for code in found:
            if len(code) > max_length:
                raise ValueError(_("%(code)s is longer than %(max)s characters") % {"code": code, "max": max_length})
        return found

    convert.empty = ()
    return convert


FIELDS = [
    "code",
    "name",
    "search_name",
    "provider_type",
    "address",
    "city",
    "city_key",
    "province",
    "postal_code",
    "latitude",
    "longitude",
    "phone",
    "opening_hours",
    "emergency_24h",
    *SERVICE_FIELDS.values(),
    "cashless",
    "active",
]
PROVIDERS = Upsert(Provider, fields=FIELDS, key=["code"])
NETWORK_COLUMNS = ("network_plans", "network_holders")


class ProviderImport(FileImport):
    kind = "providers"
    label = gettext_lazy("Partner providers")
    columns = [
        Column("provider_code", text(32), required=True),
        Column("name", text(200), required=True),
        Column("type", choice(PROVIDER_TYPES), required=True),
        Column("address", text(300)),
        Column("city", text(100), required=True),
        Column("province", text(100)),
        Column("postal_code", text(10)),
        Column("latitude", degrees(-90, 90), required=True),
        Column("longitude", degrees(-180, 180), required=True),
        Column("phone", text(40)),
        Column("opening_hours", text(200)),
        Column("emergency_24h", boolean(), default=False),
        Column("services", services()),
        Column("cashless", boolean(), default=True),
        Column("network_plans", codes()),
        Column("network_holders", codes()),
        Column("active", boolean(), default=True),
    ]
    key = ("provider_code",)

    def __init__(self, *, replace_network=True):
        super().__init__()
        # False when the file has no network columns: the networks already set stay.
        self.replace_network = replace_network

    def prepare(self, rows):
        wanted_plans = {code for row in rows for code in row["network_plans"]}
        wanted_holders = {code for row in rows for code in row["network_holders"]}
        self.plans = {}
        for chunk in sql_in_chunks(wanted_plans):
            self.plans.update(Plan.objects.filter(code__in=chunk).values_list("code", "id"))
        self.holders = {}
        for chunk in sql_in_chunks(wanted_holders):
            self.holders.update(PolicyHolder.objects.filter(code__in=chunk).values_list("code", "id"))

    def check(self, row, line):
        if row["latitude"] == 0 and row["longitude"] == 0:
            self.error(line, "latitude", _("0, 0 is not the provider's place: fill in its coordinates"))
        for code in row["network_plans"]:
            if code not in self.plans:
                self.error(line, "network_plans", _("plan %(code)s does not exist (import it first)") % {"code": code})
        for code in row["network_holders"]:
            if code not in self.holders:
                self.error(
                    line,
                    "network_holders",
                    _("policyholder %(code)s does not exist (import it first)") % {"code": code},
                )
        row["search_name"] = normalize_name(row["name"])
        row["city_key"] = normalize_city(row["city"])
        for benefit, field_name in SERVICE_FIELDS.items():
            row[field_name] = benefit in row["services"]

    def write(self, rows):
        counts = self.upsert_into(PROVIDERS, rows, {"code": "provider_code", "provider_type": "type"})
        if self.replace_network:
            self.report.tables["network"] = self._write_network(rows)
        return counts

    def _write_network(self, rows):
        """Each provider's network becomes exactly what its row lists (idempotent)."""
        ids = {}
        for chunk in sql_in_chunks([row["provider_code"] for row in rows]):
            ids.update(Provider.objects.filter(code__in=chunk).values_list("code", "id"))
        total = Counts()
        for through, column, targets, target_field in [
            (Provider.network_plans.through, "network_plans", self.plans, "plan_id"),
            (Provider.network_holders.through, "network_holders", self.holders, "policyholder_id"),
        ]:
            wanted = {(ids[row["provider_code"]], targets[code]) for row in rows for code in row[column]}
            existing = set()
            for chunk in sql_in_chunks(list(ids.values())):
                existing.update(through.objects.filter(provider_id__in=chunk).values_list("provider_id", target_field))
            removed = existing - wanted
            added = wanted - existing
            by_provider = {}
            for provider_id, target_id in removed:
                by_provider.setdefault(provider_id, []).append(target_id)
            for provider_id, target_ids in by_provider.items():
                through.objects.filter(provider_id=provider_id, **{f"{target_field}__in": target_ids}).delete()
            through.objects.bulk_create(
                [through(provider_id=provider_id, **{target_field: target_id}) for provider_id, target_id in added],
                batch_size=1000,
            )
            total += Counts(created=len(added), updated=len(removed), unchanged=len(existing & wanted))
        return total


def has_network_columns(file, *, file_name=""):
    """Whether the file has a network column: without one, networks set earlier stay."""
    try:
        header = read_table(file, file_name=file_name).header
    except ImportFileError:
        return True  # the import itself reports the unreadable file
    return any(column in header for column in NETWORK_COLUMNS)
