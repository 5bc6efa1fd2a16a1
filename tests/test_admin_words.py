"""The admin speaks to a new LMC officer, not to a developer.

Driven from the admin's own registry, so a new model admin, field, column, filter, action
or message is checked without anyone remembering to add it. Every label, help text,
column heading, filter title, fieldset title, inline title and action description that
a member of staff reads in a project app's admin is searched for database and developer
words ("pk", "FK", "null", "boolean", "JSON", "slug", "object", "queryset" ...). The
messages the admin modules send (`message_user`, `messages.error` ...) are read from
their source. Every custom action must have a description written for a person.
"""

import ast
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory

from members.models import User

PROJECT_APPS = {"members", "privacy", "enquiries", "levies", "programmes", "mail", "voice"}

# Whole words (case-insensitive) that belong to the database or the code, not to a person.
BLOCKLIST = [
    "pk",
    "id",
    "ids",
    "fk",
    "foreign key",
    "null",
    "nullable",
    "boolean",
    "bool",
    "json",
    "slug",
    "constraint",
    "object",
    "objects",
    "queryset",
    "instance",
    "dedupe",
    "chars",
    "ics",
    "sla started",
    "designates",
]
BLOCKED = re.compile(r"\b(" + "|".join(re.escape(word) for word in BLOCKLIST) + r")\b", re.IGNORECASE)
# Other ways a label gives away the code behind it: a field name's "is " ("is active"), an
# abbreviation in small letters ("pcn", as Django writes a field's name), American spelling.
CODE_SHAPED = re.compile(r"^is |_|\b(pcn|ods|sla|icb|gpdf|nhs|lmc|csv|ip)\b")
AMERICAN = re.compile(r"\b(\w*organiz\w*|canceled|canceling|color|behavior|enroll|enrollment|program|center)\b", re.IGNORECASE)


def wrong_words(text: str, *, label: bool) -> bool:
    """A label is short and shown as is; help texts and descriptions may quote a file's column names."""
    return bool(BLOCKED.search(text) or AMERICAN.search(text) or (label and CODE_SHAPED.search(text)))

# Models registered on our admin site by Django and packages. Their words are the
# packages' own (and translated by them); only superusers, who run the portal, open
# these pages: tests/test_admin_sweep.py pins that no staff group can.
NOT_OURS = {
    "account": "allauth's email addresses: superusers only",
    "mfa": "allauth's authenticators: superusers only",
    "auth": "Django's groups: superusers only",
    "sites": "Django's sites: superusers only",
    "django_celery_beat": "the periodic-job tables (JSON arguments, crontabs): superusers only",
}

# Exact strings that contain a blocked word on purpose, each with the reason.
ALLOWED: dict[str, str] = {
    # Django's own "Delete selected" action; its text is Django's, translated by Django.
    "Delete selected %(verbose_name_plural)s": "Django's bulk-delete action",
}


def superuser_request():
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True, email="words@example.org")
    return request


def model_field(model, name: str):
    try:
        return get_fields_from_path(model, name)[-1]
    except (FieldDoesNotExist, AttributeError):
        return None


def field_words(field) -> Iterator[tuple[str, bool]]:
    """A model field's label and help text, each with whether it is a short label."""
    if field is None:
        return
    yield str(getattr(field, "verbose_name", "") or ""), True
    yield str(getattr(field, "help_text", "") or ""), False


Words = Iterator[tuple[str, str, bool]]


def fieldset_words(model_admin, request, shown: set[str]) -> Words:
    """Fieldset titles and descriptions; the names of the fields they show go into `shown`."""
    # The add page's fieldsets, and the change page's where the admin declares them.
    for title, options in [*model_admin.get_fieldsets(request, None), *(model_admin.fieldsets or ())]:
        if title:
            yield "fieldset title", str(title), True
        if options.get("description"):
            yield "fieldset description", str(options["description"]), False
        for entry in options.get("fields", ()):
            shown.update(entry if isinstance(entry, (list, tuple)) else [entry])


def changelist_words(model, model_admin, request, shown: set[str]) -> Words:
    """Column headings and filter titles of the list page."""
    for name in model_admin.get_list_display(request):
        yield f"column {name}", str(label_for_field(name, model, model_admin)), True
        if isinstance(name, str):
            shown.add(name)
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, (list, tuple)):
            entry = entry[0]
        if isinstance(entry, str):
            yield from ((f"filter {entry}", text, label) for text, label in field_words(model_field(model, entry)))
        else:
            yield f"filter {entry.__name__}", str(entry.title), True


def shown_field_words(model, model_admin, shown: set[str]) -> Words:
    for name in shown:
        field = model_field(model, name)
        if field is not None:
            yield from ((f"field {name}", text, label) for text, label in field_words(field))
        elif hasattr(model_admin, name):  # a read-only line the admin computes, such as "can it be deleted?"
            yield f"field {name}", str(label_for_field(name, model, model_admin)), True
        # Otherwise a field of the form alone (Django's password boxes on "add user").


def inline_words(model_admin, request) -> Words:
    for inline in model_admin.get_inline_instances(request, None):
        yield f"inline {type(inline).__name__}", str(inline.verbose_name_plural), True
        yield f"inline {type(inline).__name__}", str(inline.verbose_name), True
        for name in inline.get_fields(request, None):
            yield from ((f"inline field {name}", text, label) for text, label in field_words(model_field(inline.model, name)))


def admin_words(model, model_admin) -> Words:
    """Each (where, text, whether it is a short label) a member of staff reads on this model's admin pages."""
    request = superuser_request()
    yield "model name", str(model._meta.verbose_name), True
    yield "model name (plural)", str(model._meta.verbose_name_plural), True
    shown: set[str] = set()
    yield from fieldset_words(model_admin, request, shown)
    yield from changelist_words(model, model_admin, request, shown)
    shown.update(name for name in model_admin.get_readonly_fields(request, None) if isinstance(name, str))
    shown.update(name for name in model_admin.readonly_fields if isinstance(name, str))
    yield from shown_field_words(model, model_admin, shown)
    for _function, name, description in model_admin._get_base_actions():
        yield f"action {name}", str(description), False
    yield from inline_words(model_admin, request)


def project_admins():
    return [
        (model, model_admin)
        for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
        if model._meta.app_label not in NOT_OURS
    ]


def test_every_registered_admin_is_ours_or_named_as_not_ours():
    for model in admin.site._registry:
        assert model._meta.app_label in PROJECT_APPS | set(NOT_OURS), f"{model._meta.label}: check its words, or say why not"


def test_the_registry_finds_the_admins():
    assert len(project_admins()) > 30


@pytest.mark.parametrize(("model", "model_admin"), project_admins(), ids=[m._meta.label for m, _ in project_admins()])
def test_admin_words_are_for_people_not_developers(model, model_admin):
    found = [
        f"{where}: {text!r}"
        for where, text, label in admin_words(model, model_admin)
        if wrong_words(text, label=label) and text not in ALLOWED
    ]
    assert not found, f"{model._meta.label} shows database or developer words:\n" + "\n".join(found)


@pytest.mark.parametrize(("model", "model_admin"), project_admins(), ids=[m._meta.label for m, _ in project_admins()])
def test_every_custom_admin_action_says_what_it_does(model, model_admin):
    for function, name, description in model_admin._get_base_actions():
        if name == "delete_selected":
            continue
        assert getattr(function, "short_description", None), f"{model._meta.label}.{name} needs @admin.action(description=...)"
        assert str(description)[0].isupper(), f"{model._meta.label}.{name}: start the description with a capital"


def admin_modules() -> list[Path]:
    """The source files of every project model admin (and the packages they live in)."""
    files: set[Path] = set()
    for _model, model_admin in project_admins():
        for klass in type(model_admin).__mro__:
            module = sys.modules.get(klass.__module__)
            if module is None or klass.__module__.split(".")[0] not in PROJECT_APPS:
                continue
            path = Path(inspect.getfile(module))
            files.update(path.parent.rglob("*.py") if path.name == "__init__.py" else [path])
    return sorted(files)


MESSAGE_CALLS = {"message_user", "error", "success", "warning", "info"}


def admin_messages(path: Path) -> Iterator[tuple[int, str]]:
    """The literal text of each message an admin module sends to staff."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MESSAGE_CALLS:
            for argument in node.args:
                for part in ast.walk(argument):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        yield node.lineno, part.value


def test_the_message_reader_finds_the_admin_messages():
    assert sum(1 for path in admin_modules() for _ in admin_messages(path)) > 30


def test_admin_messages_are_for_people_not_developers():
    found = [
        f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}:{line}: {text!r}"
        for path in admin_modules()
        for line, text in admin_messages(path)
        if wrong_words(text, label=False) or re.search(r"\w\((s|es|ies)\)", text)
    ]
    assert not found, "Admin messages with database words or '(s)' plurals:\n" + "\n".join(found)


def test_blocklist_spots_database_words():
    assert BLOCKED.search("Designates whether the user can log in")
    assert BLOCKED.search("the object's pk")
    assert BLOCKED.search("JSON list of addresses")


def test_blocklist_spares_plain_words_that_contain_blocked_ones():
    assert not BLOCKED.search("Identify the practice; objectives; idle; slugger; Ideas")


def test_labels_shaped_like_code_are_spotted():
    assert wrong_words("is active", label=True)
    assert wrong_words("pcn", label=True)
    assert not wrong_words("PCN", label=True)


def test_help_text_may_quote_a_files_column_names():
    assert not wrong_words("ods_code,patients", label=False)


def test_american_spelling_is_spotted_and_british_spared():
    assert wrong_words("Cancel the canceled bookings", label=False)
    assert wrong_words("organization", label=False)
    assert not wrong_words("Cancelled; enrolled; enrolment; programme; organisation", label=False)
