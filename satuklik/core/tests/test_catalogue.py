"""The Indonesian interface is entirely Indonesian: the catalogue has no message left
untranslated or marked fuzzy (a fuzzy entry is not used, so the English shows)."""

from pathlib import Path

import polib
from django.conf import settings


def test_every_indonesian_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    live = [entry for entry in catalogue if not entry.obsolete]
    assert len(live) > 500  # the real catalogue, not an empty file
    untranslated = [entry.msgid for entry in live if not entry.translated() and "fuzzy" not in entry.flags]
    fuzzy = [entry.msgid for entry in live if "fuzzy" in entry.flags]
    assert untranslated == []
    assert fuzzy == []
