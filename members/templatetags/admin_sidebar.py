"""The admin's navigation sidebar, written in Python: the same markup as Django's `admin/app_list.html`.

The sidebar lists every model the user may open (some forty) on every admin
page. Through the template engine that was a millisecond and a half of each
page, more than the rows of the triage list; written directly it is a tenth
of that. The words are Django's own, translated as its template translates
them; the index page still uses Django's template (with its change links).
"""

from urllib.parse import quote

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _model_row(app_label: str, model: dict, path: str) -> str:
    """One model's row: its name (a link when the user may open it) and its add link."""
    row_id = escape(f"{app_label}-{model['object_name'].lower()}")
    admin_url = model.get("admin_url")
    current = bool(admin_url) and admin_url in path
    name = escape(model["name"])
    if admin_url:
        aria_current = ' aria-current="page"' if current else ""
        name = f'<a href="{escape(admin_url)}"{aria_current}>{name}</a>'
    add = ""
    if model.get("add_url"):
        add = f'<a href="{escape(model["add_url"])}" class="addlink" aria-describedby="{row_id}">{gettext("Add")}</a>'
    return (
        f'<tr class="model-{escape(model["object_name"].lower())}{" current-model" if current else ""}">'
        f'<th scope="row" id="{row_id}">{name}</th><td>{add}</td></tr>'
    )


def _app_table(app: dict, path: str, head: str) -> str:
    """One application's table, as `admin/app_list.html` draws it without change links."""
    app_label, app_url = app["app_label"], app["app_url"]
    title = gettext("Models in the %(name)s application") % {"name": escape(app["name"])}
    rows = "".join(_model_row(app_label, model, path) for model in app["models"])
    return (
        f'<div class="app-{escape(app_label)} module{" current-app" if app_url in path else ""}"><table>'
        f'<caption><a href="{escape(app_url)}" class="section" title="{title}">{escape(app["name"])}</a></caption>'
        f'<thead class="visually-hidden"><tr>{head}</tr></thead>{rows}</table></div>'
    )


@register.simple_tag(takes_context=True)
def nav_app_list(context) -> SafeString:
    """Return the sidebar's list of applications and models (`available_apps`), current page marked."""
    apps = context.get("available_apps")
    if not apps:
        return mark_safe(f"<p>{gettext('You don’t have permission to view or edit anything.')}</p>")
    # As the template's `request.path|urlencode`: the links are compared with the quoted path.
    path = quote(context["request"].path, safe="/")
    # Every value is escaped above; the words are Django's translations, as its template leaves them.
    # The column headings are the same in every application's table: translated once a page.
    head = "".join(
        f'<th scope="col">{gettext(words)}</th>' for words in ("Model name", "Add link", "Change or view list link")
    )
    return mark_safe("\n".join(_app_table(app, path, head) for app in apps))
