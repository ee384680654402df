"""Demo partner directory: 1,600 providers across 65 Indonesian cities, from Sabang to Merauke.

Deterministic (a seeded random generator), idempotent (rows keyed on their code; a second
run adds nothing), written as the insurer's provider file and loaded through the provider
import. Coordinates are real city centres with each
provider placed within a few km of it. Real hospital-chain names appear as hospitals, as
they would in an insurer's network list; none of them is the insurer.

    from satuklik.demo.providers import build_demo_providers
    build_demo_providers()      # also called by `manage.py seed_demo`
"""

import csv
import io
import math
import random

from django.db import transaction

from satuklik.policies.models import Plan
from satuklik.providers.models import Provider, ProviderType
from satuklik.providers.services import providers_import

DEMO_CODE_PREFIX = "DEMO-"
TOTAL = 1600
SEED = 20250101

# name, province, latitude, longitude, weight (share of providers), phone area code, postal code base
CITIES = [
    ("Sabang", "Aceh", 5.8933, 95.3214, 1, "0652", 23512),
    ("Banda Aceh", "Aceh", 5.5483, 95.3238, 2, "0651", 23111),
    ("Lhokseumawe", "Aceh", 5.1801, 97.1507, 1, "0645", 24351),
    ("Medan", "Sumatera Utara", 3.5952, 98.6722, 7, "061", 20111),
    ("Pematangsiantar", "Sumatera Utara", 2.9595, 99.0687, 1, "0622", 21111),
    ("Padang", "Sumatera Barat", -0.9471, 100.4172, 3, "0751", 25111),
    ("Bukittinggi", "Sumatera Barat", -0.3055, 100.3692, 1, "0752", 26111),
    ("Pekanbaru", "Riau", 0.5071, 101.4478, 3, "0761", 28111),
    ("Batam", "Kepulauan Riau", 1.0456, 104.0305, 3, "0778", 29411),
    ("Tanjung Pinang", "Kepulauan Riau", 0.9186, 104.4554, 1, "0771", 29111),
    ("Jambi", "Jambi", -1.6101, 103.6131, 2, "0741", 36111),
    ("Palembang", "Sumatera Selatan", -2.9761, 104.7754, 4, "0711", 30111),
    ("Pangkal Pinang", "Kepulauan Bangka Belitung", -2.1291, 106.1090, 1, "0717", 33111),
    ("Bengkulu", "Bengkulu", -3.7928, 102.2608, 1, "0736", 38211),
    ("Bandar Lampung", "Lampung", -5.3971, 105.2668, 3, "0721", 35111),
    ("Serang", "Banten", -6.1200, 106.1503, 1, "0254", 42111),
    ("Tangerang", "Banten", -6.1783, 106.6319, 4, "021", 15111),
    ("Tangerang Selatan", "Banten", -6.2886, 106.7179, 4, "021", 15311),
    ("Jakarta Pusat", "DKI Jakarta", -6.1865, 106.8341, 6, "021", 10110),
    ("Jakarta Selatan", "DKI Jakarta", -6.2615, 106.8106, 7, "021", 12110),
    ("Jakarta Barat", "DKI Jakarta", -6.1674, 106.7637, 6, "021", 11110),
    ("Jakarta Timur", "DKI Jakarta", -6.2250, 106.9004, 6, "021", 13110),
    ("Jakarta Utara", "DKI Jakarta", -6.1384, 106.8637, 5, "021", 14110),
    ("Bekasi", "Jawa Barat", -6.2383, 106.9756, 4, "021", 17111),
    ("Depok", "Jawa Barat", -6.4025, 106.7942, 3, "021", 16411),
    ("Bogor", "Jawa Barat", -6.5971, 106.8060, 3, "0251", 16111),
    ("Bandung", "Jawa Barat", -6.9175, 107.6191, 7, "022", 40111),
    ("Cirebon", "Jawa Barat", -6.7320, 108.5523, 2, "0231", 45111),
    ("Tasikmalaya", "Jawa Barat", -7.3274, 108.2207, 1, "0265", 46111),
    ("Purwokerto", "Jawa Tengah", -7.4245, 109.2396, 1, "0281", 53111),
    ("Tegal", "Jawa Tengah", -6.8694, 109.1402, 1, "0283", 52111),
    ("Semarang", "Jawa Tengah", -6.9667, 110.4167, 5, "024", 50111),
    ("Surakarta", "Jawa Tengah", -7.5755, 110.8243, 3, "0271", 57111),
    ("Yogyakarta", "DI Yogyakarta", -7.7956, 110.3695, 4, "0274", 55111),
    ("Surabaya", "Jawa Timur", -7.2575, 112.7521, 8, "031", 60111),
    ("Malang", "Jawa Timur", -7.9666, 112.6326, 3, "0341", 65111),
    ("Kediri", "Jawa Timur", -7.8480, 112.0178, 1, "0354", 64111),
    ("Jember", "Jawa Timur", -8.1724, 113.7005, 1, "0331", 68111),
    ("Banyuwangi", "Jawa Timur", -8.2192, 114.3691, 1, "0333", 68411),
    ("Denpasar", "Bali", -8.6705, 115.2126, 4, "0361", 80111),
    ("Mataram", "Nusa Tenggara Barat", -8.5833, 116.1167, 2, "0370", 83111),
    ("Bima", "Nusa Tenggara Barat", -8.4606, 118.7270, 1, "0374", 84111),
    ("Labuan Bajo", "Nusa Tenggara Timur", -8.4964, 119.8877, 1, "0385", 86554),
    ("Kupang", "Nusa Tenggara Timur", -10.1772, 123.6070, 2, "0380", 85111),
    ("Pontianak", "Kalimantan Barat", -0.0263, 109.3425, 3, "0561", 78111),
    ("Singkawang", "Kalimantan Barat", 0.9060, 108.9845, 1, "0562", 79111),
    ("Palangka Raya", "Kalimantan Tengah", -2.2161, 113.9135, 1, "0536", 73111),
    ("Banjarmasin", "Kalimantan Selatan", -3.3186, 114.5944, 3, "0511", 70111),
    ("Balikpapan", "Kalimantan Timur", -1.2379, 116.8529, 3, "0542", 76111),
    ("Samarinda", "Kalimantan Timur", -0.5022, 117.1536, 3, "0541", 75111),
    ("Tarakan", "Kalimantan Utara", 3.3000, 117.6333, 1, "0551", 77111),
    ("Manado", "Sulawesi Utara", 1.4748, 124.8421, 3, "0431", 95111),
    ("Gorontalo", "Gorontalo", 0.5435, 123.0568, 1, "0435", 96111),
    ("Palu", "Sulawesi Tengah", -0.8917, 119.8707, 2, "0451", 94111),
    ("Mamuju", "Sulawesi Barat", -2.6748, 118.8885, 1, "0426", 91511),
    ("Makassar", "Sulawesi Selatan", -5.1477, 119.4327, 5, "0411", 90111),
    ("Parepare", "Sulawesi Selatan", -4.0135, 119.6255, 1, "0421", 91111),
    ("Kendari", "Sulawesi Tenggara", -3.9985, 122.5129, 1, "0401", 93111),
    ("Ambon", "Maluku", -3.6954, 128.1814, 2, "0911", 97111),
    ("Ternate", "Maluku Utara", 0.7893, 127.3754, 1, "0921", 97711),
    ("Sorong", "Papua Barat Daya", -0.8762, 131.2558, 1, "0951", 98411),
    ("Manokwari", "Papua Barat", -0.8615, 134.0620, 1, "0986", 98311),
    ("Timika", "Papua Tengah", -4.5467, 136.8833, 1, "0901", 99911),
    ("Jayapura", "Papua", -2.5337, 140.7181, 2, "0967", 99111),
    ("Merauke", "Papua Selatan", -8.4932, 140.4018, 1, "0971", 99611),
]

# Well-known names pinned near their real places, so the demo searches look familiar.
SIGNATURE = [
    ("RS Siloam Kebon Jeruk", "Jakarta Barat", -6.1909, 106.7636, ProviderType.HOSPITAL),
    ("Siloam Hospitals Semanggi", "Jakarta Selatan", -6.2220, 106.8160, ProviderType.HOSPITAL),
    ("RS Siloam Asri", "Jakarta Selatan", -6.2570, 106.8350, ProviderType.HOSPITAL),
    ("Siloam Hospitals TB Simatupang", "Jakarta Selatan", -6.2920, 106.8000, ProviderType.HOSPITAL),
    ("RS Siloam Kelapa Gading", "Jakarta Utara", -6.1590, 106.9060, ProviderType.HOSPITAL),
    ("RSU Mitra Keluarga Kelapa Gading", "Jakarta Utara", -6.1580, 106.9080, ProviderType.HOSPITAL),
    ("RS Hermina Jatinegara", "Jakarta Timur", -6.2160, 106.8770, ProviderType.HOSPITAL),
    ("RS Pondok Indah", "Jakarta Selatan", -6.2830, 106.7820, ProviderType.HOSPITAL),
    ("RSIA Bunda Menteng", "Jakarta Pusat", -6.1980, 106.8360, ProviderType.HOSPITAL),
    ("RS Premier Bintaro", "Tangerang Selatan", -6.2760, 106.7130, ProviderType.HOSPITAL),
    ("Siloam Hospitals Lippo Village", "Tangerang", -6.2260, 106.6000, ProviderType.HOSPITAL),
    ("Siloam Hospitals Surabaya", "Surabaya", -7.2900, 112.7380, ProviderType.HOSPITAL),
    ("RS Siloam Makassar", "Makassar", -5.1530, 119.4100, ProviderType.HOSPITAL),
    ("Siloam Hospitals Manado", "Manado", 1.4870, 124.8360, ProviderType.HOSPITAL),
    ("RS Siloam Kupang", "Kupang", -10.1590, 123.5860, ProviderType.HOSPITAL),
    ("Siloam Hospitals Denpasar", "Denpasar", -8.6830, 115.2220, ProviderType.HOSPITAL),
    ("RSUD Sabang", "Sabang", 5.8890, 95.3180, ProviderType.HOSPITAL),
    ("RSUD Merauke", "Merauke", -8.4970, 140.4040, ProviderType.HOSPITAL),
    ("Apotek K-24 Tebet", "Jakarta Selatan", -6.2260, 106.8530, ProviderType.PHARMACY),
    ("Optik Melawai Blok M", "Jakarta Selatan", -6.2440, 106.7990, ProviderType.OPTICAL),
]

JAKARTA_AREAS = {
    "Jakarta Pusat": ["Menteng", "Kemayoran", "Cempaka Putih", "Senen", "Tanah Abang", "Gambir"],
    "Jakarta Selatan": ["Tebet", "Kebayoran", "Cilandak", "Kuningan", "Pondok Indah", "Pasar Minggu", "Mampang"],
    "Jakarta Barat": ["Grogol", "Kebon Jeruk", "Cengkareng", "Kalideres", "Palmerah", "Taman Sari"],
    "Jakarta Timur": ["Pulomas", "Cibubur", "Duren Sawit", "Jatinegara", "Cakung", "Kramat Jati"],
    "Jakarta Utara": ["Kelapa Gading", "Sunter", "Pluit", "Tanjung Priok", "Koja", "Penjaringan"],
}
AREA_WORDS = ["Kota", "Sentral", "Timur", "Barat", "Utara", "Selatan", "Raya", "Permai", "Indah", "Baru"]
HOSPITAL_CHAINS = [
    "Siloam", "Mitra Keluarga", "Hermina", "Mayapada", "Primaya", "EMC", "Awal Bros", "Bethsaida",
    "Santo Borromeus", "Panti Rapih", "Murni Teguh", "Columbia Asia", "Eka", "Premier",
]  # fmt: skip
HOSPITAL_PATTERNS = [
    "RS {chain} {area}",
    "RSU {chain} {area}",
    "{chain} Hospitals {area}",
    "Rumah Sakit {chain} {area}",
]
WORDS = ["Sehat", "Sentosa", "Medika", "Harapan", "Keluarga", "Bunda", "Citra", "Mitra", "Prima", "Husada", "Kasih",
         "Anugerah", "Permata", "Cahaya", "Sejahtera", "Utama"]  # fmt: skip
OTHER_HOSPITALS = ["RSIA {word} {area}", "RS Islam {area}", "RSUD {city}", "RS {word} Husada", "RSU {word} Medika"]
CLINICS = ["Klinik Pratama {word} {area}", "Klinik Utama {word} Medika", "Klinik {word} {area}", "Clinic {word} {area}"]
DENTAL = ["Klinik Gigi {word} {area}", "Dental Clinic {word}", "Klinik Gigi drg. {word}"]
OPTICAL = ["Optik Melawai {area}", "Optik Tunggal {area}", "Optik Seis {area}", "Optik {word}"]
PHARMACIES = ["Apotek K-24 {area}", "Apotek Kimia Farma {area}", "Apotek Century {area}", "Apotik {word} Farma"]
LABS = ["Laboratorium Klinik Prodia {area}", "Lab Klinik Pramita {area}", "Laboratorium {word} {area}"]
STREETS = ["Jenderal Sudirman", "Gatot Subroto", "Ahmad Yani", "Diponegoro", "Gajah Mada", "Hayam Wuruk", "Pemuda",
           "Merdeka", "Pahlawan", "Veteran", "Imam Bonjol", "Teuku Umar", "Kartini", "MH Thamrin", "Hasanuddin",
           "Pattimura", "Sam Ratulangi", "Dr. Sutomo", "Gunung Sahari", "Raya Bogor"]  # fmt: skip

TYPE_SHARES = [
    (ProviderType.HOSPITAL, 30),
    (ProviderType.CLINIC, 28),
    (ProviderType.DENTAL_CLINIC, 10),
    (ProviderType.OPTICAL, 8),
    (ProviderType.PHARMACY, 16),
    (ProviderType.LABORATORY, 8),
]
CASHLESS_SHARE = {
    ProviderType.HOSPITAL: 0.85,
    ProviderType.CLINIC: 0.7,
    ProviderType.DENTAL_CLINIC: 0.6,
    ProviderType.OPTICAL: 0.5,
    ProviderType.PHARMACY: 0.6,
    ProviderType.LABORATORY: 0.7,
}


def _city_counts():
    total_weight = sum(city[4] for city in CITIES)
    free = TOTAL - len(SIGNATURE)
    return {city[0]: max(4, round(free * city[4] / total_weight)) for city in CITIES}


def _jitter(rng, lat, lng, sigma_km, max_km=8.0):
    distance = min(max_km, abs(rng.gauss(0, sigma_km)))
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlng = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _name(rng, provider_type, city_name):
    if city_name in JAKARTA_AREAS:
        area = rng.choice(JAKARTA_AREAS[city_name])
    else:
        area = f"{city_name} {rng.choice(AREA_WORDS)}"
    word = rng.choice(WORDS)
    if provider_type == ProviderType.HOSPITAL:
        if rng.random() < 0.6:
            return rng.choice(HOSPITAL_PATTERNS).format(chain=rng.choice(HOSPITAL_CHAINS), area=area)
        return rng.choice(OTHER_HOSPITALS).format(word=word, area=area, city=city_name)
    patterns = {
        ProviderType.CLINIC: CLINICS,
        ProviderType.DENTAL_CLINIC: DENTAL,
        ProviderType.OPTICAL: OPTICAL,
        ProviderType.PHARMACY: PHARMACIES,
        ProviderType.LABORATORY: LABS,
    }[provider_type]
    return rng.choice(patterns).format(word=word, area=area)


def _details(rng, provider_type, name):
    """Services, hours and emergency desk typical of the provider's type."""
    services = dict.fromkeys(
        ["service_inpatient", "service_outpatient", "service_dental", "service_maternity", "service_optical"], False
    )
    emergency = False
    if provider_type == ProviderType.HOSPITAL:
        services.update(service_inpatient=True, service_outpatient=True)
        services["service_maternity"] = name.startswith("RSIA") or rng.random() < 0.6
        services["service_dental"] = rng.random() < 0.5
        services["service_optical"] = rng.random() < 0.2
        emergency = rng.random() < 0.9
        hours = "24 jam" if emergency else "Senin-Sabtu 07.00-21.00"
    elif provider_type == ProviderType.CLINIC:
        services["service_outpatient"] = True
        services["service_dental"] = rng.random() < 0.2
        services["service_maternity"] = rng.random() < 0.15
        emergency = rng.random() < 0.1
        hours = "24 jam" if emergency else "Senin-Sabtu 07.00-21.00"
    elif provider_type == ProviderType.DENTAL_CLINIC:
        services["service_dental"] = True
        hours = "Senin-Sabtu 09.00-20.00"
    elif provider_type == ProviderType.OPTICAL:
        services["service_optical"] = True
        hours = "Setiap hari 10.00-21.00"
    else:  # pharmacy, laboratory: prescriptions and tests fall under outpatient benefits
        services["service_outpatient"] = True
        hours = "24 jam" if "K-24" in name else "Setiap hari 07.00-22.00"
    return services, hours, emergency


def _provider(rng, index, name, provider_type, city, lat, lng):
    city_name, province, _lat, _lng, _weight, area_code, postal = city
    services, hours, emergency = _details(rng, provider_type, name)
    provider = Provider(
        code=f"{DEMO_CODE_PREFIX}{index:05d}",
        name=name,
        provider_type=provider_type,
        address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 250)}",
        city=city_name,
        province=province,
        postal_code=str(postal + rng.randint(0, 80)),
        latitude=lat,
        longitude=lng,
        phone=f"({area_code}) {rng.randint(300, 899)}{rng.randint(1000, 9999)}",
        opening_hours=hours,
        emergency_24h=emergency,
        cashless=rng.random() < CASHLESS_SHARE[provider_type],
        **services,
    )
    provider.refresh_search_fields()
    return provider


def demo_providers():
    """The demo rows (unsaved), the same on every call."""
    # Demo data, deterministic on purpose (not for anything secret).
    rng = random.Random(SEED)  # nosec B311
    by_name = {city[0]: city for city in CITIES}
    rows = []
    used = set()
    for name, city_name, lat, lng, provider_type in SIGNATURE:
        used.add(name)
        rows.append(_provider(rng, len(rows) + 1, name, provider_type, by_name[city_name], lat, lng))
    types = [t for t, _share in TYPE_SHARES]
    shares = [share for _t, share in TYPE_SHARES]
    for city_name, count in _city_counts().items():
        city = by_name[city_name]
        sigma = 3.0 if city[4] >= 5 else 2.0
        for _ in range(count):
            provider_type = rng.choices(types, shares)[0]
            lat, lng = _jitter(rng, city[2], city[3], sigma)
            name = _name(rng, provider_type, city_name)
            for _retry in range(5):
                if name not in used:
                    break
                name = _name(rng, provider_type, city_name)
            else:
                name = f"{name} {len(rows) + 1}"
            used.add(name)
            rows.append(_provider(rng, len(rows) + 1, name, provider_type, city, lat, lng))
    return rows


def demo_directory_file(plans: list[tuple[int, str]]) -> bytes:
    """The demo directory as the insurer's provider file (docs/providers.md), with the networks
    of `plans` ((id, code) pairs): every cashless provider's network, the well-known
    hospitals in every plan's, 4 in 5 of the others in each, so the demo shows both answers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["provider_code", "name", "type", "address", "city", "province", "postal_code", "latitude",
                     "longitude", "phone", "opening_hours", "emergency_24h", "services", "cashless", "network_plans"])  # fmt: skip
    for index, provider in enumerate(demo_providers(), start=1):
        network = [
            code
            for plan_id, code in plans
            if provider.cashless and (index <= len(SIGNATURE) or (index * 7 + plan_id * 13) % 5 != 0)
        ]
        writer.writerow(
            [provider.code, provider.name, provider.provider_type, provider.address, provider.city, provider.province,
             provider.postal_code, provider.latitude, provider.longitude, provider.phone, provider.opening_hours,
             "Y" if provider.emergency_24h else "N", "; ".join(provider.services),
             "Y" if provider.cashless else "N", "; ".join(network)]
        )  # fmt: skip
    return out.getvalue().encode()


def build_demo_providers():
    """Import the demo directory through the provider import, with the networks of the plans
    that exist now; returns the number of providers created. Running it again creates
    nothing and adds the plans created since to the networks."""
    plans = list(Plan.objects.order_by("id").values_list("id", "code"))
    with transaction.atomic():
        report = providers_import(file=demo_directory_file(plans), file_name="demo_providers.csv")
    if not report.ok:
        raise ValueError("the demo directory does not import:\n" + report.format_text())
    return report.created
