from allauth.account.adapter import DefaultAccountAdapter

from mail.services import email_queue_message

# allauth emails that carry a link or code that lets someone into the account.
SIGN_IN_TEMPLATES = {
    "account/email/password_reset_key",
    "account/email/password_reset_code",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/login_code",
}
# Context names allauth uses for such links and codes, to catch a template we do not know yet.
SIGN_IN_CONTEXT_KEYS = {"password_reset_url", "activate_url", "key", "code", "token"}


def carries_sign_in_link(template_prefix: str, context: dict) -> bool:
    """Return whether an allauth email lets its reader into the account (so staff must never read it)."""
    return template_prefix in SIGN_IN_TEMPLATES or bool(SIGN_IN_CONTEXT_KEYS & set(context))


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up (staff invite members), and allauth's emails go through the outbox."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        email_queue_message(
            message=self.render_mail(template_prefix, email, ctx),
            secret=carries_sign_in_link(template_prefix, context),
        )
