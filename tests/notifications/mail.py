"""Email backends for tests: the locmem outbox, counting connections, or refusing some."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class CountingBackend(EmailBackend):
    """The locmem outbox, plus how many connections were opened."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return True


class RefusingBackend(EmailBackend):
    """Refuses mail to addresses starting with ``refuse``, like a server would."""

    def send_messages(self, messages):
        for message in messages:
            if any(to.startswith("refuse") for to in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


class DownBackend(EmailBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")
