from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and practices"
    # Accounts and memberships: privacy answers for them (members imports no
    # app above it), see privacy/signals.py.
    holds_personal_data = True
    # seed_demo seeds members itself, before every other app.
    has_demo_data = True

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .signals import staff_idle_clock_start_on_login

        user_logged_in.connect(staff_idle_clock_start_on_login, dispatch_uid="members.staff_idle_clock")
