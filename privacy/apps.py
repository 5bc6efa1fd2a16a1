from django.apps import AppConfig, apps


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data protection"
    # The register of exports records that an export was produced; it is a
    # log kept about exports, not part of one.
    holds_personal_data = False
    has_demo_data = False

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .signals import account_personal_data_source, register_personal_data

        register_personal_data.connect(
            account_personal_data_source,
            sender=apps.get_app_config("members"),
            dispatch_uid="privacy.members_personal_data",
        )
