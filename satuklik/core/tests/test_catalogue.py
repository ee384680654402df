"""A member never meets English, or a wrong word, on an Indonesian page.

Three checks: the Indonesian catalogue has no empty or fuzzy entry (a fuzzy entry is not
used, so the English shows); no Indonesian text uses a word docs/glossary.md bans (its table
"Never in Indonesian text" is the one list); and the texts Python builds for a member
(flash messages, form and service errors, API errors, inbox items) go through gettext, so
that makemessages collects them. Each check is a function tried on planted bad input too.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
GLOSSARY = BASE / "docs" / "glossary.md"
CATALOGUE = BASE / "locale" / "id" / "LC_MESSAGES" / "django.po"


def banned_patterns(glossary_text: str) -> list[re.Pattern]:
    """The first column of the glossary's "Never in Indonesian text" table, as regexes."""
    section = glossary_text.split("## Never in Indonesian text", 1)[1].split("\n## ", 1)[0]
    return [re.compile(row.split("`")[1]) for row in section.splitlines() if row.startswith("| `")]


def catalogue_problems(catalogue: polib.POFile, banned: list[re.Pattern]) -> list[str]:
    """Every entry a member would see wrong: empty, fuzzy, or with a banned word."""
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if not texts or not all(text.strip() for text in texts):
            problems.append(f"empty: {entry.msgid!r}")
        for text in texts:
            for pattern in banned:
                if pattern.search(text):
                    problems.append(f"banned {pattern.pattern}: {entry.msgid!r} -> {text!r}")
    return problems


# --- member-facing texts built in Python --------------------------------------------------
# Where a text reaches a member: (call name, positional index of the text, keyword names).
MEMBER_TEXT_ARGUMENTS = {
    "success": (1, ()),  # django.contrib.messages.<level>(request, text)
    "info": (1, ()),
    "warning": (1, ()),
    "error": (1, ()),
    "ValidationError": (0, ("message",)),
    "ApiError": (2, ("message",)),
    "error_body": (None, ("message",)),
    "inbox_notify": (None, ("title", "body")),
}


def _is_untranslated(node: ast.expr) -> bool:
    """A literal text (or f-string, or literal % ...) instead of a gettext call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _is_untranslated(node.left)
    return False


def untranslated_texts(source: str, filename: str = "<string>") -> list[str]:
    """Calls in source that hand a member a text not passed through gettext."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in MEMBER_TEXT_ARGUMENTS:
            continue
        if name in ("success", "info", "warning", "error") and not (
            isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "messages"
        ):
            continue  # logger.error(...) and friends are not for members
        index, keywords = MEMBER_TEXT_ARGUMENTS[name]
        arguments = [node.args[index]] if index is not None and len(node.args) > index else []
        arguments += [keyword.value for keyword in node.keywords if keyword.arg in keywords]
        found += [f"{filename}:{node.lineno} {name}" for argument in arguments if _is_untranslated(argument)]
    return found


def _application_modules():
    for path in sorted((BASE / "satuklik").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


# --- the real catalogue and code ------------------------------------------------------------


def test_the_glossary_bans_the_known_mistakes():
    patterns = [pattern.pattern for pattern in banned_patterns(GLOSSARY.read_text())]
    assert len(patterns) >= 5
    for mistake in ("Hallo, JANE", "Lunas", "password", "Kacamata", "12 atau lebih lebih aman"):
        assert any(re.search(pattern, mistake) for pattern in patterns), mistake


def test_every_indonesian_entry_is_translated_not_fuzzy_and_uses_the_glossary():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len([entry for entry in catalogue if not entry.obsolete]) > 500  # the real catalogue
    problems = catalogue_problems(catalogue, banned_patterns(GLOSSARY.read_text()))
    assert not problems, "locale/id/LC_MESSAGES/django.po (see docs/glossary.md):\n" + "\n".join(problems)


def test_member_facing_texts_built_in_python_go_through_gettext():
    found = []
    for path in _application_modules():
        found += untranslated_texts(path.read_text(), str(path.relative_to(BASE)))
    assert not found, "wrap these texts in gettext (_ / gettext_lazy):\n" + "\n".join(found)


# --- the checks catch planted mistakes --------------------------------------------------------


def _catalogue(*entries):
    catalogue = polib.POFile()
    for entry in entries:
        catalogue.append(entry)
    return catalogue


@pytest.mark.parametrize(
    "entry, problem",
    [
        (polib.POEntry(msgid="Claims", msgstr=""), "empty"),
        (polib.POEntry(msgid="Claims", msgstr="   "), "empty"),
        (polib.POEntry(msgid="Claims", msgstr="Klaim", flags=["fuzzy"]), "fuzzy"),
        (polib.POEntry(msgid="%(n)d day", msgid_plural="%(n)d days", msgstr_plural={0: ""}), "empty"),
        (polib.POEntry(msgid="Hello, %(name)s", msgstr="Hallo, %(name)s"), "banned"),
        (polib.POEntry(msgid="Paid", msgstr="Lunas"), "banned"),
        (polib.POEntry(msgid="New password", msgstr="Password baru"), "banned"),
        (polib.POEntry(msgid="Optician", msgstr="Kacamata"), "banned"),
        (polib.POEntry(msgid="12 or more is safer", msgstr="12 atau lebih lebih aman"), "banned"),
        (polib.POEntry(msgid="Reimbursement only", msgstr="Hanya reimbursement"), "banned"),
    ],
)
def test_a_planted_bad_entry_is_reported(entry, problem):
    good = polib.POEntry(msgid="Paid", msgstr="Dibayar")
    banned = banned_patterns(GLOSSARY.read_text())
    assert catalogue_problems(_catalogue(good), banned) == []
    problems = catalogue_problems(_catalogue(good, entry), banned)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_obsolete_and_correct_entries_are_not_reported():
    banned = banned_patterns(GLOSSARY.read_text())
    obsolete = polib.POEntry(msgid="Hallo", msgstr="Hallo", obsolete=True)
    words = polib.POEntry(msgid="Password", msgstr="Kata sandi")
    plural = polib.POEntry(msgid="%(n)d day", msgid_plural="%(n)d days", msgstr_plural={0: "%(n)d hari"})
    assert catalogue_problems(_catalogue(obsolete, words, plural), banned) == []


def test_a_planted_untranslated_text_in_python_is_reported():
    source = """
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

def view(request, claim):
    messages.success(request, "Claim sent.")
    messages.info(request, _("Claim sent."))
    logger.error("not for members")
    raise ValidationError(f"Claim {claim.number} is closed")

def api(claim):
    raise ApiError(409, "closed", "Claim %s is closed" % claim.number)

def fine(claim, user):
    inbox_notify(user=user, title=_("Paid"), body=claim.note)
    inbox_notify(user=user, title="Paid")
    raise ApiError(409, "closed", _("Claim %(n)s is closed") % {"n": claim.number})
"""
    found = untranslated_texts(source)
    assert [line.split(" ", 1)[1] for line in found] == ["success", "ValidationError", "ApiError", "inbox_notify"]
    assert [int(line.split(":")[1].split()[0]) for line in found] == [7, 10, 13, 17]
