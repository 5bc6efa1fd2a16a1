"""Invitation links have their own token generator and lifetime.

Password-reset links (allauth's, built on Django's generator) live for
PASSWORD_RESET_TIMEOUT: one hour. An invitation lives for
LMC_INVITATION_TIMEOUT_SECONDS (seven days): a new member may not open their
email the same day. The two are signed with different salts, so a reset link
cannot be used as an invitation nor the other way round. Both stop working
once a password is set (the password hash is part of what is signed).
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

__all__ = ["InvitationTokenGenerator", "invitation_token_generator"]


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        """Return whether `token` is a valid invitation for `user`, no older than the invitation lifetime."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.LMC_INVITATION_TIMEOUT_SECONDS:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()
