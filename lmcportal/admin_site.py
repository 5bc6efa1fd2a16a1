"""The staff admin's site: Django's `AdminSite`, with its model list's links worked out once.

Every admin page lists the models the user may open (the sidebar; the index
and each app's page use the same list). Django builds that list on every
request and reverses three URLs a model to do it, some forty models: about a
millisecond and a half of each page, the same answer every time. Here each
URL is reversed once per URL configuration and kept; everything the list
depends on for this user (module permission, view, add, change, delete) is
still asked on every request, so a changed permission shows on the next page.
`tests/test_admin_site.py` compares the list with Django's own for each staff
group.
"""

from django.apps import apps
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst

__all__ = ["PortalAdminConfig", "PortalAdminSite"]


class PortalAdminSite(AdminSite):
    def admin_url(self, name: str, **kwargs: str) -> str | None:
        """`reverse("admin:<name>")` for this site, remembered; None where there is no such URL.

        Kept on the URL resolver itself, so a new URL configuration (a test's
        `ROOT_URLCONF`, the request's own `urlconf`) starts afresh, and per
        script prefix, which a WSGI server may set per request.
        """
        remembered = get_resolver(get_urlconf()).__dict__.setdefault("_admin_site_urls", {})
        key = (self.name, get_script_prefix(), name, tuple(sorted(kwargs.items())))
        if key not in remembered:
            try:
                remembered[key] = reverse(f"admin:{name}", kwargs=kwargs or None, current_app=self.name)
            except NoReverseMatch:
                remembered[key] = None
        return remembered[key]

    def _build_app_dict(self, request, label=None):
        # Django's own method (django/contrib/admin/sites.py, 5.2), with its URLs from `admin_url`.
        app_dict: dict = {}
        models = {m: a for m, a in self._registry.items() if not label or m._meta.app_label == label}
        for model, model_admin in models.items():
            app_label = model._meta.app_label
            has_module_perms = model_admin.has_module_permission(request)
            if not has_module_perms:
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            info = f"{app_label}_{model._meta.model_name}"
            model_dict = {
                "model": model,
                "name": capfirst(model._meta.verbose_name_plural),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                model_dict["admin_url"] = self.admin_url(f"{info}_changelist")
            if perms.get("add"):
                model_dict["add_url"] = self.admin_url(f"{info}_add")
            if app_label in app_dict:
                app_dict[app_label]["models"].append(model_dict)
            else:
                app_dict[app_label] = {
                    "name": apps.get_app_config(app_label).verbose_name,
                    "app_label": app_label,
                    "app_url": self.admin_url("app_list", app_label=app_label),
                    "has_module_perms": has_module_perms,
                    "models": [model_dict],
                }
        return app_dict


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin`, with `PortalAdminSite` as `admin.site`."""

    default_site = "lmcportal.admin_site.PortalAdminSite"
