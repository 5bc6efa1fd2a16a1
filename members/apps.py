from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and practices"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="members.staff_idle_clock")
