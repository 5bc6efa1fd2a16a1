from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = "Member voice (consultations and feedback)"
    holds_personal_data = True
    has_demo_data = True

    def ready(self) -> None:
        from members.signals import register_demo_data
        from privacy.signals import register_personal_data

        from . import signals

        register_personal_data.connect(signals.personal_data_source, sender=self, dispatch_uid="voice.personal_data")
        register_demo_data.connect(signals.demo_data_seed, sender=self, dispatch_uid="voice.demo_data")
