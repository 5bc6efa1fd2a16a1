from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    # The heading in the staff admin: the engine now serves every support service, not only LMS.
    verbose_name = "Support enquiries"
    holds_personal_data = True
    has_demo_data = True

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, pre_delete

        from members.models import User
        from members.signals import register_demo_data, user_deactivation_warnings
        from privacy.signals import register_personal_data

        from . import signals
        from .models import Enquiry

        register_personal_data.connect(signals.personal_data_source, sender=self, dispatch_uid="enquiries.personal_data")
        register_demo_data.connect(signals.demo_data_seed, sender=self, dispatch_uid="enquiries.demo_data")
        user_deactivation_warnings.connect(
            signals.deactivation_warnings, sender=User, dispatch_uid="enquiries.deactivation_warnings"
        )
        # `Enquiry.is_restricted` follows the restriction's names, however they change.
        names = Enquiry.restricted_to.through
        m2m_changed.connect(signals.restriction_names_changed, sender=names, dispatch_uid="enquiries.restriction_names")
        # Deleting a user removes their names without m2m_changed (nor delete signals for the names).
        pre_delete.connect(
            signals.restriction_names_before_user_deleted, sender=User, dispatch_uid="enquiries.restriction_user_pre"
        )
        post_delete.connect(
            signals.restriction_names_after_user_deleted, sender=User, dispatch_uid="enquiries.restriction_user_post"
        )

        # The retention job removes the conversation and its stored documents with the text.
        from .services.conversation import enquiry_messages_remove
        from .services.data_protection import ANONYMISE_HOOKS

        if enquiry_messages_remove not in ANONYMISE_HOOKS:
            ANONYMISE_HOOKS.append(enquiry_messages_remove)
