from django.apps import AppConfig


class LeviesConfig(AppConfig):
    name = "levies"
    verbose_name = "Levies"
