"""Enquiry business rules, one module per concern; import from `enquiries.services`."""

from .conversation import *  # noqa: F401,F403
from .data_protection import *  # noqa: F401,F403
from .reminders import *  # noqa: F401,F403
from .submission import *  # noqa: F401,F403
from .triage import *  # noqa: F401,F403
