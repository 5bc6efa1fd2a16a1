"""Django admin for enquiries: the triage dashboard, the PCN support pause and data protection."""

from . import conflicts, data_protection, pause, services, triage  # noqa: F401
