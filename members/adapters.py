from allauth.account.adapter import DefaultAccountAdapter

from mail.services import email_queue_message


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up (staff invite members), and allauth's emails go through the outbox."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        email_queue_message(message=self.render_mail(template_prefix, email, ctx))
