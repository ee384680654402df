"""Indonesian banks a claim can be paid to: (code, name).

The codes are the three-digit bank codes of Bank Indonesia's clearing system (SKNBI),
which transfer files use; the list is kept short and common, ordered by name.
"""

INDONESIAN_BANKS = [
    ("014", "BCA (Bank Central Asia)"),
    ("002", "BRI (Bank Rakyat Indonesia)"),
    ("009", "BNI (Bank Negara Indonesia)"),
    ("008", "Bank Mandiri"),
    ("451", "BSI (Bank Syariah Indonesia)"),
    ("200", "BTN (Bank Tabungan Negara)"),
    ("022", "CIMB Niaga"),
    ("011", "Bank Danamon"),
    ("013", "Bank Permata"),
    ("028", "OCBC NISP"),
    ("016", "Maybank Indonesia"),
    ("019", "Panin Bank"),
    ("426", "Bank Mega"),
    ("110", "Bank BJB"),
    ("111", "Bank DKI"),
    ("114", "Bank Jatim"),
    ("113", "Bank Jateng"),
    ("542", "Bank Jago"),
    ("535", "SeaBank Indonesia"),
    ("490", "Bank Neo Commerce"),
    ("213", "Bank SMBC Indonesia (BTPN)"),
    ("153", "Bank Sinarmas"),
    ("441", "KB Bank (Bukopin)"),
    ("023", "UOB Indonesia"),
    ("087", "HSBC Indonesia"),
    ("031", "Citibank"),
    ("046", "DBS Indonesia"),
    ("147", "Bank Muamalat"),
]

BANK_NAMES = dict(INDONESIAN_BANKS)


def bank_name(code: str) -> str:
    return BANK_NAMES.get(code, code)


def bank_choices():
    return sorted(INDONESIAN_BANKS, key=lambda row: row[1].lower())
