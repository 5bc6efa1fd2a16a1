from django.apps import AppConfig


class LeviesConfig(AppConfig):
    name = "levies"
    verbose_name = "Levies"
    # Levies hold practice figures (rates, list sizes, remittances), not
    # personal data. The staff who uploaded an import are recorded, but as
    # staff activity, which no member's subject access export includes.
    holds_personal_data = False
    has_demo_data = True

    def ready(self) -> None:
        from members.signals import register_demo_data

        from . import signals

        register_demo_data.connect(signals.demo_data_seed, sender=self, dispatch_uid="levies.demo_data")
