"""Read-side enquiry queries; import from `enquiries.selectors`.

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from .data_protection import (
    enquiries_past_retention,
    enquiry_retention_years,
    enquiry_subject_access_refusal,
    restricted_enquiries_orphaned_by,
    restriction_officer_choices,
    retention_years_by_service,
    retention_years_by_topic,
)
from .member import (
    TimelineEntry,
    enquiry_draft_get_for_member,
    enquiry_file_get_for_member,
    enquiry_get_for_member,
    enquiry_list_for_member,
    enquiry_member_readers,
    enquiry_messages_for_member,
    enquiry_open_count_for_member,
    enquiry_recent_duplicate,
    enquiry_sharing_choices,
    enquiry_sharing_history_for_sender,
    enquiry_timeline_for_member,
    pcn_support_pause_current,
)
from .needs_you import (
    MESSAGE_WAITING,
    enquiry_needs_you_now_for_staff,
)
from .overview import (
    OVERVIEW_MONTHS,
    enquiry_month_tallies,
    support_overview,
)
from .reminders import (
    enquiries_breached_unreminded,
    enquiries_due_soon_unreminded,
)
from .staff import (
    TRIAGE_ORDERING,
    enquiry_list_for_staff,
    enquiry_list_for_triage,
)
from .story import (
    StoryEntry,
    enquiry_story_for_staff,
)
from .support import (
    enquiry_sessions_for_member,
    enquiry_signposts_for_member,
    signpost_list,
    signposts_by_topic,
    support_service_get_by_slug,
    support_service_list,
)
from .visibility import (
    enquiries_conflicted_for,
    enquiries_hidden_from_staff,
    enquiries_visible_to_staff,
    enquiries_without_unconflicted_officer,
    enquiry_is_visible_to_staff,
    officer_is_conflicted_with,
    officers_without_conflict,
    support_services_visible_to_staff,
    unconflicted_officer_exists,
    visible_to_assigned_officer,
)

__all__ = [
    "restricted_enquiries_orphaned_by",
    "enquiry_subject_access_refusal",
    "restriction_officer_choices",
    "retention_years_by_topic",
    "retention_years_by_service",
    "enquiry_retention_years",
    "enquiries_past_retention",
    "TimelineEntry",
    "enquiry_draft_get_for_member",
    "enquiry_file_get_for_member",
    "enquiry_get_for_member",
    "enquiry_list_for_member",
    "enquiry_member_readers",
    "enquiry_messages_for_member",
    "enquiry_open_count_for_member",
    "enquiry_sharing_choices",
    "enquiry_sharing_history_for_sender",
    "enquiry_recent_duplicate",
    "enquiry_timeline_for_member",
    "pcn_support_pause_current",
    "MESSAGE_WAITING",
    "enquiry_needs_you_now_for_staff",
    "enquiries_breached_unreminded",
    "enquiries_due_soon_unreminded",
    "enquiry_list_for_triage",
    "enquiry_list_for_staff",
    "support_overview",
    "OVERVIEW_MONTHS",
    "enquiry_month_tallies",
    "TRIAGE_ORDERING",
    "StoryEntry",
    "enquiry_story_for_staff",
    "support_service_list",
    "support_service_get_by_slug",
    "signpost_list",
    "signposts_by_topic",
    "enquiry_signposts_for_member",
    "enquiry_sessions_for_member",
    "enquiries_visible_to_staff",
    "enquiry_is_visible_to_staff",
    "visible_to_assigned_officer",
    "officer_is_conflicted_with",
    "enquiries_conflicted_for",
    "enquiries_hidden_from_staff",
    "support_services_visible_to_staff",
    "officers_without_conflict",
    "enquiries_without_unconflicted_officer",
    "unconflicted_officer_exists",
]
