"""Password rules beyond Django's: a maximum length and the words an attacker guesses first."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Shorter fragments would reject too many good passphrases ("ana" in "banana").
MIN_WORD_LENGTH = 4
# Words of the insurer's legal name that say nothing about it.
INSURER_STOP_WORDS = {"PT", "TBK", "ASURANSI", "JIWA", "UMUM", "INDONESIA", "THE", "DAN", "AND", "OF", "PERSERO"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


class MaximumLengthValidator:
    """At most 128 characters (NIST SP 800-63B: allow at least 64; Argon2 takes any length)."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                )
                % {"max_length": self.max_length},
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("At most %(max_length)d characters.") % {"max_length": self.max_length}


class ContextWordsValidator:
    """Refuse a password equal to or containing what others know about the member.

    The words: every login name and the username, the parts of the name, the policy
    and participant numbers of the linked memberships, the e-mail's local part, and the
    insurer's and the app's names (settings.BRAND). Compared without case, spaces or
    punctuation, so "Jane Railey 2024" and "janerailey2024" are both refused.
    """

    def words_for(self, user) -> set[str]:
        words = set()
        brand = getattr(settings, "BRAND", {})
        for phrase in (brand.get("INSURER_NAME", ""), brand.get("APP_NAME", "")):
            words.add(_fold(phrase))
            words.update(_fold(part) for part in phrase.split() if part.upper().strip(".,") not in INSURER_STOP_WORDS)
        if user is not None:
            for value in (getattr(user, "username", ""), getattr(user, "full_name", ""), user.get_full_name()):
                words.add(_fold(value))
                words.update(_fold(part) for part in str(value).split())
            email = getattr(user, "email", "") or ""
            if "@" in email:
                words.add(_fold(email.split("@", 1)[0]))
            if getattr(user, "pk", None):
                from satuklik.accounts.models import LoginName, PolicyLink

                words.update(_fold(name) for name in LoginName.objects.filter(user=user).values_list("name", flat=True))
                for policy_number, participant_number, member_name in PolicyLink.objects.filter(user=user).values_list(
                    "member__policy__number", "member__participant_number", "member__full_name"
                ):
                    words.update({_fold(policy_number), _fold(participant_number), _fold(member_name)})
                    words.update(_fold(part) for part in str(member_name).split())
        return {word for word in words if len(word) >= MIN_WORD_LENGTH}

    def validate(self, password, user=None):
        folded = _fold(password)
        for word in self.words_for(user):
            if word in folded:
                raise ValidationError(
                    _(
                        "This password contains your username, your name, a policy or participant number, "
                        "or the insurer's name. Choose words nobody could guess from your data."
                    ),
                    code="password_context_word",
                )

    def get_help_text(self):
        return _("Not your username, name, policy or participant number, or the insurer's name.")
