"""The Indonesian translation is complete: every msgid translated, nothing fuzzy.

Colleagues add strings all the time; when this fails, run
    .venv/bin/python manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles --ignore=e2e --ignore=benchmarks
translate the new entries in locale/id/LC_MESSAGES/django.po, remove `#, fuzzy` after
checking them, and run `manage.py compilemessages --ignore=.venv`.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"


def _entries(language):
    return [entry for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")) if not entry.obsolete]


def _where(entry):
    return f"{entry.msgid!r} ({', '.join(f'{path}:{line}' for path, line in entry.occurrences[:2])})"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_catalogue_exists_for_every_language(language):
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]
    assert _entries(language), f"locale/{language} has no messages"


def test_every_indonesian_message_is_translated():
    untranslated = [_where(entry) for entry in _entries("id") if not entry.translated()]
    assert not untranslated, "untranslated in locale/id:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_message_is_fuzzy(language):
    fuzzy = [_where(entry) for entry in _entries(language) if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy in locale/{language} (check, then remove the flag):\n" + "\n".join(fuzzy)


def test_placeholders_survive_translation():
    # A translation that drops or renames %(name)s would crash at render time.
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    broken = []
    for entry in _entries("id"):
        if entry.msgid_plural:
            # Indonesian has one form: it must carry the plural msgid's placeholders.
            source, translations = entry.msgid_plural, list(entry.msgstr_plural.values())
        else:
            source, translations = entry.msgid, [entry.msgstr]
        for text in filter(None, translations):
            if set(placeholder.findall(source)) != set(placeholder.findall(text)):
                broken.append(_where(entry))
    assert not broken, "placeholders differ in locale/id:\n" + "\n".join(broken)


def test_the_compiled_catalogue_is_used():
    # Fails when the .mo files were not compiled (scripts/setup runs compilemessages).
    with translation.override("id"):
        assert translation.gettext("Main menu") == "Menu Utama"
    with translation.override("en"):
        assert translation.gettext("Main menu") == "Main menu"


@pytest.mark.parametrize(
    "language, hours, licence",
    [
        ("id", "Senin-Jumat 08.00-17.00 WIB", "Berizin dan diawasi oleh Otoritas Jasa Keuangan (OJK)"),
        ("en", "Monday-Friday 08:00-17:00 WIB", "Licensed and supervised by the Financial Services Authority (OJK)"),
    ],
)
def test_office_hours_and_licence_line_are_in_the_readers_language(client, db, language, hours, licence):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert hours in page
    assert licence in page


def test_english_labels_carry_no_indonesian_in_brackets(client, db):
    for path in ("/accounts/login/", "/accounts/register/", "/accounts/password-reset/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for word in ("(Daftar)", "(Menu Utama)", "(Lupa Password)", "(Lanjut)"):
            assert word not in page, (path, word)


@pytest.mark.parametrize("language", ["id", "en"])
def test_dates_are_day_month_year_in_both_languages(language):
    import datetime

    from django.template import Context, Template

    template = Template("{{ day }}|{{ day|date }}|{{ moment|date:'DATETIME_FORMAT' }}")
    moment = datetime.datetime(2026, 3, 4, 9, 5)
    with translation.override(language):
        rendered = template.render(Context({"day": datetime.date(2026, 3, 4), "moment": moment}))
    assert rendered == "04/03/2026|04/03/2026|04/03/2026 09:05"


def test_no_template_formats_a_date_another_way():
    found = []
    for path in list((settings.BASE_DIR / "satuklik").rglob("templates/**/*.*")) + list(
        (settings.BASE_DIR / "templates").rglob("*.*")
    ):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for date_format in re.findall(r"\|date:\"([^\"]*)\"", line):
                if not date_format.startswith("d/m/Y"):
                    found.append(f"{path}:{number} {date_format}")
    assert not found
