from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Email outbox"
    # Outbox rows are a delivery record (addresses and rendered bodies), kept
    # for staff to see what was promised; they are not part of a subject
    # access export.
    holds_personal_data = False
    has_demo_data = False
