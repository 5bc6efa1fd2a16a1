"""Read what Django's file email backend wrote: one entry per message actually sent."""

import email
import email.policy
import os
import time
from collections import Counter
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from bench.harness import REFERENCE_RE

SEPARATOR = "-" * 79


def sent_messages(directory: Path) -> list[dict]:
    """Return every message in `directory` as {to, subject, references}."""
    messages = []
    for path in sorted(Path(directory).glob("*.log")):
        for chunk in path.read_text(errors="replace").split("\n" + SEPARATOR + "\n"):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            subject = str(message.get("Subject", ""))
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            messages.append(
                {
                    "to": str(message.get("To", "")).lower(),
                    "subject": subject,
                    "references": set(REFERENCE_RE.findall(subject + "\n" + text)),
                }
            )
    return messages


def sends_per_reference(messages: list[dict], *, to_domain: str | None = None) -> Counter:
    """Count, for each LMS reference, how many sent messages mention it (optionally only to one domain)."""
    counts: Counter = Counter()
    for message in messages:
        if to_domain is None or message["to"].endswith("@" + to_domain):
            counts.update(message["references"])
    return counts


class SlowFileEmailBackend(FileEmailBackend):
    """The file backend, taking BENCH_EMAIL_DELAY seconds per message before it is written, like SMTP.

    Makes a sweep last long enough to kill part-way.
    """

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("BENCH_EMAIL_DELAY", "0")) * len(email_messages))
        return super().send_messages(email_messages)

