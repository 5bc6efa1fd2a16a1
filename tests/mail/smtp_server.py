"""A real SMTP server for the outbox tests (aiosmtpd, in a thread, on a free 127.0.0.1 port).

It records every message it accepts, and can be told to answer like a real
server in trouble: a temporary "451" to the next few recipients, a permanent
"550" to given addresses, or to go away in the middle of a batch.
"""

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}  # address -> permanent answer
        self.busy_answers = 0  # answer the next N recipients with a temporary failure
        self.go_away_after: int | None = None  # drop the connection on the DATA after N messages
        self.gone = threading.Event()
        self.sessions: list[int] = []  # which SMTP conversation each accepted message came in

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.gone.is_set():
            server.transport.close()
            return "421 4.3.2 Going away"
        if address in self.refuse:
            return self.refuse[address]
        if self.busy_answers > 0:
            self.busy_answers -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.go_away_after is not None and len(self.messages) >= self.go_away_after:
            # The server dies before it has taken this message: the connection just drops.
            self.gone.set()
            server.transport.close()
            return "421 4.3.2 Going away"
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.sessions.append(id(session))
        return "250 2.0.0 Message accepted for delivery"


class SMTPServer:
    """Start with `with SMTPServer() as server:`; `server.settings()` are the Django settings to reach it."""

    def __init__(self, *, port: int | None = None, tls_cert: Path | None = None, tls_key: Path | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        context = None
        if tls_cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(tls_cert, tls_key)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ssl_context=context)

    def settings(self, **extra) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_TIMEOUT": 5,
            **extra,
        }

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> None:
        with contextlib.suppress(AssertionError):  # already stopped
            self.controller.stop()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a certificate for 127.0.0.1 and its key; return their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path
