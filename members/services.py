"""Business rules for members: invitations and accounts."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from mail.services import email_queue

from .models import User
from .tokens import invitation_token_generator


def invitation_link(*, user: User) -> str:
    """Return the absolute set-password link for an invited user."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    path = reverse("members:accept_invitation", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def user_invite(*, user: User, invited_by: User | None = None) -> None:
    """Email the user a link to set their password and join the portal.

    The link stays valid for LMC_INVITATION_TIMEOUT_SECONDS (seven days) and
    stops working once a password is set, so forwarding an old invitation
    grants nothing. The email is secret in the outbox: staff never read it.
    """
    if not user.is_active:
        raise ValueError("Cannot invite a deactivated account.")
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": False})
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    email_queue(
        to=[user.email],
        template="members/email/invitation",
        context={
            "user": user,
            "invited_by": invited_by,
            "link": invitation_link(user=user),
            "valid_days": settings.LMC_INVITATION_TIMEOUT_SECONDS // 86400,
        },
        secret=True,
    )


def invitation_user(*, uidb64: str, token: str) -> User | None:
    """Return the user an invitation link belongs to, or None if it is invalid or used."""
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode(), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not invitation_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> None:
    """Set the invited user's password and mark their email as verified.

    Following the emailed link proves they own the address.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email)
    address.verified = True
    address.primary = True
    address.save()


@transaction.atomic
def user_deactivate(*, user: User) -> int:
    """Close the account of someone who has left their practice; return the sessions ended.

    They can no longer log in, their memberships end and every session they
    have open is ended now. What they submitted stays with the practice: an
    enquiry belongs to the practice, not to the person who wrote it.
    """
    from django.contrib.sessions.models import Session

    user.is_active = False
    user.save(update_fields=["is_active"])
    user.memberships.update(is_active=False)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
