"""Name normalisation: stored names and typed queries reduced to the same canonical form.

"RS Siloam", "Rumah Sakit Siloam", "rs. siloam" and "SILOAM HOSPITAL" all become
"rumah sakit siloam" (or contain every word of it), so a search matches however the
insurer's file or the member spells it. The stored form lives in Provider.search_name,
computed on save and on import; queries go through the same function.
"""

import re
import unicodedata

# One canonical spelling per abbreviation or synonym, applied word by word.
ABBREVIATIONS = {
    "rs": "rumah sakit",
    "rsu": "rumah sakit umum",
    "rsud": "rumah sakit umum daerah",
    "rsup": "rumah sakit umum pusat",
    "rsia": "rumah sakit ibu dan anak",
    "rsab": "rumah sakit anak dan bunda",
    "rsb": "rumah sakit bersalin",
    "rsi": "rumah sakit islam",
    "rsgm": "rumah sakit gigi dan mulut",
    "rsj": "rumah sakit jiwa",
    "rsk": "rumah sakit khusus",
    "rsm": "rumah sakit mata",
    "hospital": "rumah sakit",
    "hospitals": "rumah sakit",
    "clinic": "klinik",
    "clinics": "klinik",
    "apotik": "apotek",
    "pharmacy": "apotek",
    "optic": "optik",
    "optical": "optik",
    "lab": "laboratorium",
    "laboratory": "laboratorium",
    "dental": "gigi",
    "st": "santo",
    "&": "dan",
}
# Words that carry no meaning in a query (they stay in the stored name).
STOPWORDS = {"dan", "and", "the", "of"}
# Hyphens and apostrophes join ("K-24" -> "k24"); other punctuation separates words.
_JOINERS = re.compile(r"[-'\u2019`]")
_SEPARATORS = re.compile(r"[^\w&]+")
CITY_PREFIXES = ("kota ", "kabupaten ", "kab ")
MAX_QUERY_WORDS = 8


def fold(text):
    """Lower-case, accents stripped, punctuation reduced, single spaces."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _JOINERS.sub("", text)
    text = _SEPARATORS.sub(" ", text.replace("_", " ").replace("&", " & "))
    return " ".join(text.split())


def _expand(words):
    out = []
    for word in words:
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


def normalize_name(name):
    """The canonical search form of a provider's name, as stored in search_name."""
    return " ".join(_expand(fold(name).split()))


def query_words(query):
    """The words a name must all contain (as substrings) to match the query.

    Partial words match ("silo" finds Siloam); order does not matter ("jeruk siloam").
    """
    words = []
    for word in _expand(fold(query).split()):
        if word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def normalize_city(city):
    """A city's key: folded, without a "Kota"/"Kabupaten" prefix ("Kota Bandung" = "Bandung")."""
    key = fold(city)
    for prefix in CITY_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key
