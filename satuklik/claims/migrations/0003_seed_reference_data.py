"""Seed the reference tables: reason codes, the document checklists of issue 5, public holidays.

All three are data the back office edits afterwards (admin); this migration only gives a
new installation a sensible start and never overwrites an edited row (get_or_create).
"""

import datetime

from django.db import migrations

REASON_CODES = [
    # code, Indonesian, English, for items, for claims
    ("LIMIT_AMOUNT", "Melebihi batas manfaat", "Over the benefit amount limit", True, False),
    ("LIMIT_ANNUAL", "Batas tahunan sudah terpakai", "Annual limit used up", True, False),
    ("LIMIT_COUNT", "Batas jumlah pemakaian tercapai", "Count limit reached", True, True),
    ("WAITING_PERIOD", "Masih dalam masa tunggu", "Within the waiting period", True, True),
    ("DEDUCTIBLE", "Dikurangi deductible", "Deductible applied", True, False),
    ("COPAY", "Dikurangi porsi co-payment peserta", "Co-payment share borne by the member", True, False),
    ("NOT_COVERED", "Tidak ditanggung oleh polis", "Not covered by the plan", True, True),
    ("EXCESS_ROOM", "Selisih kelas kamar ditanggung peserta", "Excess room class borne by the member", True, False),
    ("NOT_ACTIVE", "Kepesertaan tidak aktif pada tanggal perawatan", "Coverage not active on the treatment date", True, True),
    ("LATE_SUBMISSION", "Diajukan lebih dari 60 hari setelah perawatan", "Submitted more than 60 days after treatment", False, True),
    ("DOCS_INCOMPLETE", "Dokumen tidak lengkap", "Documents incomplete", True, True),
    ("DUPLICATE", "Klaim ganda", "Duplicate claim", True, True),
    ("OFFICER_ADJUSTMENT", "Penyesuaian oleh petugas klaim", "Adjusted by the claims officer", True, True),
    ("OTHER", "Alasan lain", "Other reason", True, True),
]

DOCUMENTS = {
    # benefit type: [(code, Indonesian, English, required)]
    "INPATIENT": [
        ("MEDICAL_RESUME", "Resume medis dari dokter yang merawat", "Medical resume by the treating doctor", True),
        ("ITEMISED_BILL", "Rincian biaya (itemized bill)", "Itemised bill", True),
        ("RECEIPT", "Kuitansi asli", "Receipts", True),
        ("LAB_RESULT", "Hasil laboratorium / penunjang", "Lab results", False),
        ("PRESCRIPTION", "Resep obat", "Prescription", False),
    ],
    "OUTPATIENT": [
        ("RECEIPT", "Kuitansi", "Receipt", True),
        ("PRESCRIPTION", "Resep obat", "Prescription", True),
        ("DIAGNOSIS", "Keterangan diagnosis dari dokter", "Diagnosis from the doctor", False),
    ],
    "DENTAL": [
        ("DENTAL_REPORT", "Laporan dokter gigi (nomor gigi dan tindakan)", "Dental report naming the tooth and procedure", True),
        ("RECEIPT", "Kuitansi", "Receipt", True),
    ],
    "OPTICAL": [
        ("EYE_EXAM", "Hasil pemeriksaan mata", "Eye-examination report", True),
        ("RECEIPT_FRAME_LENS", "Kuitansi dengan rincian bingkai dan lensa", "Receipt itemising frame and lenses", True),
    ],
    "MATERNITY": [
        ("MEDICAL_RESUME", "Resume medis", "Medical resume", True),
        ("ULTRASOUND", "Hasil USG", "Ultrasound result", True),
        ("PRESCRIPTION", "Resep obat", "Prescription", False),
        ("RECEIPT", "Kuitansi", "Receipt", True),
    ],
}

# Indonesian national holidays and collective leave days (cuti bersama) as set by the
# joint decrees of the Ministers of Religious Affairs, Manpower and State Apparatus
# (SKB 3 Menteri) for 2025 (No. 1017/2024, 2/2024, 2/2024) and 2026 (published
# September 2025). For 2027 only the fixed-date holidays are seeded: the moving ones
# (Islamic, Chinese, Balinese and Christian calendars) and the cuti bersama must be added
# in the back office (Claims > Public holidays) when the 2027 decree is published.
HOLIDAYS = [
    ("2025-01-01", "Tahun Baru 2025 Masehi"),
    ("2025-01-27", "Isra Mikraj Nabi Muhammad SAW"),
    ("2025-01-28", "Cuti bersama Tahun Baru Imlek"),
    ("2025-01-29", "Tahun Baru Imlek 2576 Kongzili"),
    ("2025-03-28", "Cuti bersama Hari Suci Nyepi"),
    ("2025-03-29", "Hari Suci Nyepi Tahun Baru Saka 1947"),
    ("2025-03-31", "Idul Fitri 1446 H"),
    ("2025-04-01", "Idul Fitri 1446 H"),
    ("2025-04-02", "Cuti bersama Idul Fitri"),
    ("2025-04-03", "Cuti bersama Idul Fitri"),
    ("2025-04-04", "Cuti bersama Idul Fitri"),
    ("2025-04-07", "Cuti bersama Idul Fitri"),
    ("2025-04-18", "Wafat Yesus Kristus"),
    ("2025-04-20", "Kebangkitan Yesus Kristus (Paskah)"),
    ("2025-05-01", "Hari Buruh Internasional"),
    ("2025-05-12", "Hari Raya Waisak 2569 BE"),
    ("2025-05-13", "Cuti bersama Hari Raya Waisak"),
    ("2025-05-29", "Kenaikan Yesus Kristus"),
    ("2025-05-30", "Cuti bersama Kenaikan Yesus Kristus"),
    ("2025-06-01", "Hari Lahir Pancasila"),
    ("2025-06-06", "Idul Adha 1446 H"),
    ("2025-06-09", "Cuti bersama Idul Adha"),
    ("2025-06-27", "Tahun Baru Islam 1447 H"),
    ("2025-08-17", "Hari Kemerdekaan Republik Indonesia"),
    ("2025-08-18", "Cuti bersama Hari Kemerdekaan"),
    ("2025-09-05", "Maulid Nabi Muhammad SAW"),
    ("2025-12-25", "Hari Raya Natal"),
    ("2025-12-26", "Cuti bersama Hari Raya Natal"),
    ("2026-01-01", "Tahun Baru 2026 Masehi"),
    ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-16", "Cuti bersama Tahun Baru Imlek"),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-18", "Cuti bersama Hari Suci Nyepi"),
    ("2026-03-19", "Hari Suci Nyepi Tahun Baru Saka 1948"),
    ("2026-03-20", "Cuti bersama Idul Fitri"),
    ("2026-03-21", "Idul Fitri 1447 H"),
    ("2026-03-22", "Idul Fitri 1447 H"),
    ("2026-03-23", "Cuti bersama Idul Fitri"),
    ("2026-03-24", "Cuti bersama Idul Fitri"),
    ("2026-04-03", "Wafat Yesus Kristus"),
    ("2026-04-05", "Kebangkitan Yesus Kristus (Paskah)"),
    ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"),
    ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus"),
    ("2026-05-27", "Idul Adha 1447 H"),
    ("2026-05-28", "Cuti bersama Idul Adha"),
    ("2026-05-31", "Hari Raya Waisak 2570 BE"),
    ("2026-06-01", "Hari Lahir Pancasila"),
    ("2026-06-16", "Tahun Baru Islam 1448 H"),
    ("2026-08-17", "Hari Kemerdekaan Republik Indonesia"),
    ("2026-08-25", "Maulid Nabi Muhammad SAW"),
    ("2026-12-24", "Cuti bersama Hari Raya Natal"),
    ("2026-12-25", "Hari Raya Natal"),
    ("2027-01-01", "Tahun Baru 2027 Masehi"),
    ("2027-05-01", "Hari Buruh Internasional"),
    ("2027-06-01", "Hari Lahir Pancasila"),
    ("2027-08-17", "Hari Kemerdekaan Republik Indonesia"),
    ("2027-12-25", "Hari Raya Natal"),
]


def seed(apps, schema_editor):
    ReasonCode = apps.get_model("claims", "ReasonCode")
    DocumentRequirement = apps.get_model("claims", "DocumentRequirement")
    PublicHoliday = apps.get_model("claims", "PublicHoliday")
    for code, text_id, text_en, for_items, for_claims in REASON_CODES:
        ReasonCode.objects.get_or_create(
            code=code,
            defaults={"text_id": text_id, "text_en": text_en, "for_items": for_items, "for_claims": for_claims},
        )
    for benefit_type, rows in DOCUMENTS.items():
        for order, (code, name_id, name_en, required) in enumerate(rows, start=1):
            DocumentRequirement.objects.get_or_create(
                benefit_type=benefit_type,
                code=code,
                defaults={"name_id": name_id, "name_en": name_en, "required": required, "sort_order": order * 10},
            )
    for day, name in HOLIDAYS:
        PublicHoliday.objects.get_or_create(date=datetime.date.fromisoformat(day), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_claim_documents_history_reference")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
