"""Helpers for data migrations that give the LMC staff groups their permissions.

Each app's data migration calls `grant(...)` for its own models, so the
groups' rights live beside the models they concern.
"""

OFFICERS = "LMC officers"
TRIAGE_LEAD = "Triage lead"
LEVY_ADMIN = "Levy administrator"
PROGRAMME_ADMIN = "Programme administrator"
STAFF_GROUPS = (OFFICERS, TRIAGE_LEAD, LEVY_ADMIN, PROGRAMME_ADMIN)


def ensure_permissions(apps) -> None:
    """Create every model's permissions now (Django otherwise does it after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module, which is
        # every app in a migration's historical registry: pretend, then restore.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original


def grant(apps, group_name: str, perms: list[str]) -> None:
    """Give `group_name` the permissions named "app_label.codename"."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, group_name: str, perms: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
