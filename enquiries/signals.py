"""Enquiries' answers to the registries of other apps (connected in EnquiriesConfig.ready())."""

from privacy.personal_data import PersonalDataSource

__all__ = [
    "personal_data_source",
    "demo_data_seed",
    "deactivation_warnings",
    "restriction_names_changed",
    "restriction_names_before_user_deleted",
    "restriction_names_after_user_deleted",
]


def personal_data_source(sender, **kwargs) -> PersonalDataSource:
    """Give the subject access export the enquiries a person submitted; guard and log staff exports."""
    from . import personal_data
    from .selectors import enquiry_subject_access_refusal
    from .services import enquiry_subject_access_record

    return PersonalDataSource(
        collect=personal_data.collect,
        documents=personal_data.documents,
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


def restriction_names_changed(sender, *, instance, action, reverse, pk_set, **kwargs) -> None:
    """Keep `Enquiry.is_restricted` in step when names are added to or removed from a restriction."""
    from .services.data_protection import enquiry_restriction_flag_refresh

    if reverse and action == "pre_clear":  # a user's names all go: remember which enquiries had them
        instance._restriction_cleared = list(
            sender.objects.filter(user_id=instance.pk).values_list("enquiry_id", flat=True)
        )
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        # The enquiry in hand learns it too, so saving it afterwards does not write an old flag back.
        instance.is_restricted = sender.objects.filter(enquiry_id=instance.pk).exists()
        enquiry_ids = [instance.pk]
    elif action == "post_clear":
        enquiry_ids = getattr(instance, "_restriction_cleared", [])
    else:
        enquiry_ids = pk_set or []
    enquiry_restriction_flag_refresh(enquiry_ids=enquiry_ids)


def restriction_names_before_user_deleted(sender, *, instance, **kwargs) -> None:
    """Remember the restrictions a user being deleted is named on (Django sends no signal for the names)."""
    from .models import Enquiry

    names = Enquiry.restricted_to.through.objects.filter(user_id=instance.pk)
    instance._restricted_enquiry_ids = list(names.values_list("enquiry_id", flat=True))


def restriction_names_after_user_deleted(sender, *, instance, **kwargs) -> None:
    """A named officer's account deleted: a restriction naming nobody else has ended."""
    from .services.data_protection import enquiry_restriction_flag_refresh

    enquiry_restriction_flag_refresh(enquiry_ids=getattr(instance, "_restricted_enquiry_ids", []))
