"""The portal's own error pages: what happened, and what to do next.

403 and 404 use Django's views with templates/403.html and 404.html. The 500
page is a static template rendered without the request, so it works when the
database is what failed. A failed CSRF check on the login page shows a fresh
login form instead of a dead end.
"""

from django.http import HttpResponseForbidden, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from members.contact import lmc_contact


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """Render the 500 page from settings alone: no context processors, no database."""
    return HttpResponseServerError(loader.get_template(template_name).render({"contact": lmc_contact()}))


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    """Explain that the form had expired; on the login page, offer a fresh login form."""
    login_path = reverse("account_login")
    context = {"reason": reason, "on_login": request.path == login_path, "login_path": login_path}
    if context["on_login"]:
        from allauth.account.forms import LoginForm

        context["login_form"] = LoginForm(request=request)
    response = render(request, template_name, context, status=403)
    return response if response.status_code == 403 else HttpResponseForbidden(response.content)
