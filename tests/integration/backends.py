"""An email backend for the kill test: the SMTP conversation starts and never ends."""

import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class StallingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        Path(settings.EMAIL_FILE_PATH, "stalled-while-sending").write_text(messages[0].subject)
        time.sleep(600)
        return 0
