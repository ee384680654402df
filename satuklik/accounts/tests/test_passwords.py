"""Password rules: length, common passwords, and what others know about the member."""

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from satuklik.accounts.tests.factories import UserFactory
from satuklik.policies.tests.factories import MemberFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jane_account(db):
    member = MemberFactory(
        policy=PolicyFactory(number="12345678"),
        participant_number="87654321",
        full_name="JANE RAILEY",
        email="jane.railey@example.com",
    )
    return UserFactory(username="JANERA0112", member=member)


def _refused(password, user=None):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, user=user)


def test_argon2_is_the_production_hasher():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "NumericPasswordValidator" not in names  # no composition rules
    assert {"ContextWordsValidator", "MaximumLengthValidator", "CommonPasswordValidator"} <= set(names)


@pytest.mark.parametrize(
    "password",
    [
        "janera0112",  # the username
        "xJANERA0112!x",  # containing it
        "railey-rocks-2024",  # a part of the name
        "my12345678pass",  # the policy number
        "87654321abc!",  # the participant number
        "contohsejahtera1",  # the insurer's name
        "Satuklik-rahasia",  # the app's name
        "jane.railey77",  # the e-mail's local part
    ],
)
def test_context_words_are_refused(jane_account, password):
    _refused(password, jane_account)


def test_length_and_common_passwords():
    _refused("short7!")  # 7 characters
    _refused("x" * 129)  # over 128
    _refused("password123")  # common
    password_validation.validate_password("a" * 60 + "kopi tubruk pagi hari" + "b" * 40)  # 121: fine


def test_a_passphrase_without_composition_rules_is_accepted(jane_account):
    password_validation.validate_password("kopi tubruk pagi hari", user=jane_account)
    password_validation.validate_password("semuanyahurufkecil", user=jane_account)


def test_the_hint_recommends_twelve_or_more():
    from satuklik.accounts.forms import PASSWORD_HELP

    assert "12" in str(PASSWORD_HELP)
