"""Enquiries' answers to the registries of other apps (connected in EnquiriesConfig.ready())."""

from privacy.personal_data import PersonalDataSource

__all__ = ["personal_data_source", "demo_data_seed", "deactivation_warnings"]


def personal_data_source(sender, **kwargs) -> PersonalDataSource:
    """Give the subject access export the enquiries a person submitted; guard and log staff exports."""
    from . import personal_data
    from .selectors import enquiry_subject_access_refusal
    from .services import enquiry_subject_access_record

    return PersonalDataSource(
        collect=personal_data.collect,
        refusal=enquiry_subject_access_refusal,
        record_staff_export=enquiry_subject_access_record,
    )


def demo_data_seed(sender, **kwargs) -> None:
    """Seed the demo enquiries, the data-protection demo that hangs off them, and pastoral support."""
    from . import demo, demo_data_protection, demo_pastoral

    demo.seed()
    demo_data_protection.seed()
    demo_pastoral.seed()


def deactivation_warnings(sender, *, leaving, **kwargs) -> list[str]:
    """Warn when deactivating `leaving` would leave a restricted enquiry that no active officer can see."""
    from .selectors import restricted_enquiries_orphaned_by

    orphaned = [enquiry.reference for enquiry in restricted_enquiries_orphaned_by(leaving=leaving)]
    if not orphaned:
        return []
    return [
        f"No one else who stays could see these restricted enquiries: {', '.join(orphaned)}. "
        "Before you deactivate, ask a triage lead named on them to name another officer."
    ]
