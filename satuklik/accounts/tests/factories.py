"""Factories for accounts; other apps' tests use them.

user = UserFactory()                       # JANE-like member: a LoginName and an ACTIVE link to a group member
user = UserFactory(member=some_member)     # linked to that member (name, birth date, contacts copied)
user = UserFactory(member=None)            # an account with no membership
user = UserFactory(password="s3cret-Phrase!")  # default password: UserFactory.DEFAULT_PASSWORD
staff = StaffUserFactory()                 # is_staff, no membership
link = PolicyLinkFactory(user=user, member=other_member, status=PolicyLink.Status.PENDING)
"""

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from satuklik.accounts.models import ApiToken, LoginName, PolicyLink, User
from satuklik.policies.tests.factories import MemberFactory

# Hashing with Argon2 for every factory user would slow the suite: hash once.
DEFAULT_PASSWORD = "correct horse battery staple"
_DEFAULT_HASH = {}


def _hashed(raw):
    if raw not in _DEFAULT_HASH:
        _DEFAULT_HASH[raw] = make_password(raw)
    return _DEFAULT_HASH[raw]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        member = factory.SubFactory(MemberFactory)

    username = factory.Sequence(lambda n: f"MEMBER{n:04d}")
    full_name = factory.LazyAttribute(lambda o: o.member.full_name if o.member else "BUDI SANTOSO")
    email = factory.LazyAttribute(lambda o: o.member.email if o.member else f"{o.username.lower()}@example.com")
    mobile = factory.LazyAttribute(lambda o: o.member.mobile if o.member else "")
    date_of_birth = factory.LazyAttribute(lambda o: o.member.date_of_birth if o.member else None)
    email_verified_at = factory.LazyFunction(timezone.now)
    preferred_language = "id"
    password = factory.LazyFunction(lambda: _hashed(DEFAULT_PASSWORD))
    eula_version = "1"
    eula_accepted_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        raw = kwargs.pop("raw_password", None)
        if raw is not None:
            kwargs["password"] = _hashed(raw)
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def login_name(user, create, extracted, **kwargs):
        if create:
            LoginName.objects.get_or_create(name=user.username.upper(), defaults={"user": user})

    link = factory.Maybe(
        "member",
        yes_declaration=factory.RelatedFactory(
            "satuklik.accounts.tests.factories.PolicyLinkFactory",
            factory_related_name="user",
            member=factory.SelfAttribute("..member"),
        ),
        no_declaration=None,
    )


# Reachable as UserFactory.DEFAULT_PASSWORD too (set after the class: inside it would be a field).
UserFactory.DEFAULT_PASSWORD = DEFAULT_PASSWORD


class StaffUserFactory(UserFactory):
    class Params:
        member = None

    is_staff = True
    username = factory.Sequence(lambda n: f"staff{n:03d}")


class PolicyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyLink

    user = factory.SubFactory(UserFactory, member=None)
    member = factory.SubFactory(MemberFactory)
    status = PolicyLink.Status.ACTIVE


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = "test"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=30))
