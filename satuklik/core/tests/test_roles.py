"""Staff roles: the groups exist after migrate with the table's permissions, follow the
table when it or the models change, and keep each role out of what it may not touch."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.accounts.tests.staff import admin_sign_in
from satuklik.core import roles
from satuklik.policies.tests.factories import MemberFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def codenames(role):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }


def test_migrate_created_every_role_with_its_permissions():
    # post_migrate ran roles_setup when the test database was migrated.
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_PERMISSIONS)

    claims = codenames(roles.CLAIMS_OFFICER)
    assert {"policies.view_member", "policies.view_plan", "policies.view_benefititem", "claims.view_claim"} <= claims
    assert "claims.change_claim" in claims
    assert not {"policies.change_member", "policies.delete_policy", "auth.change_group"} & claims

    service = codenames(roles.CUSTOMER_SERVICE)
    assert {"policies.add_member", "policies.change_member", "policies.change_policy"} <= service
    assert {"accounts.change_policylink", "notifications.view_message"} <= service
    assert not {p for p in service if ".delete_" in p and p.startswith("policies.")}
    assert not {"auth.change_group", "auth.add_permission", "notifications.change_message"} & service

    content = codenames(roles.CONTENT_EDITOR)
    assert not {p for p in content if p.startswith(("policies.", "claims.", "accounts.", "auth."))}

    # The administrator holds every permission there is.
    assert codenames(roles.ADMINISTRATOR) == {
        f"{app}.{codename}" for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }


def test_setup_is_idempotent_and_puts_back_what_the_table_says():
    group = Group.objects.get(name=roles.CONTENT_EDITOR)
    before = codenames(roles.CONTENT_EDITOR)
    stray = Permission.objects.get(content_type__app_label="policies", codename="delete_policy")
    group.permissions.add(stray)
    Group.objects.filter(name=roles.CLAIMS_OFFICER).delete()

    call_command("setup_roles", verbosity=0)
    call_command("setup_roles", verbosity=0)

    assert codenames(roles.CONTENT_EDITOR) == before
    assert "policies.view_member" in codenames(roles.CLAIMS_OFFICER)
    assert Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() == len(roles.ROLE_PERMISSIONS)


def test_permissions_of_models_added_later_join_their_roles():
    # A content app's model arriving in a later issue: "content.*" of the table picks it up.
    article_type, _ = ContentType.objects.get_or_create(app_label="content", model="article")
    for action in ("add", "change", "delete", "view"):
        Permission.objects.get_or_create(
            content_type=article_type, codename=f"{action}_article", defaults={"name": f"Can {action} article"}
        )

    roles.roles_setup()

    assert {"content.add_article", "content.view_article"} <= codenames(roles.CONTENT_EDITOR)
    assert "content.delete_article" in codenames(roles.CUSTOMER_SERVICE)
    assert "content.view_article" not in codenames(roles.CLAIMS_OFFICER)


def test_patterns_that_match_nothing_yet_are_skipped():
    permissions = list(Permission.objects.select_related("content_type"))
    assert roles.permissions_for(["telemedicine.add_doctor", "nothing.*"], permissions) == []


@pytest.fixture
def staff_user(django_user_model):
    def make(role):
        user = StaffUserFactory(username=role.lower().replace(" ", "."))
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


def test_customer_service_keeps_member_data_but_cannot_reach_admin_only_pages(client, staff_user):
    admin_sign_in(client, staff_user(roles.CUSTOMER_SERVICE))
    member = MemberFactory()
    policy = PolicyFactory()

    assert client.get(reverse("admin:policies_member_changelist")).status_code == 200
    assert client.get(reverse("admin:policies_member_change", args=[member.pk])).status_code == 200
    assert client.get(reverse("admin:policies_member_add")).status_code == 200
    # Administrators only: staff groups and deleting the insurer's data.
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:policies_policy_delete", args=[policy.pk])).status_code == 403
    assert client.post(reverse("admin:policies_policy_delete", args=[policy.pk]), {"post": "yes"}).status_code == 403
    assert type(policy).objects.filter(pk=policy.pk).exists()


def test_customer_service_revokes_a_lost_cards_qr_code_but_a_claims_officer_cannot(client, staff_user):
    from satuklik.cards import services as card_services
    from satuklik.cards.models import CardActivation, CardRevocation

    member = MemberFactory()
    activation = card_services.card_activate(member=member, by=None)
    url = reverse("admin:cards_cardactivation_changelist")
    revoke = {"action": "revoke", "_selected_action": [activation.pk]}

    admin_sign_in(client, staff_user(roles.CLAIMS_OFFICER))
    client.post(url, revoke)
    assert not CardRevocation.objects.exists()

    admin_sign_in(client, staff_user(roles.CUSTOMER_SERVICE))
    assert client.post(url, revoke).status_code == 302
    assert CardRevocation.objects.get().serial == activation.serial
    assert CardActivation.objects.filter(member=member).exists()


def test_claims_officer_reads_members_but_cannot_change_them(client, staff_user):
    admin_sign_in(client, staff_user(roles.CLAIMS_OFFICER))
    member = MemberFactory(full_name="JANE RAILEY")
    url = reverse("admin:policies_member_change", args=[member.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only
    assert client.post(url, {"full_name": "SOMEONE ELSE"}).status_code == 403
    member.refresh_from_db()
    assert member.full_name == "JANE RAILEY"
    assert client.get(reverse("admin:policies_member_add")).status_code == 403


def test_content_editor_sees_no_member_data(client, staff_user):
    admin_sign_in(client, staff_user(roles.CONTENT_EDITOR))
    assert client.get(reverse("admin:policies_member_changelist")).status_code == 403
    assert client.get(reverse("admin:notifications_message_changelist")).status_code == 403


def test_role_groups_show_their_permissions_read_only_in_the_back_office(client, django_user_model):
    admin_sign_in(client, StaffUserFactory(username="boss", is_superuser=True))
    listing = client.get(reverse("admin:auth_group_changelist"))
    assert listing.status_code == 200
    assert roles.CUSTOMER_SERVICE in listing.content.decode()

    role = Group.objects.get(name=roles.CONTENT_EDITOR)
    page = client.get(reverse("admin:auth_group_change", args=[role.pk])).content.decode()
    assert 'name="permissions"' not in page  # nothing to edit: roles.py decides
    other = Group.objects.create(name="Auditors")
    page = client.get(reverse("admin:auth_group_change", args=[other.pk])).content.decode()
    assert 'name="permissions"' in page
