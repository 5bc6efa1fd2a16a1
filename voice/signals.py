"""Member voice's answers to the registries of other apps (connected in VoiceConfig.ready())."""

from privacy.personal_data import PersonalDataSource

__all__ = ["personal_data_source", "demo_data_seed"]


def personal_data_source(sender, **kwargs) -> PersonalDataSource:
    """Give the subject access export what member voice holds about a person (never an anonymous answer)."""
    from . import personal_data

    return PersonalDataSource(collect=personal_data.collect)


def demo_data_seed(sender, **kwargs) -> None:
    from . import demo

    demo.seed()
