"""System checks for the registries members owns (see members/signals.py)."""

from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks

from .signals import register_demo_data


def is_project_app(app_config: AppConfig) -> bool:
    """Return whether `app_config` is one of ours (in the repository, not an installed package)."""
    path = Path(app_config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


@checks.register()
def demo_data_contributors(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail when a project app does not declare `has_demo_data`, or declares it with no receiver."""
    errors: list[checks.CheckMessage] = []
    for app_config in app_configs or apps.get_app_configs():
        if not is_project_app(app_config) or app_config.label == "members":
            continue
        has_demo = getattr(app_config, "has_demo_data", None)
        if not isinstance(has_demo, bool):
            errors.append(
                checks.Error(
                    f"App '{app_config.label}' does not say whether it has demo data.",
                    hint="Set has_demo_data = True or False on its AppConfig.",
                    obj=app_config,
                    id="members.E001",
                )
            )
        elif has_demo and not register_demo_data.has_listeners(sender=app_config):
            errors.append(
                checks.Error(
                    f"App '{app_config.label}' has demo data but nothing seeds it.",
                    hint="Connect a receiver to members.signals.register_demo_data with sender=self in "
                    "its AppConfig.ready().",
                    obj=app_config,
                    id="members.E002",
                )
            )
    return errors
