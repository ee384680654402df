"""Back-office staff roles: Django groups and the permissions each one holds.

The table below is data; `roles_setup()` makes the groups match it. It runs after every
`migrate` (a post_migrate handler in CoreConfig.ready), from `manage.py setup_roles` and
from `seed_demo`, so a role picks up the permissions of models that later apps add.

Permissions are named "app_label.codename" and may use shell wildcards
("content.*", "policies.view_*"): a pattern that matches nothing yet (an app that is not
installed, a model not written yet) is skipped, never an error. A role's groups get
exactly what the table says: a permission added by hand in the admin is taken away at
the next migrate, so change this table instead.
"""

import fnmatch

# Who does what (PRODUCT.md, "Who uses it"):
# - Claims officer: reviews claims, asks for documents, approves fully/partly, rejects,
#   marks paid; reads members, plans and benefits to decide, and the messages sent.
# - Customer service (policy admin): approves Individual-policy access requests, imports
#   policy and member data, keeps policies, members, hospitals, doctors and content up to
#   date, helps members with their accounts; never deletes the insurer's data.
# - Content editor: health articles, events, testimonies, help pages.
# - Administrator: everything, users and groups included (not a superuser flag).
CLAIMS_OFFICER = "Claims officer"
CUSTOMER_SERVICE = "Customer service"
CONTENT_EDITOR = "Content editor"
ADMINISTRATOR = "Administrator"

POLICY_READ = [
    "policies.view_*",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CLAIMS_OFFICER: [
        *POLICY_READ,
        "claims.view_*",
        "claims.change_claim",
        "claims.change_claimitem",
        "claims.add_claimstatuschange",
        "claims.add_claimdocumentrequest",
        # The eClaim workflow's own permissions (satuklik/claims/models.py, Claim.Meta).
        "claims.review_claim",
        "claims.approve_claim",
        "claims.pay_claim",
        "providers.view_*",
        "accounts.view_user",
        "accounts.view_policylink",
        "notifications.view_message",
    ],
    CUSTOMER_SERVICE: [
        "policies.view_*",
        "policies.add_*",
        "policies.change_*",
        # Imports from the core system (policies.import_core_data) and of providers.
        "policies.import_*",
        "providers.import_*",
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_loginname",
        "accounts.view_policylink",
        "accounts.change_policylink",
        "accounts.approve_policylink",
        "accounts.view_securityevent",
        "providers.*",
        "telemedicine.view_*",
        "telemedicine.add_doctor",
        "telemedicine.change_doctor",
        "content.*",
        "claims.view_*",
        "cards.view_*",
        # Revoke or reissue a lost phone's eCard (the admin's actions on card activations).
        "cards.change_cardactivation",
        "notifications.view_*",
    ],
    CONTENT_EDITOR: [
        "content.*",
        "providers.view_*",
    ],
    ADMINISTRATOR: ["*"],
}


def is_staff_account(user) -> bool:
    """A back-office account (staff flag, superuser, or any role group): it gets its staff
    capabilities only after a verified second factor (accounts.decorators)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user.groups.exists())


def permissions_for(patterns, permissions):
    """The permissions (iterable of objects with .content_type.app_label and .codename)
    matching any of the patterns."""
    chosen = []
    for permission in permissions:
        name = f"{permission.content_type.app_label}.{permission.codename}"
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            chosen.append(permission)
    return chosen


def roles_setup(
    *, group_model=None, permission_model=None, using="default", verbosity=0, stdout=None
) -> dict[str, int]:
    """Create or update the role groups so they hold exactly the table's permissions.

    Idempotent; returns {role: number of permissions}. The models may be passed from
    a post_migrate signal (historical models), default to the real ones.
    """
    if group_model is None or permission_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    permissions = list(permission_model._default_manager.using(using).select_related("content_type"))
    result = {}
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = group_model._default_manager.db_manager(using).get_or_create(name=role)
        wanted = {permission.pk for permission in permissions_for(patterns, permissions)}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted - current:
            group.permissions.add(*(wanted - current))
        if current - wanted:
            group.permissions.remove(*(current - wanted))
        result[role] = len(wanted)
        if verbosity and stdout:
            stdout.write(f"role {role!r}: {len(wanted)} permissions")
    return result


def roles_setup_after_migrate(sender, app_config=None, apps=None, verbosity=1, using="default", **kwargs):
    """post_migrate handler: once the last app's permissions exist, bring the roles up to date."""
    from django.apps import apps as global_apps

    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if not with_models or app_config is None or app_config.label != with_models[-1].label:
        return
    migration_apps = apps or global_apps
    try:
        group_model = migration_apps.get_model("auth", "Group")
        permission_model = migration_apps.get_model("auth", "Permission")
    except LookupError:
        return
    roles_setup(group_model=group_model, permission_model=permission_model, using=using)
