"""The insurer's demo data: employers, group policies with plans, members and dependents,
Individual life policies and DPLK pension accounts, built by ``manage.py seed_demo``.

Deterministic: one seeded ``random.Random`` drives every choice, so the same member count
and the same day give the same rows. Dates follow the day of seeding (policy years run up
to the current one, DPLK contributions up to last month) so the demo never goes stale;
the personas' own data is fixed.

Personas (``PERSONAS`` below; the same table is in docs/demo.md):

| persona | born | policies (participant number) | e-mail | mobile | pre-registered | username / password |
| --- | --- | --- | --- | --- | --- | --- |
| JANE RAILEY (F) | 01/12/1990 | Group 12345678 of PT ABCDE SEJATI (87654321) with spouse and 2 children; Individu 00056789; DPLK 00012345 | jane.railey@example.com | +6281234567890 | no | registering gives JANERA0112 |
| RIZKY PRATAMA (M) | 17/08/1987 | Group 12345678 (87650011) with spouse and child; DPLK 00039001 (not linked) | rizky.pratama@example.com | +6281311112222 | yes | RIZKYP1708 / Demo-Pass-2026! |
| SITI RAHAYU (F) | 21/04/1992 | Group 23100451 of PT Nusantara Karya Tbk (55501234) | siti.rahayu@example.net | +6285722223333 | no | registering gives SITIRA2104 |
| HENDRA GUNAWAN (M) | 03/03/1978 | Individu 00065432 | hendra.gunawan@example.org | +6281944445555 | yes | HENDRA0303 / Demo-Pass-2026! |
| I WAYAN SUDARSANA (M) | 09/09/1970 | DPLK 00039876 (personal, no employer) | wayan.sudarsana@example.com | +6287866667777 | yes | IWAYAN0909 / Demo-Pass-2026! |
| DEDI KURNIAWAN (M) | 30/06/1983 | Group 12345678 (87650021), coverage ended 30/06/2025 | dedi.kurniawan@example.com | +6289688889999 | no | (coverage ended) |

Numbering (the insurer's, as its core system would hand them over; nothing generated
ever takes a persona's number):

- group policies: 12345678 (PT ABCDE SEJATI) and 231004xx; group participants 3000xxxx;
- Individual policies 0007xxxx, DPLK accounts 0002xxxx: for both, the insured's or the
  participant's number is the policy/account number itself (a DPLK account is a policy
  of type DPLK whose holder is the employer of an employer program, or the person);
- plans <EMPLOYER>-IP<room rate in thousands>, e.g. ABCDE-IP500: "IP-500" on the card
  means room and board up to Rp 500.000 a day.
"""

import csv
import datetime
import io
import math
import random
from dataclasses import dataclass, field

from django.db import transaction

from satuklik.core.dates import add_months
from satuklik.policies.benefits import policy_year_bounds
from satuklik.policies.importing.services import FileToImport, core_files_import
from satuklik.policies.models import (
    Beneficiary,
    BenefitItem,
    BenefitType,
    DplkAccount,
    DplkContribution,
    DplkFundBalance,
    IndividualPolicy,
    LimitPeriod,
    Member,
    Plan,
    Policy,
    PolicyHolder,
    PolicyType,
)

SEED = 19901201
DEFAULT_MEMBERS = 2000
D = datetime.date
F, M = Member.Gender.FEMALE, Member.Gender.MALE
DEMO_PASSWORD = "Demo-Pass-2026!"  # noqa: S105  # nosec B105 - published in docs/demo.md on purpose

# --- Personas ----------------------------------------------------------------------------
# Read by the other apps' demo builders: satuklik.demo.accounts creates an account for
# every persona with registered=True (username, password, full name, e-mail, mobile,
# date of birth) and links the memberships in `linked`; the e2e tests sign in with them.
# `memberships` lists every (policy type, policy number, participant number) the persona
# holds; `username` of a persona that is not registered is what registration will give
# (and such a persona has no `password`).
PERSONAS = [
    {
        "key": "jane",
        "full_name": "JANE RAILEY",
        "gender": F,
        "date_of_birth": D(1990, 12, 1),
        "email": "jane.railey@example.com",
        "mobile": "+6281234567890",
        "city": "Jakarta Selatan",
        "employer": "PT ABCDE SEJATI",
        "policy_type": PolicyType.GROUP,
        "policy_number": "12345678",
        "participant_number": "87654321",
        "plan_code": "ABCDE-IP500",
        "employee_number": "ABC-190301",
        "coverage_start": D(2019, 3, 1),
        "dependents": [
            {
                "full_name": "BAYU WICAKSONO",
                "relation": Member.Relation.SPOUSE,
                "gender": M,
                "date_of_birth": D(1988, 5, 14),
                "participant_number": "87654322",
            },
            {
                "full_name": "ALYA PUTRI WICAKSONO",
                "relation": Member.Relation.CHILD,
                "gender": F,
                "date_of_birth": D(2016, 7, 9),
                "participant_number": "87654323",
            },
            {
                "full_name": "RAFA ADITYA WICAKSONO",
                "relation": Member.Relation.CHILD,
                "gender": M,
                "date_of_birth": D(2019, 2, 20),
                "participant_number": "87654324",
            },
        ],
        "memberships": [
            (PolicyType.GROUP, "12345678", "87654321"),
            (PolicyType.INDIVIDUAL, "00056789", "00056789"),
            (PolicyType.DPLK, "00012345", "00012345"),
        ],
        "registered": False,
        "username": "JANERA0112",
        "linked": [],
        "note": "The seeds' member: not registered, so the registration journey can be tried with her.",
    },
    {
        "key": "rizky",
        "full_name": "RIZKY PRATAMA",
        "gender": M,
        "date_of_birth": D(1987, 8, 17),
        "email": "rizky.pratama@example.com",
        "mobile": "+6281311112222",
        "city": "Jakarta Timur",
        "employer": "PT ABCDE SEJATI",
        "policy_type": PolicyType.GROUP,
        "policy_number": "12345678",
        "participant_number": "87650011",
        "plan_code": "ABCDE-IP1000",
        "employee_number": "ABC-150112",
        "coverage_start": D(2015, 1, 12),
        "dependents": [
            {
                "full_name": "ANISA RAHMAWATI",
                "relation": Member.Relation.SPOUSE,
                "gender": F,
                "date_of_birth": D(1989, 11, 3),
                "participant_number": "87650012",
            },
            {
                "full_name": "KEVIN ARDIANSYAH PRATAMA",
                "relation": Member.Relation.CHILD,
                "gender": M,
                "date_of_birth": D(2014, 4, 25),
                "participant_number": "87650013",
            },
        ],
        "memberships": [
            (PolicyType.GROUP, "12345678", "87650011"),
            (PolicyType.DPLK, "00039001", "00039001"),
        ],
        "registered": True,
        "username": "RIZKYP1708",
        "password": DEMO_PASSWORD,
        "linked": [(PolicyType.GROUP, "12345678", "87650011")],
        "note": "Jane's colleague, pre-registered; his DPLK account is left to link with 'Add a policy'.",
    },
    {
        "key": "siti",
        "full_name": "SITI RAHAYU",
        "gender": F,
        "date_of_birth": D(1992, 4, 21),
        "email": "siti.rahayu@example.net",
        "mobile": "+6285722223333",
        "city": "Surabaya",
        "employer": "PT Nusantara Karya Tbk",
        "policy_type": PolicyType.GROUP,
        "policy_number": "23100451",
        "participant_number": "55501234",
        "plan_code": "NUKA-IP600",
        "employee_number": "NK-2020-0415",
        "coverage_start": D(2020, 4, 15),
        "dependents": [],
        "memberships": [(PolicyType.GROUP, "23100451", "55501234")],
        "registered": False,
        "username": "SITIRA2104",
        "linked": [],
        "note": "A second member who is not registered (another employer, no dependents).",
    },
    {
        "key": "hendra",
        "full_name": "HENDRA GUNAWAN",
        "gender": M,
        "date_of_birth": D(1978, 3, 3),
        "email": "hendra.gunawan@example.org",
        "mobile": "+6281944445555",
        "city": "Bandung",
        "employer": None,
        "policy_type": PolicyType.INDIVIDUAL,
        "policy_number": "00065432",
        "participant_number": "00065432",
        "dependents": [],
        "memberships": [(PolicyType.INDIVIDUAL, "00065432", "00065432")],
        "registered": True,
        "username": "HENDRA0303",
        "password": DEMO_PASSWORD,
        "linked": [(PolicyType.INDIVIDUAL, "00065432", "00065432")],
        "note": "An Individual life policyholder, pre-registered.",
    },
    {
        "key": "wayan",
        "full_name": "I WAYAN SUDARSANA",
        "gender": M,
        "date_of_birth": D(1970, 9, 9),
        "email": "wayan.sudarsana@example.com",
        "mobile": "+6287866667777",
        "city": "Denpasar",
        "employer": None,
        "policy_type": PolicyType.DPLK,
        "policy_number": "00039876",
        "participant_number": "00039876",
        "dependents": [],
        "memberships": [(PolicyType.DPLK, "00039876", "00039876")],
        "registered": True,
        "username": "IWAYAN0909",
        "password": DEMO_PASSWORD,
        "linked": [(PolicyType.DPLK, "00039876", "00039876")],
        "note": "A DPLK-only participant (personal account, no employer), pre-registered.",
    },
    {
        "key": "dedi",
        "full_name": "DEDI KURNIAWAN",
        "gender": M,
        "date_of_birth": D(1983, 6, 30),
        "email": "dedi.kurniawan@example.com",
        "mobile": "+6289688889999",
        "city": "Depok",
        "employer": "PT ABCDE SEJATI",
        "policy_type": PolicyType.GROUP,
        "policy_number": "12345678",
        "participant_number": "87650021",
        "plan_code": "ABCDE-IP500",
        "employee_number": "ABC-170801",
        "coverage_start": D(2017, 8, 1),
        "coverage_end": D(2025, 6, 30),
        "dependents": [],
        "memberships": [(PolicyType.GROUP, "12345678", "87650021")],
        "registered": False,
        "username": "DEDIKU3006",
        "linked": [],
        "note": "A former employee whose coverage ended: registration should say so.",
    },
]
PERSONAS_BY_KEY = {persona["key"]: persona for persona in PERSONAS}
JANE = PERSONAS_BY_KEY["jane"]

# The persona policies' own details.
JANE_INDIVIDUAL = {
    "number": "00056789",
    "product_name": "Proteksi Jiwa Berjangka",
    "start_date": D(2020, 6, 15),
    "end_date": D(2045, 6, 14),
    "sum_assured": 1_000_000_000,
    "premium_amount": 1_250_000,
    "premium_frequency": IndividualPolicy.Frequency.MONTHLY,
    "beneficiaries": [
        ("BAYU WICAKSONO", "Suami", 50),
        ("ALYA PUTRI WICAKSONO", "Anak", 25),
        ("RAFA ADITYA WICAKSONO", "Anak", 25),
    ],
}
HENDRA_INDIVIDUAL = {
    "number": "00065432",
    "product_name": "Jiwa Seumur Hidup Prima",
    "start_date": D(2012, 9, 1),
    "end_date": None,
    "sum_assured": 750_000_000,
    "premium_amount": 9_600_000,
    "premium_frequency": IndividualPolicy.Frequency.ANNUAL,
    "beneficiaries": [("LINDA GUNAWAN", "Istri", 60), ("KEVIN GUNAWAN", "Anak", 40)],
}
# DPLK: (account number, persona key, employer name or None, start, monthly salary or
# personal contribution, fund allocation in percent).
PERSONA_DPLK = [
    ("00012345", "jane", "PT ABCDE SEJATI", D(2019, 3, 1), 18_500_000, {"MM": 30, "FI": 40, "EQ": 30}),
    ("00039001", "rizky", "PT ABCDE SEJATI", D(2016, 1, 1), 24_000_000, {"FI": 50, "EQ": 50}),
    ("00039876", "wayan", None, D(2008, 5, 1), 1_500_000, {"MM": 20, "FI": 30, "SYB": 50}),
]
# Employer programs: employer 5 % and employee 2 % of the monthly salary.
EMPLOYER_RATE, EMPLOYEE_RATE = 0.05, 0.02

RESERVED_NUMBERS = frozenset(
    {"12345678", "87654321", "00056789", "00012345", "00065432", "00039001", "00039876"}
    | {dependent["participant_number"] for persona in PERSONAS for dependent in persona["dependents"]}
    | {persona["participant_number"] for persona in PERSONAS}
)

# --- Employers, policies and plans ---------------------------------------------------


@dataclass
class Employer:
    code: str
    name: str
    address: str
    city: str
    phone: str
    # Group policy: (number, inception date, plans as (code suffix, name, room rate)), share of members.
    policy_number: str | None = None
    inception: datetime.date | None = None
    plans: list = field(default_factory=list)
    share: float = 0.0


EMPLOYERS = [
    Employer(
        "ABCDE",
        "PT ABCDE SEJATI",
        "Jl. Jenderal Sudirman Kav. 52-53",
        "Jakarta Selatan",
        "021-5150100",
        "12345678",
        D(2015, 1, 1),
        [("IP1000", "Plan Eksekutif", 1_000_000), ("IP500", "Plan Staf", 500_000)],
        0.30,
    ),
    Employer(
        "NUKA",
        "PT Nusantara Karya Tbk",
        "Jl. Basuki Rahmat No. 129",
        "Surabaya",
        "031-5310200",
        "23100451",
        D(2016, 7, 1),
        [("IP1500", "Plan Direksi", 1_500_000), ("IP1000", "Plan Manajer", 1_000_000), ("IP600", "Plan Staf", 600_000)],
        0.30,
    ),
    Employer(
        "SIMALOG",
        "PT Sinar Mandiri Logistik",
        "Jl. Raya Narogong Km. 7",
        "Bekasi",
        "021-8250300",
        "23100452",
        D(2018, 4, 1),
        [("IP400", "Plan Karyawan", 400_000)],
        0.15,
    ),
    Employer(
        "BURENU",
        "PT Bumi Rempah Nusantara Tbk",
        "Jl. Putri Hijau No. 10",
        "Medan",
        "061-4150400",
        "23100453",
        D(2017, 10, 1),
        [("IP750", "Plan Manajer", 750_000), ("IP400", "Plan Staf", 400_000)],
        0.15,
    ),
    Employer(
        "TELABI",
        "PT Telaga Biru Teknologi",
        "Jl. Ir. H. Djuanda No. 88",
        "Bandung",
        "022-2530500",
        "23100454",
        D(2021, 1, 1),
        [("IP1000", "Plan Karyawan", 1_000_000)],
        0.10,
    ),
    # Employers with a DPLK program only (no group health policy here).
    Employer("KOTOMA", "PT Kopi Toraja Makmur", "Jl. Sultan Hasanuddin No. 21", "Makassar", "0411-3610600"),
    Employer("BAPEJA", "CV Batik Pekalongan Jaya", "Jl. Hayam Wuruk No. 5", "Pekalongan", "0285-4210700"),
    Employer("SAMUKA", "PT Samudra Kaltim Energi", "Jl. Jenderal Sudirman No. 33", "Balikpapan", "0542-7330800"),
]
GROUP_EMPLOYERS = [employer for employer in EMPLOYERS if employer.policy_number]


def benefit_schedule(room_rate: int) -> list[dict]:
    """The schedule of benefits of a plan whose room and board is `room_rate` a day.

    Every other limit scales with the room rate, as Indonesian group health plans do
    (IP-500 has Rp 500.000 a day, surgery Rp 25.000.000 a case, and so on).
    """
    r = room_rate

    def rounded(amount):
        return int(round(amount / 50_000) * 50_000) or 50_000

    def item(benefit_type, code, name, name_en, limit_amount, limit_period, **extra):
        return {
            "benefit_type": benefit_type,
            "code": code,
            "name": name,
            "name_en": name_en,
            "limit_amount": limit_amount,
            "limit_period": limit_period,
            **extra,
        }

    # fmt: off
    return [
        # Rawat Inap / inpatient
        item(BenefitType.INPATIENT, code="IP-RB", name="Kamar dan makan", name_en="Room and board",
             limit_amount=r, limit_period=LimitPeriod.PER_DAY, count_limit=365, count_period_months=12),
        item(BenefitType.INPATIENT, code="IP-ICU", name="Perawatan intensif (ICU/ICCU)",
             name_en="Intensive care (ICU/ICCU)", limit_amount=2 * r, limit_period=LimitPeriod.PER_DAY,
             count_limit=60, count_period_months=12),
        item(BenefitType.INPATIENT, code="IP-SURG", name="Biaya pembedahan", name_en="Surgery",
             limit_amount=rounded(50 * r), limit_period=LimitPeriod.PER_CASE),
        item(BenefitType.INPATIENT, code="IP-VISIT", name="Kunjungan dokter", name_en="Doctor's visit",
             limit_amount=rounded(0.4 * r), limit_period=LimitPeriod.PER_DAY, count_limit=365, count_period_months=12),
        item(BenefitType.INPATIENT, code="IP-MED", name="Obat-obatan dan biaya rumah sakit lainnya",
             name_en="Medicines and other hospital charges", limit_amount=rounded(30 * r),
             limit_period=LimitPeriod.PER_CASE),
        item(BenefitType.INPATIENT, code="IP-LIMIT", name="Batas maksimum rawat inap per tahun",
             name_en="Inpatient annual limit", limit_amount=200 * r, limit_period=LimitPeriod.CEILING),
        # Rawat Jalan / outpatient: consultations carry a 20 % co-payment.
        item(BenefitType.OUTPATIENT, code="OP-GP", name="Konsultasi dokter umum",
             name_en="General practitioner consultation", limit_amount=rounded(0.3 * r),
             limit_period=LimitPeriod.PER_VISIT, copay_percent=20, annual_limit_amount=rounded(6 * r)),
        item(BenefitType.OUTPATIENT, code="OP-SP", name="Konsultasi dokter spesialis",
             name_en="Specialist consultation", limit_amount=rounded(0.6 * r), limit_period=LimitPeriod.PER_VISIT,
             copay_percent=20, annual_limit_amount=rounded(12 * r)),
        item(BenefitType.OUTPATIENT, code="OP-MED", name="Obat-obatan resep dokter",
             name_en="Prescribed medicines", limit_amount=rounded(0.8 * r), limit_period=LimitPeriod.PER_VISIT),
        item(BenefitType.OUTPATIENT, code="OP-LAB", name="Laboratorium dan diagnostik",
             name_en="Laboratory and diagnostics", limit_amount=rounded(5 * r), limit_period=LimitPeriod.PER_YEAR),
        # Gigi / dental: reimbursement, 4 visits a year.
        item(BenefitType.DENTAL, code="DT-FILL", name="Penambalan gigi", name_en="Filling",
             limit_amount=rounded(0.8 * r), limit_period=LimitPeriod.PER_VISIT, count_limit=4,
             count_period_months=12, cashless=False),
        item(BenefitType.DENTAL, code="DT-EXT", name="Pencabutan gigi", name_en="Extraction",
             limit_amount=rounded(1.0 * r), limit_period=LimitPeriod.PER_VISIT, count_limit=4,
             count_period_months=12, cashless=False),
        item(BenefitType.DENTAL, code="DT-SCALE", name="Pembersihan karang gigi (scaling)",
             name_en="Scaling", limit_amount=rounded(0.6 * r), limit_period=LimitPeriod.PER_VISIT, count_limit=4,
             count_period_months=12, cashless=False),
        item(BenefitType.DENTAL, code="DT-LIMIT", name="Batas maksimum perawatan gigi per tahun",
             name_en="Dental annual limit", limit_amount=rounded(4 * r), limit_period=LimitPeriod.CEILING,
             cashless=False),
        # Melahirkan / maternity: after a 12-month waiting period.
        item(BenefitType.MATERNITY, code="MT-NORMAL", name="Persalinan normal",
             name_en="Normal delivery", limit_amount=rounded(16 * r), limit_period=LimitPeriod.PER_CASE,
             waiting_period_days=365),
        item(BenefitType.MATERNITY, code="MT-CS", name="Persalinan dengan operasi caesar",
             name_en="Caesarean delivery", limit_amount=rounded(30 * r), limit_period=LimitPeriod.PER_CASE,
             waiting_period_days=365),
        item(BenefitType.MATERNITY, code="MT-PRE", name="Pemeriksaan kehamilan dan pasca persalinan",
             name_en="Prenatal and postnatal care", limit_amount=rounded(4 * r), limit_period=LimitPeriod.PER_YEAR,
             waiting_period_days=365),
        # Kacamata / optical: one pair every 24 months, reimbursement.
        item(BenefitType.OPTICAL, code="OPT-FRAME", name="Bingkai kacamata", name_en="Frames",
             limit_amount=min(rounded(r), 1_000_000), limit_period=LimitPeriod.PER_CASE,
             count_limit=1, count_period_months=24, cashless=False),
        item(BenefitType.OPTICAL, code="OPT-LENS", name="Lensa kacamata", name_en="Lenses",
             limit_amount=min(rounded(1.2 * r), 1_200_000), limit_period=LimitPeriod.PER_CASE,
             count_limit=1, count_period_months=24, cashless=False),
    ]
    # fmt: on


# --- Names, places, products ---------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """Naming customs of a region: given names, second/family names, whether children
    carry the father's family name (Batak marga, Minahasa fam, Chinese-Indonesian)."""

    name: str
    weight: int
    male: tuple
    female: tuple
    last_male: tuple
    last_female: tuple
    family: bool = False


REGIONS = [
    Region(
        "Jawa", 34,
        ("Budi", "Agus", "Bambang", "Joko", "Slamet", "Sugeng", "Wahyu", "Eko", "Dwi", "Bayu", "Teguh", "Hadi",
         "Rudi", "Arif", "Fajar", "Dimas", "Yoga", "Adi", "Gilang", "Aditya", "Rizal", "Wawan", "Heru", "Galih"),
        ("Sri", "Dewi", "Siti", "Rina", "Wulan", "Ayu", "Endang", "Indah", "Ratna", "Putri", "Fitri", "Retno",
         "Tri", "Dian", "Nur", "Yuni", "Lina", "Sekar", "Laras", "Anjani", "Kartika", "Wening", "Novi", "Eka"),
        ("Santoso", "Prasetyo", "Nugroho", "Wibowo", "Setiawan", "Kurniawan", "Hidayat", "Saputra", "Pratama",
         "Susilo", "Purnomo", "Hartanto", "Wicaksono", "Utomo", "Suryadi", "Firmansyah", "Ramadhan", "Sasongko"),
        ("Lestari", "Wulandari", "Rahayu", "Handayani", "Kusumawati", "Anggraini", "Rahmawati", "Puspitasari",
         "Wahyuni", "Susanti", "Safitri", "Maharani", "Pertiwi", "Ningsih", "Permatasari", "Damayanti"),
    ),
    Region(
        "Sunda", 12,
        ("Asep", "Ujang", "Dadang", "Cecep", "Yayan", "Dede", "Engkus", "Ridwan", "Iwan", "Deden", "Jajang"),
        ("Euis", "Iis", "Lilis", "Neneng", "Imas", "Yanti", "Cucu", "Nining", "Rika", "Tati", "Wulan"),
        ("Sutisna", "Hermawan", "Suryana", "Gunawan", "Permana", "Kusnadi", "Ruhiyat", "Sumarna", "Mulyana"),
        ("Nurjanah", "Kurniasih", "Rosita", "Sumiati", "Komalasari", "Nurhasanah", "Herawati", "Mulyani"),
    ),
    Region(
        "Batak", 8,
        ("Togar", "Maruli", "Poltak", "Horas", "Bonar", "Tigor", "Parlindungan", "Sahat", "Rudolf", "Jonny"),
        ("Rohani", "Tiurma", "Romauli", "Lasma", "Dame", "Rosmawati", "Sondang", "Nurmala", "Erni", "Friska"),
        ("Siregar", "Nasution", "Simanjuntak", "Hutapea", "Sitompul", "Harahap", "Lubis", "Pardede", "Sinaga",
         "Manurung", "Panjaitan", "Situmorang", "Silalahi", "Simatupang", "Hutagalung", "Tambunan"),
        (), family=True,
    ),
    Region(
        "Minang", 6,
        ("Rahmat", "Fauzi", "Zulkifli", "Yusuf", "Hafiz", "Irwan", "Afdal", "Rizki", "Syafri", "Benny"),
        ("Nurhayati", "Rahmi", "Yulia", "Fitria", "Rosna", "Elvi", "Desi", "Mega", "Silvia", "Yesi"),
        ("Chaniago", "Piliang", "Koto", "Tanjung", "Sikumbang", "Jambak", "Syahputra", "Rasyid"),
        ("Chaniago", "Piliang", "Koto", "Tanjung", "Sikumbang", "Jambak", "Yanti", "Rasyidah"),
    ),
    Region(
        "Bali", 5,
        ("Sudarsana", "Suardana", "Wirawan", "Mahendra", "Adnyana", "Arsana", "Budiarta", "Darmawan", "Sukadana"),
        ("Astuti", "Ariani", "Suryani", "Widiastuti", "Ayu Lestari", "Sri Dewi", "Purnamasari", "Puspita"),
        (), (),
    ),
    Region(
        "Bugis-Makassar", 5,
        ("Andi Muhammad", "Syamsul", "Ilham", "Irfan", "Arman", "Rusdi", "Muhammad", "Andi Arief", "Haerul"),
        ("Andi Nurul", "Hasnah", "Sitti", "Nurhaeni", "Megawati", "Andi Tenri", "Rismawati", "Nurmiati"),
        ("Rahman", "Amir", "Hamzah", "Latif", "Basri", "Syahrir", "Nurdin", "Mappiare", "Daeng Sila"),
        ("Rahman", "Amir", "Hamzah", "Latif", "Basri", "Syahrir", "Nurdin", "Ramli"),
    ),
    Region(
        "Minahasa", 5,
        ("Rendy", "Jefry", "Stevi", "Frangky", "Ronald", "Alfred", "Hendrik", "Marcel", "Johny"),
        ("Meiske", "Grace", "Anneke", "Vivi", "Debby", "Lenny", "Christin", "Yolanda", "Natalia"),
        ("Lumenta", "Wowor", "Sondakh", "Rumengan", "Pangemanan", "Mandagi", "Kaunang", "Tumbelaka", "Rompas"),
        (), family=True,
    ),
    Region(
        "Tionghoa", 8,
        ("Kevin", "Michael", "William", "Hendrik", "Steven", "Andreas", "Felix", "Jonathan", "Edward", "Ricky"),
        ("Jessica", "Stephanie", "Felicia", "Vivian", "Melinda", "Cindy", "Jennifer", "Olivia", "Natasha", "Yenny"),
        ("Halim", "Salim", "Tanuwijaya", "Susanto", "Hartono", "Kusuma", "Gunadi", "Lesmana", "Tjandra", "Sutanto"),
        (), family=True,
    ),
    Region(
        "Maluku", 3,
        ("Johanis", "Frans", "Marthen", "Abraham", "Yusuf", "Christian", "Semuel"),
        ("Maria", "Ester", "Elisabeth", "Ruth", "Agustina", "Yohana", "Dorkas"),
        ("Pattinama", "Latuconsina", "Tuhumury", "Sahetapy", "Matulessy", "Pattimura", "Ririmasse", "Leatemia"),
        (), family=True,
    ),
    Region(
        "Papua", 3,
        ("Yohanes", "Marthen", "Yakob", "Petrus", "Daniel", "Obed", "Niko"),
        ("Maria", "Ester", "Naomi", "Yuliana", "Martha", "Selfina", "Debora"),
        ("Rumbiak", "Wanggai", "Karubaba", "Yoku", "Mandowen", "Rumaropen", "Kapisa", "Ayomi"),
        (), family=True,
    ),
    Region(
        "Melayu-Betawi", 11,
        ("Muhammad", "Ahmad", "Rizky", "Fadli", "Hendra", "Syahrul", "Ismail", "Taufik", "Ikhsan", "Reza", "Yusril"),
        ("Nurul", "Aisyah", "Fatimah", "Nabila", "Zahra", "Salsabila", "Rahma", "Annisa", "Syifa", "Hana"),
        ("Hasibuan", "Ramadhan", "Hakim", "Syahputra", "Alamsyah", "Maulana", "Fauzan", "Ibrahim", "Akbar"),
        ("Aulia", "Azzahra", "Ramadhani", "Fitriani", "Hasanah", "Khairunnisa", "Zulaikha", "Amalia", "Salsabila"),
    ),
]  # fmt: skip
REGION_WEIGHTS = [region.weight for region in REGIONS]
BALI_ORDER = ("Wayan", "Made", "Nyoman", "Ketut")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "814", "815", "816", "855", "856", "857",
                   "817", "818", "819", "859", "877", "878", "838", "831", "881", "882", "895", "896")  # fmt: skip

PRODUCTS = [
    # (product, sum assured choices, yearly premium per mille of the sum assured at 30, yearly growth with age)
    ("Proteksi Jiwa Berjangka", (250_000_000, 500_000_000, 1_000_000_000, 2_000_000_000), 1.6, 0.07),
    ("Jiwa Seumur Hidup Prima", (200_000_000, 500_000_000, 750_000_000, 1_000_000_000), 11.0, 0.04),
    ("Dwiguna Pendidikan Anak", (100_000_000, 150_000_000, 250_000_000, 400_000_000), 45.0, 0.0),
    ("Unit Link Investa Proteksi", (300_000_000, 500_000_000, 1_000_000_000), 12.0, 0.03),
    ("Proteksi Penyakit Kritis", (100_000_000, 250_000_000, 500_000_000), 3.2, 0.08),
]
FREQUENCY_MONTHS = {
    IndividualPolicy.Frequency.MONTHLY: 1,
    IndividualPolicy.Frequency.QUARTERLY: 3,
    IndividualPolicy.Frequency.SEMI_ANNUAL: 6,
    IndividualPolicy.Frequency.ANNUAL: 12,
}
UNPAID_DAYS = {
    IndividualPolicy.PaymentStatus.DUE: (0, 15),
    IndividualPolicy.PaymentStatus.GRACE: (15, 45),
    IndividualPolicy.PaymentStatus.LAPSED: (90, 400),
}
FUNDS = {
    # code: (name, yearly return used to grow the demo balances)
    "MM": ("Dana Pasar Uang", 0.045),
    "FI": ("Dana Pendapatan Tetap", 0.065),
    "EQ": ("Dana Saham", 0.085),
    "SYB": ("Dana Syariah Berimbang", 0.06),
}
FUND_MIXES = [{"MM": 100}, {"MM": 50, "FI": 50}, {"FI": 60, "EQ": 40}, {"MM": 20, "FI": 40, "EQ": 40}, {"SYB": 100},
              {"FI": 30, "SYB": 70}, {"EQ": 100}]  # fmt: skip


# --- Small date helpers --------------------------------------------------------------


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_between(start: datetime.date, end: datetime.date):
    """The 25th of every month from start's month up to end (payroll day)."""
    day = D(start.year, start.month, 25)
    while day <= end:
        yield day
        day = add_months(day, 1)


# --- The builder ---------------------------------------------------------------------


def demo_present() -> bool:
    """True when the insurer's demo data is already in the database (Jane's group policy)."""
    return Policy.objects.filter(number=JANE["policy_number"]).exists()


class _Numbers:
    """Hands out the insurer's numbers in a range, never one a persona holds."""

    def __init__(self, start: int, width: int = 8):
        self.next = start
        self.width = width

    def take(self) -> str:
        while True:
            number = f"{self.next:0{self.width}d}"
            self.next += 1
            if number not in RESERVED_NUMBERS:
                return number


class _People:
    """Invents Indonesian people: names by regional custom, e-mail, mobile."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def region(self) -> Region:
        return self.rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]

    def name(self, region: Region, gender: str, *, family: str | None = None, birth_order: int = 0) -> str:
        rng = self.rng
        if region.name == "Bali":
            prefix = "I" if gender == M else "Ni"
            order = BALI_ORDER[birth_order % 4] if birth_order or rng.random() < 0.5 else rng.choice(BALI_ORDER)
            given = rng.choice(region.male if gender == M else region.female)
            return f"{prefix} {order} {given}".upper()
        given = rng.choice(region.male if gender == M else region.female)
        if region.family:
            last = family or rng.choice(region.last_male)
        else:
            last = rng.choice((region.last_male if gender == M else region.last_female) or region.last_male)
        if rng.random() < 0.12 and not region.family:
            # Some Indonesians carry a single given name plus a second given name only.
            return f"{given} {rng.choice(region.male if gender == M else region.female)} {last}".upper()
        return f"{given} {last}".upper()

    def family_name(self, full_name: str, region: Region) -> str | None:
        return full_name.split()[-1].title() if region.family else None

    def email(self, full_name: str) -> str:
        self.serial += 1
        parts = [part.lower() for part in full_name.replace("'", "").split() if part not in {"I", "NI"}]
        local = f"{parts[0]}.{parts[-1]}" if len(parts) > 1 else parts[0]
        return f"{local}{self.serial}@{self.rng.choice(EMAIL_DOMAINS)}"

    def mobile(self) -> str:
        return f"+62{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000, 99_999_999)}"

    def birthday(self, *, age_min: int, age_max: int, today: datetime.date) -> datetime.date:
        latest = D(today.year - age_min, today.month, min(today.day, 28))
        earliest = D(today.year - age_max - 1, today.month, min(today.day, 28)) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days))


# --- The import files ------------------------------------------------------------------
# The demo's rows are model instances that refer to each other (unsaved); each kind of the
# core-data import gets its file from them, foreign keys written as the insurer's numbers.


def _member_key(member) -> dict:
    return {"policy_number": member.policy.number, "participant_number": member.participant_number}


KIND_ROWS = {  # import kind: (model, the row of its file for one instance), in import order
    "policyholders": (
        PolicyHolder,
        lambda h: {"holder_code": h.code, "name": h.name, "address": h.address, "city": h.city, "phone": h.phone,
                   "email": h.email},
    ),
    "policies": (
        Policy,
        lambda p: {"policy_number": p.number, "policy_type": p.policy_type, "status": p.status,
                   "start_date": p.start_date, "end_date": p.end_date, "holder_code": p.holder.code if p.holder else "",
                   "holder_name": p.holder_name},
    ),
    "plans": (
        BenefitItem,
        lambda i: {"plan_code": i.plan.code, "plan_name": i.plan.name, "policy_number": i.plan.policy.number,
                   "benefit_type": i.benefit_type, "item_code": i.code, "item_name": i.name,
                   "item_name_en": i.name_en, "limit_amount": i.limit_amount, "limit_period": i.limit_period,
                   "annual_limit_amount": i.annual_limit_amount, "count_limit": i.count_limit,
                   "count_period_months": i.count_period_months, "copay_percent": i.copay_percent,
                   "deductible_amount": i.deductible_amount, "waiting_period_days": i.waiting_period_days,
                   "cashless": i.cashless, "sort_order": i.sort_order},
    ),
    "members": (
        Member,
        lambda m: {**_member_key(m), "full_name": m.full_name, "date_of_birth": m.date_of_birth, "gender": m.gender,
                   "relation": m.relation, "principal_number": m.principal.participant_number if m.principal else "",
                   "plan_code": m.plan.code if m.plan else "", "employee_number": m.employee_number,
                   "email": m.email, "mobile": m.mobile, "start_date": m.start_date, "end_date": m.end_date,
                   "status": m.status},
    ),
    "individual": (
        IndividualPolicy,
        lambda d: {"policy_number": d.policy.number, "product_name": d.product_name, "sum_assured": d.sum_assured,
                   "premium_amount": d.premium_amount, "premium_frequency": d.premium_frequency,
                   "next_due_date": d.next_due_date, "payment_status": d.payment_status},
    ),
    "beneficiaries": (
        Beneficiary,
        lambda b: {"policy_number": b.policy.number, "full_name": b.full_name, "relation": b.relation,
                   "share_percent": b.share_percent},
    ),
    "dplk_accounts": (
        DplkAccount,
        lambda a: {**_member_key(a.member), "employer_code": a.employer.code if a.employer else "",
                   "normal_retirement_age": a.normal_retirement_age, "balance_as_of": a.balance_as_of},
    ),
    "dplk_balances": (
        DplkFundBalance,
        lambda b: {**_member_key(b.account.member), "fund_code": b.fund_code, "fund_name": b.fund_name,
                   "balance": b.balance},
    ),
    "dplk_contributions": (
        DplkContribution,
        lambda c: {**_member_key(c.account.member), "reference": c.reference, "paid_on": c.paid_on,
                   "employer_amount": c.employer_amount, "employee_amount": c.employee_amount},
    ),
}  # fmt: skip


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _ImportFiles:
    """Collects the demo's rows per model, then writes them as the core system's CSV files."""

    def __init__(self):
        self.rows = {model: [] for model, _row in KIND_ROWS.values()}

    def add(self, model, rows: list) -> list:
        self.rows[model].extend(rows)
        return rows

    def files(self) -> list[FileToImport]:
        files = []
        for kind, (model, row_of) in KIND_ROWS.items():
            rows = [row_of(instance) for instance in self.rows[model]]
            if not rows:
                continue
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(rows[0])
            writer.writerows([_cell(value) for value in row.values()] for row in rows)
            files.append(FileToImport(kind, out.getvalue().encode(), f"{kind}.csv"))
        return files


def build_demo_policies(*, members: int = DEFAULT_MEMBERS, today: datetime.date | None = None) -> dict:
    """Build the insurer's demo data through the core-data import; return counts of what was created.

    `members` is the number of group principals besides the personas (each with
    dependents: a spouse for about two in three, 0 to 3 children under 23); a tenth as
    many Individual policies and DPLK accounts come with them. Does nothing and returns
    {} when the data is already there (see demo_present()).
    """
    if demo_present():
        return {}
    files, counts = demo_import_files(members=members, today=today)
    with transaction.atomic():
        reports = core_files_import(files=files)
    problems = [report.format_text() for report in reports if not report.ok]
    if problems:
        raise ValueError("the demo data does not import:\n" + "\n".join(problems))
    return counts


def demo_import_files(*, members: int = DEFAULT_MEMBERS, today: datetime.date | None = None):
    """The insurer's demo data as the core system's import files, in import order, and counts of their rows."""
    from django.utils import timezone

    today = today or timezone.localdate()
    files = _ImportFiles()
    rng = random.Random(SEED)  # nosec B311 - reproducible demo data, nothing secret
    people = _People(rng)
    counts = {}

    # Employers and their group policies, plans and schedules of benefits.
    holders = files.add(
        PolicyHolder,
        [
            PolicyHolder(
                code=employer.code,
                name=employer.name,
                address=employer.address,
                city=employer.city,
                phone=employer.phone,
                email=f"hrd@{employer.code.lower()}.example.co.id",
            )
            for employer in EMPLOYERS
        ],
    )
    holder_by_name = {holder.name: holder for holder in holders}
    policies = files.add(
        Policy,
        [
            Policy(
                number=employer.policy_number,
                policy_type=PolicyType.GROUP,
                status=Policy.Status.ACTIVE,
                start_date=employer.inception,
                end_date=policy_year_bounds(anchor=employer.inception, on_date=today)[1],
                holder=holder_by_name[employer.name],
            )
            for employer in GROUP_EMPLOYERS
        ],
    )
    policy_by_number = {policy.number: policy for policy in policies}
    plans = [  # in the plans file with their benefit items (one row per item)
        Plan(
            code=f"{employer.code}-{suffix}",
            name=f"{plan_name} - IP-{rate // 1000}",
            policy=policy_by_number[employer.policy_number],
        )
        for employer in GROUP_EMPLOYERS
        for suffix, plan_name, rate in employer.plans
    ]
    plan_by_code = {plan.code: plan for plan in plans}
    rate_by_code = {f"{e.code}-{suffix}": rate for e in GROUP_EMPLOYERS for suffix, _name, rate in e.plans}
    items = []
    for plan in plans:
        for order, item in enumerate(benefit_schedule(rate_by_code[plan.code])):
            items.append(BenefitItem(plan=plan, sort_order=order, **item))
    files.add(BenefitItem, items)
    counts.update(policyholders=len(holders), group_policies=len(policies), plans=len(plans), benefit_items=len(items))

    # Group members: the personas first, then `members` invented principals with families.
    participant_numbers = _Numbers(30_000_001)
    principals, families = [], []  # families: (principal, [dependent Member without principal])
    for persona in PERSONAS:
        if persona["policy_type"] != PolicyType.GROUP:
            continue
        policy = policy_by_number[persona["policy_number"]]
        end = persona.get("coverage_end")
        principal = Member(
            policy=policy,
            participant_number=persona["participant_number"],
            full_name=persona["full_name"],
            date_of_birth=persona["date_of_birth"],
            gender=persona["gender"],
            email=persona["email"],
            mobile=persona["mobile"],
            relation=Member.Relation.PRINCIPAL,
            plan=plan_by_code[persona["plan_code"]],
            employee_number=persona["employee_number"],
            start_date=persona["coverage_start"],
            end_date=end,
            status=Member.Status.INACTIVE if end else Member.Status.ACTIVE,
        )
        dependents = [
            Member(
                policy=policy,
                participant_number=dependent["participant_number"],
                full_name=dependent["full_name"],
                date_of_birth=dependent["date_of_birth"],
                gender=dependent["gender"],
                relation=dependent["relation"],
                plan=principal.plan,
                start_date=max(persona["coverage_start"], dependent["date_of_birth"]),
                end_date=end,
                status=principal.status,
            )
            for dependent in persona["dependents"]
        ]
        principals.append(principal)
        families.append((principal, dependents))

    shares = [employer.share for employer in GROUP_EMPLOYERS]
    staff_serial = {employer.code: 0 for employer in GROUP_EMPLOYERS}
    invented = []  # (principal, region, employer) of invented principals, for DPLK programs below
    for _ in range(members):
        employer = rng.choices(GROUP_EMPLOYERS, weights=shares)[0]
        policy = policy_by_number[employer.policy_number]
        region = people.region()
        gender = rng.choice((F, M))
        born = people.birthday(age_min=21, age_max=57, today=today)
        hired = max(
            employer.inception, add_months(born, 12 * 21), today - datetime.timedelta(days=rng.randrange(30, 12 * 365))
        )
        hired = min(hired, today)
        # Higher plans are for fewer, older staff.
        plan_codes = [f"{employer.code}-{suffix}" for suffix, _name, _rate in employer.plans]
        weights = [1 + i * 3 for i in range(len(plan_codes))]
        plan = plan_by_code[rng.choices(plan_codes, weights=weights)[0]]
        ended = rng.random() < 0.06
        end = (
            min(today - datetime.timedelta(days=1), hired + datetime.timedelta(days=rng.randrange(180, 2000)))
            if ended
            else None
        )
        if end and end <= hired:
            end, ended = None, False
        status = Member.Status.INACTIVE if ended else Member.Status.ACTIVE
        name = people.name(region, gender)
        staff_serial[employer.code] += 1
        principal = Member(
            policy=policy,
            participant_number=participant_numbers.take(),
            full_name=name,
            date_of_birth=born,
            gender=gender,
            email=people.email(name),
            mobile=people.mobile(),
            relation=Member.Relation.PRINCIPAL,
            plan=plan,
            employee_number=f"{employer.code[:3]}-{hired:%y%m}{staff_serial[employer.code]:04d}",
            start_date=hired,
            end_date=end,
            status=status,
        )
        dependents = []
        age = age_on(born, today)
        family = people.family_name(name, region)
        father_family = family if gender == M else None
        if age >= 24 and rng.random() < 0.68:
            spouse_gender = M if gender == F else F
            spouse_born = born + datetime.timedelta(days=rng.randrange(-5 * 365, 5 * 365))
            spouse_born = min(spouse_born, D(today.year - 20, 1, 1))
            spouse_region = region if rng.random() < 0.75 else people.region()
            spouse_name = people.name(spouse_region, spouse_gender)
            if spouse_gender == M:
                father_family = people.family_name(spouse_name, spouse_region)
            dependents.append(
                Member(
                    policy=policy,
                    participant_number=participant_numbers.take(),
                    full_name=spouse_name,
                    date_of_birth=spouse_born,
                    gender=spouse_gender,
                    relation=Member.Relation.SPOUSE,
                    plan=plan,
                    start_date=hired,
                    end_date=end,
                    status=status,
                )
            )
            # Children under 23, born after the younger parent turned 22.
            youngest_parent_birth = max(born, spouse_born)
            first_possible = add_months(youngest_parent_birth, 12 * 22)
            earliest = max(first_possible, D(today.year - 22, today.month, 1))
            for order in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
                if earliest >= today:
                    break
                child_born = earliest + datetime.timedelta(days=rng.randrange(max(1, (today - earliest).days)))
                child_gender = rng.choice((F, M))
                child_family = father_family if region.family else None
                child_name = people.name(region, child_gender, family=child_family, birth_order=order + 1)
                earliest = child_born + datetime.timedelta(days=400)
                if end and child_born > end:
                    continue  # born after the parent's cover ended: never covered (the import refuses it)
                dependents.append(
                    Member(
                        policy=policy,
                        participant_number=participant_numbers.take(),
                        full_name=child_name,
                        date_of_birth=child_born,
                        gender=child_gender,
                        relation=Member.Relation.CHILD,
                        plan=plan,
                        start_date=max(hired, child_born),
                        end_date=end,
                        status=status,
                    )
                )
        principals.append(principal)
        families.append((principal, dependents))
        invented.append((principal, employer))

    files.add(Member, principals)
    dependents = []
    for principal, family_members in families:
        for dependent in family_members:
            dependent.principal = principal
            dependents.append(dependent)
    files.add(Member, dependents)
    counts.update(group_principals=len(principals), group_dependents=len(dependents))

    # Individual life policies: Jane's, Hendra's, then a tenth as many as principals.
    individual_numbers = _Numbers(70_001)
    ind_policies, ind_details, ind_insured, ind_beneficiaries = [], [], [], []

    def individual(
        number,
        *,
        holder_name,
        insured,
        product,
        start,
        end,
        sum_assured,
        premium,
        frequency,
        beneficiaries,
        payment_status=IndividualPolicy.PaymentStatus.PAID,
    ):
        status = {
            IndividualPolicy.PaymentStatus.GRACE: Policy.Status.GRACE,
            IndividualPolicy.PaymentStatus.LAPSED: Policy.Status.LAPSED,
        }.get(payment_status, Policy.Status.ACTIVE)
        policy = Policy(
            number=number,
            policy_type=PolicyType.INDIVIDUAL,
            status=status,
            start_date=start,
            end_date=end,
            holder_name=holder_name,
        )
        ind_policies.append(policy)
        if payment_status == IndividualPolicy.PaymentStatus.PAID:
            # Paid up: the next premium falls on the policy's monthiversary schedule.
            months = FREQUENCY_MONTHS.get(frequency, 12)
            due = start
            while due <= today:
                due = add_months(due, months)
        else:
            # Unpaid since: a few days (due), weeks (grace period) or months (lapsed).
            due = today - datetime.timedelta(days=rng.randrange(*UNPAID_DAYS[payment_status]))
        ind_details.append(
            IndividualPolicy(
                policy=policy,
                product_name=product,
                sum_assured=sum_assured,
                premium_amount=premium,
                premium_frequency=frequency,
                next_due_date=due,
                payment_status=payment_status,
            )
        )
        ind_insured.append(
            Member(
                policy=policy,
                participant_number=number,
                relation=Member.Relation.PRINCIPAL,
                start_date=start,
                end_date=end,
                status=Member.Status.INACTIVE
                if payment_status == IndividualPolicy.PaymentStatus.LAPSED
                else Member.Status.ACTIVE,
                **insured,
            )
        )
        for full_name, relation, share in beneficiaries:
            ind_beneficiaries.append(
                Beneficiary(policy=policy, full_name=full_name, relation=relation, share_percent=share)
            )

    for persona, details in ((JANE, JANE_INDIVIDUAL), (PERSONAS_BY_KEY["hendra"], HENDRA_INDIVIDUAL)):
        individual(
            details["number"],
            holder_name=persona["full_name"],
            insured={key: persona[key] for key in ("full_name", "date_of_birth", "gender", "email", "mobile")},
            product=details["product_name"],
            start=details["start_date"],
            end=details["end_date"],
            sum_assured=details["sum_assured"],
            premium=details["premium_amount"],
            frequency=details["premium_frequency"],
            beneficiaries=details["beneficiaries"],
        )
    for _ in range(max(10, members // 10)):
        region = people.region()
        gender = rng.choice((F, M))
        holder_born = people.birthday(age_min=25, age_max=60, today=today)
        holder_name = people.name(region, gender)
        product, sums, per_mille, growth = rng.choice(PRODUCTS)
        start = today - datetime.timedelta(days=rng.randrange(60, 15 * 365))
        email, mobile = people.email(holder_name), people.mobile()
        spouse_name = people.name(region, M if gender == F else F)
        if product == "Dwiguna Pendidikan Anak":
            child_gender = rng.choice((F, M))
            child_family = people.family_name(holder_name if gender == M else spouse_name, region)
            insured_name = people.name(region, child_gender, family=child_family, birth_order=1)
            insured_born = people.birthday(age_min=1, age_max=12, today=today)
            insured = {"full_name": insured_name, "date_of_birth": insured_born, "gender": child_gender,
                       "email": email, "mobile": mobile}  # fmt: skip
            end = D(insured_born.year + 18, insured_born.month, min(insured_born.day, 28))
            beneficiaries = [(holder_name, "Orang tua", 100)]
            age = age_on(holder_born, start)
        else:
            insured = {"full_name": holder_name, "date_of_birth": holder_born, "gender": gender, "email": email,
                       "mobile": mobile}  # fmt: skip
            end = add_months(start, 12 * rng.choice((10, 15, 20))) if "Berjangka" in product else None
            relation = "Istri" if gender == M else "Suami"
            beneficiaries = [(spouse_name, relation, 100)]
            if rng.random() < 0.5:
                # The spouse half, two children a quarter each (a repeated name is one person).
                father_family = people.family_name(holder_name if gender == M else spouse_name, region)
                children = {
                    people.name(region, rng.choice((F, M)), family=father_family, birth_order=i + 1) for i in range(2)
                } - {spouse_name, holder_name}
                share = 50 // len(children) if children else 0
                beneficiaries = [(spouse_name, relation, 100 - share * len(children))]
                beneficiaries += [(child, "Anak", share) for child in sorted(children)]
            age = age_on(holder_born, start)
        sum_assured = rng.choice(sums)
        yearly = sum_assured * per_mille / 1000 * (1 + growth) ** max(0, age - 30)
        frequency = rng.choice(list(FREQUENCY_MONTHS))
        premium = int(round(yearly * FREQUENCY_MONTHS[frequency] / 12 / 1000) * 1000)
        # PAID, DUE, GRACE, LAPSED
        payment_status = rng.choices(list(IndividualPolicy.PaymentStatus), weights=[80, 10, 6, 4])[0]
        individual(
            individual_numbers.take(),
            holder_name=holder_name,
            insured=insured,
            product=product,
            start=start,
            end=end,
            sum_assured=sum_assured,
            premium=premium,
            frequency=frequency,
            beneficiaries=beneficiaries,
            payment_status=payment_status,
        )
    files.add(Policy, ind_policies)
    files.add(IndividualPolicy, ind_details)
    files.add(Member, ind_insured)
    files.add(Beneficiary, ind_beneficiaries)
    counts.update(individual_policies=len(ind_policies), beneficiaries=len(ind_beneficiaries))

    # DPLK accounts: the personas', employees of the employers (same person as a group
    # principal) and personal accounts.
    dplk_numbers = _Numbers(20_001)
    accounts = []  # (policy, member, account, monthly base, mix, employer program?)

    def dplk(number, *, person, employer, start, base, mix):
        policy = Policy(
            number=number,
            policy_type=PolicyType.DPLK,
            status=Policy.Status.ACTIVE,
            start_date=start,
            holder=employer,
            holder_name="" if employer else person["full_name"],
        )
        member = Member(
            policy=policy,
            participant_number=number,
            relation=Member.Relation.PRINCIPAL,
            start_date=start,
            **{key: person[key] for key in ("full_name", "date_of_birth", "gender", "email", "mobile")},
        )
        account = DplkAccount(
            member=member,
            employer=employer,
            normal_retirement_age=56 if employer else 60,
            balance_as_of=D(today.year, today.month, 1) - datetime.timedelta(days=1),
        )
        accounts.append((policy, member, account, base, mix))

    for number, key, employer_name, start, base, mix in PERSONA_DPLK:
        dplk(
            number,
            person=PERSONAS_BY_KEY[key],
            employer=holder_by_name.get(employer_name),
            start=start,
            base=base,
            mix=mix,
        )
    active = [(p, e) for p, e in invented if p.status == Member.Status.ACTIVE]
    employed = rng.sample(active, min(len(active), max(6, members // 15)))
    for principal, employer in employed:
        person = {
            "full_name": principal.full_name,
            "date_of_birth": principal.date_of_birth,
            "gender": principal.gender,
            "email": principal.email,
            "mobile": principal.mobile,
        }
        start = max(principal.start_date, today - datetime.timedelta(days=rng.randrange(200, 8 * 365)))
        salary = rng.randrange(60, 450) * 100_000
        dplk(dplk_numbers.take(), person=person, employer=holder_by_name[employer.name], start=start, base=salary,
             mix=rng.choice(FUND_MIXES))  # fmt: skip
    program_only = [holder_by_name[e.name] for e in EMPLOYERS if not e.policy_number]
    for index in range(max(4, members // 30)):
        region = people.region()
        gender = rng.choice((F, M))
        name = people.name(region, gender)
        person = {
            "full_name": name,
            "date_of_birth": people.birthday(age_min=23, age_max=55, today=today),
            "gender": gender,
            "email": people.email(name),
            "mobile": people.mobile(),
        }
        start = today - datetime.timedelta(days=rng.randrange(200, 10 * 365))
        if index % 2 == 0:
            employer, base = program_only[index // 2 % len(program_only)], rng.randrange(45, 250) * 100_000
        else:
            employer, base = None, rng.choice((200_000, 250_000, 500_000, 750_000, 1_000_000, 1_500_000))
        dplk(dplk_numbers.take(), person=person, employer=employer, start=start, base=base, mix=rng.choice(FUND_MIXES))

    files.add(Policy, [row[0] for row in accounts])
    files.add(Member, [row[1] for row in accounts])
    files.add(DplkAccount, [row[2] for row in accounts])

    balances, contributions = [], []
    last_month_end = D(today.year, today.month, 1) - datetime.timedelta(days=1)
    for _policy, member, account, base, mix in accounts:
        grown = dict.fromkeys(mix, 0.0)
        for paid_on in months_between(member.start_date, last_month_end):
            if account.employer is not None:
                employer_part = int(round(base * EMPLOYER_RATE, -2))
                employee_part = int(round(base * EMPLOYEE_RATE, -2))
            else:
                employer_part, employee_part = 0, base
            contributions.append(
                DplkContribution(
                    account=account,
                    reference=f"IUR-{member.participant_number}-{paid_on:%Y%m}",
                    paid_on=paid_on,
                    employer_amount=employer_part,
                    employee_amount=employee_part,
                )
            )
            years = (last_month_end - paid_on).days / 365.25
            for code, percent in mix.items():
                grown[code] += (employer_part + employee_part) * percent / 100 * math.pow(1 + FUNDS[code][1], years)
        for code in sorted(mix):
            balances.append(
                DplkFundBalance(account=account, fund_code=code, fund_name=FUNDS[code][0], balance=int(grown[code]))
            )
    files.add(DplkFundBalance, balances)
    files.add(DplkContribution, contributions)
    counts.update(dplk_accounts=len(accounts), dplk_fund_balances=len(balances), dplk_contributions=len(contributions))
    return files.files(), counts
