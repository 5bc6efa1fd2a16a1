"""Periodic member-voice jobs. Thin: each calls one service. Names are fixed (beat refers to them)."""

from celery import shared_task

from . import services

__all__ = ["send_consultation_emails", "send_feedback_invitations"]


@shared_task(name="voice.tasks.send_consultation_emails", ignore_result=True, expires=15 * 60)
def send_consultation_emails() -> int:
    """Email audiences that a consultation is open, and non-respondents 3 days before it closes; return how many went.

    Safe to run twice or concurrently: each (consultation, person, kind) is claimed once.
    """
    return services.consultation_notices_send_due()


@shared_task(name="voice.tasks.send_feedback_invitations", ignore_result=True, expires=15 * 60)
def send_feedback_invitations() -> int:
    """Invite feedback a working day after an enquiry closes or a session is held; return how many went."""
    return services.feedback_invitations_send_due()
