"""Enquiry business rules, one module per concern; import from `enquiries.services`.

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from .data_protection import (
    ANONYMISE_HOOKS,
    REMOVED_TEXT,
    AnonymisationCandidate,
    enquiries_anonymise_due,
    enquiry_access_record,
    enquiry_anonymise,
    enquiry_restrict,
    enquiry_subject_access_record,
    enquiry_unrestrict,
)
from .reminders import (
    ReminderSweep,
    reminder_claim,
    reminder_recipient,
    reminders_send_due,
)
from .submission import (
    CONTACT_TIMES_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    URGENT_REASON_MAX_LENGTH,
    enquiry_submit,
    pcn_support_pause,
    pcn_support_pause_check,
    pcn_support_resume,
    pcn_support_resume_due,
    too_long_message,
)
from .triage import (
    CONTACT_METHODS,
    can_work_enquiries,
    enquiry_agree_plan,
    enquiry_assign,
    enquiry_close,
    enquiry_escalate_to_mediation,
    enquiry_record_first_contact,
    enquiry_start_facilitation,
    staff_note_add,
)

__all__ = [
    "REMOVED_TEXT",
    "ANONYMISE_HOOKS",
    "AnonymisationCandidate",
    "enquiry_access_record",
    "enquiry_restrict",
    "enquiry_unrestrict",
    "enquiries_anonymise_due",
    "enquiry_anonymise",
    "enquiry_subject_access_record",
    "ReminderSweep",
    "reminder_claim",
    "reminder_recipient",
    "reminders_send_due",
    "DETAILS_MAX_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "URGENT_REASON_MAX_LENGTH",
    "CONTACT_TIMES_MAX_LENGTH",
    "PHONE_MAX_LENGTH",
    "too_long_message",
    "enquiry_submit",
    "pcn_support_pause",
    "pcn_support_pause_check",
    "pcn_support_resume",
    "pcn_support_resume_due",
    "CONTACT_METHODS",
    "enquiry_assign",
    "enquiry_record_first_contact",
    "enquiry_agree_plan",
    "enquiry_start_facilitation",
    "enquiry_escalate_to_mediation",
    "enquiry_close",
    "staff_note_add",
    "can_work_enquiries",
]
