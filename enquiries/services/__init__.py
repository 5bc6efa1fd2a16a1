"""Enquiry business rules, one module per concern; import from `enquiries.services`.

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from .conflicts import (
    CONFLICT_UNASSIGNED_REASON,
    conflict_declare,
    conflict_declare_check,
    conflict_withdraw,
)
from .data_protection import (
    REMOVED_TEXT,
    ANONYMISE_HOOKS,
    AnonymisationCandidate,
    enquiry_access_record,
    enquiry_restrict,
    enquiry_unrestrict,
    enquiries_anonymise_due,
    enquiry_anonymise,
    enquiry_subject_access_record,
)
from .reminders import (
    ReminderSweep,
    reminder_claim,
    reminder_recipient,
    reminders_send_due,
)
from .submission import (
    too_long_message,
    enquiry_submit,
    pcn_support_pause,
    pcn_support_pause_check,
    pcn_support_resume,
    pcn_support_resume_due,
)
from .triage import (
    CONTACT_METHODS,
    enquiry_assign,
    enquiry_record_first_contact,
    enquiry_agree_plan,
    enquiry_start_facilitation,
    enquiry_escalate_to_mediation,
    enquiry_close,
    staff_note_add,
    can_work_enquiries,
)

__all__ = [
    "CONFLICT_UNASSIGNED_REASON",
    "conflict_declare",
    "conflict_declare_check",
    "conflict_withdraw",
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
