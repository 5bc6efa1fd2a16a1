"""System checks: every project app says whether it holds personal data, and
an app that does has a contributor to the subject access export."""

from django.apps import apps
from django.core import checks

from members.checks import is_project_app

from .signals import register_personal_data


@checks.register("privacy")
def personal_data_contributors(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail when a project app does not declare `holds_personal_data`, or declares it with no receiver."""
    errors: list[checks.CheckMessage] = []
    for app_config in app_configs or apps.get_app_configs():
        if not is_project_app(app_config):
            continue
        holds = getattr(app_config, "holds_personal_data", None)
        if not isinstance(holds, bool):
            errors.append(
                checks.Error(
                    f"App '{app_config.label}' does not say whether it holds personal data.",
                    hint="Set holds_personal_data = True or False on its AppConfig.",
                    obj=app_config,
                    id="privacy.E001",
                )
            )
        elif holds and not register_personal_data.has_listeners(sender=app_config):
            errors.append(
                checks.Error(
                    f"App '{app_config.label}' holds personal data but gives nothing to the subject access export.",
                    hint="Connect a receiver to privacy.signals.register_personal_data with sender=self in "
                    "its AppConfig.ready().",
                    obj=app_config,
                    id="privacy.E002",
                )
            )
    return errors
