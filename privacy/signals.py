"""The personal-data registry.

`register_personal_data` is sent once to each installed app in turn, with the
app's `AppConfig` as the sender, whenever a subject access export is built (or
counted). An app that holds personal data connects a receiver in its
`AppConfig.ready()`:

    register_personal_data.connect(signals.personal_data_source, sender=self)

and says so on its AppConfig with `holds_personal_data = True`. The receiver
returns a `privacy.personal_data.PersonalDataSource`. The system check
`privacy.E002` fails when an app says it holds personal data and nothing
answers for it, and building an export raises: a missing contributor is never
silently skipped. Every project app must declare `holds_personal_data`
(`privacy.E001`), so "this app holds none" is a decision written down.
"""

from django.dispatch import Signal

register_personal_data = Signal()

__all__ = ["register_personal_data", "account_personal_data_source"]


def account_personal_data_source(sender, **kwargs):
    """Answer for `members` (the base app cannot import privacy): accounts and memberships."""
    from .personal_data import PersonalDataSource, account_sections

    return PersonalDataSource(collect=account_sections)
