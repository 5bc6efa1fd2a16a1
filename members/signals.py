"""Signals `members` owns (the base app imports no domain app, so other apps
plug in here), and members' own receivers.

- `register_demo_data`: sent once to each installed app in turn, in
  INSTALLED_APPS order (sender: its `AppConfig`), by `manage.py seed_demo`
  after members' own demo data. An app with demo data sets
  `has_demo_data = True` on its AppConfig and connects, in `ready()`,
  `register_demo_data.connect(signals.demo_data_seed, sender=self)`; the
  receiver seeds idempotently. The system check `members.E002` fails when an
  app says it has demo data and nothing answers for it.
- `user_deactivation_warnings`: sent (sender: the User model, `leaving`: the
  people about to be deactivated) before staff confirm a deactivation. A
  receiver returns a list of plain-English warnings (or an empty list).
"""

from django.dispatch import Signal

register_demo_data = Signal()
user_deactivation_warnings = Signal()

__all__ = ["register_demo_data", "user_deactivation_warnings", "staff_idle_clock_start_on_login"]


def staff_idle_clock_start_on_login(sender, request, user, **kwargs) -> None:
    """Start a staff member's idle clock at login, while the session is being written anyway."""
    from .middleware import start_staff_idle_clock

    if user.is_staff and request is not None and hasattr(request, "session"):
        start_staff_idle_clock(request)
