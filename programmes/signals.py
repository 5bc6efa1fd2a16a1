"""Programmes' answers to the registries of other apps (connected in ProgrammesConfig.ready())."""

from privacy.personal_data import PersonalDataSource

__all__ = ["personal_data_source", "demo_data_seed"]


def personal_data_source(sender, **kwargs) -> PersonalDataSource:
    """Give the subject access export a person's bookings, training, plans and mentoring."""
    from . import personal_data

    return PersonalDataSource(collect=personal_data.collect)


def demo_data_seed(sender, **kwargs) -> None:
    from . import demo

    demo.seed()
