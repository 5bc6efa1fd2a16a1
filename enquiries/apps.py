from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Leadership and Management Support"

    def ready(self) -> None:
        # The retention job removes the conversation and its stored documents with the text.
        from .services.conversation import enquiry_messages_remove
        from .services.data_protection import ANONYMISE_HOOKS

        if enquiry_messages_remove not in ANONYMISE_HOOKS:
            ANONYMISE_HOOKS.append(enquiry_messages_remove)
