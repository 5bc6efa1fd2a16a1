"""Helpers for data migrations that give the LMC staff groups their permissions.

STABLE, KEPT BACKWARD COMPATIBLE. Migrations are frozen history: every
migration that ever imported a name from this module must keep working,
forever, on an empty database and when the test suite replays data
migrations against today's models. So:

- never remove or rename a name here, nor change a signature incompatibly
  (add keyword arguments with defaults instead);
- import nothing from the portal's live code except `members.groups`;
- when a permission moves to another app, add it to `MOVED_PERMISSIONS`, so
  an old migration that grants it under its old name still finds it.

Each app's data migration calls `grant(...)` for its own models, so the
groups' rights live beside the models they concern. The group names live in
`members.groups` and are re-exported here for the migrations that import
them from this module.
"""

from .groups import LEVY_ADMIN, OFFICERS, PASTORAL_SUPPORT, PROGRAMME_ADMIN, STAFF_GROUPS, TRIAGE_LEAD

__all__ = [
    "OFFICERS",
    "TRIAGE_LEAD",
    "LEVY_ADMIN",
    "PROGRAMME_ADMIN",
    "PASTORAL_SUPPORT",
    "STAFF_GROUPS",
    "MOVED_PERMISSIONS",
    "ensure_permissions",
    "grant",
    "revoke",
    "permission_move",
]

# "old_app.codename" -> "new_app.codename" for permissions whose model moved app.
MOVED_PERMISSIONS = {
    "enquiries.view_personaldataexport": "privacy.view_personaldataexport",
    "enquiries.export_personal_data": "privacy.export_personal_data",
}


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


def _permissions(apps, perm: str):
    """Return the Permission rows for "app_label.codename", following MOVED_PERMISSIONS."""
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = perm.split(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    if not found.exists() and perm in MOVED_PERMISSIONS:
        app_label, codename = MOVED_PERMISSIONS[perm].split(".")
        found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return found


def grant(apps, group_name: str, perms: list[str]) -> None:
    """Give `group_name` the permissions named "app_label.codename"."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        group.permissions.add(_permissions(apps, perm).get())


def revoke(apps, group_name: str, perms: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    for perm in perms:
        group.permissions.remove(*_permissions(apps, perm))


def permission_move(apps, *, model: str, to_app: str, codenames: dict[str, str]) -> None:
    """Move model permissions to `to_app` when a model moves app, keeping every grant.

    `model` is the model's lower-case name in `to_app`; `codenames` maps each
    permission's codename to the "app_label.model" content type it is on now.
    Groups and users keep what they had: the rows are moved, not re-created.
    Safe to run twice, and whether or not Django already created the new
    content type and permissions.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    new_type, _ = ContentType.objects.get_or_create(app_label=to_app, model=model)
    for codename, old_type_name in codenames.items():
        old_app, old_model = old_type_name.split(".")
        old = Permission.objects.filter(
            content_type__app_label=old_app, content_type__model=old_model, codename=codename
        ).first()
        if old is None:
            continue
        new = Permission.objects.filter(content_type=new_type, codename=codename).first()
        if new is None:
            old.content_type = new_type
            old.save(update_fields=["content_type"])
            continue
        for group in old.group_set.all():
            group.permissions.add(new)
        for user in old.user_set.all():
            user.user_permissions.add(new)
        old.delete()
