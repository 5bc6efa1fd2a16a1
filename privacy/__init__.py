"""Data protection that crosses apps: the subject access export, its register
and the staff actions that produce it.

Apps contribute their part through `privacy.signals.register_personal_data`;
this app imports no domain app (only `members`, the base).
"""
