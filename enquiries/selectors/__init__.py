"""Read-side enquiry queries; import from `enquiries.selectors`."""

from .data_protection import *  # noqa: F401,F403
from .member import *  # noqa: F401,F403
from .reminders import *  # noqa: F401,F403
from .staff import *  # noqa: F401,F403
from .visibility import *  # noqa: F401,F403
