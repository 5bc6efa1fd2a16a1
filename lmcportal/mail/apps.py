from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "lmcportal.mail"
    label = "mail"
    verbose_name = "Email outbox"
