"""The sign-in edge: over-long addresses, sign-up that does not tell which addresses have
accounts, and failed sign-in limits counted by the real client address behind a proxy."""

import pytest
from celery.signals import task_prerun
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def signup(client, email, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Ada Lovelace",
            "email": email,
            "job_title": "Research Scientist",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


# --- over-long addresses ----------------------------------------------------------------


def test_a_320_character_address_is_refused_beside_the_field_every_time(client, uk_institute):
    """An address longer than the 254 characters stored is refused with a clear message
    (it used to be cut to 254 characters, and a second try answered 500)."""
    email = (
        "a" * 64
        + "."
        + "b" * (320 - 64 - 1 - len("@uk-aisi.example.org"))
        + ("@uk-aisi.example.org")
    )
    assert len(email) == 320
    for _ in range(2):
        response = signup(client, email)
        assert response.status_code == 200
        assert "Enter an email address of 254 characters or fewer." in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


# --- sign-up takes the same path for new and known addresses ----------------------------


class CountingHasher(MD5PasswordHasher):
    """A real (fast) hasher that counts how many passwords it hashes."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def tasks_run():
    names: list[str] = []

    def record(sender=None, **kwargs):
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


def test_new_and_known_addresses_get_the_same_answer_from_the_same_work(
    client, uk_institute, settings, tasks_run
):
    """Sign-up with a new address and with one that has an account both hash one password,
    send one email through the account email task, and answer with the same redirect: the
    response (and its time) no longer tells which addresses have accounts."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    known = UserFactory(institute=uk_institute, email="known@uk-aisi.example.org")
    outcomes = []
    for email in ("new@uk-aisi.example.org", known.email):
        CountingHasher.calls = 0
        tasks_run.clear()
        mail.outbox.clear()
        response = signup(client, email)
        outcomes.append(
            (response.status_code, response["Location"], tasks_run[:], CountingHasher.calls)
        )
        assert [message.to for message in mail.outbox] == [[email]]
        client.logout()
    assert outcomes[0] == outcomes[1]
    status, location, tasks, hashes = outcomes[0]
    assert (status, location) == (302, reverse("account_email_verification_sent"))
    assert tasks == ["accounts.tasks.send_account_email"]
    assert hashes == 1


def test_an_account_email_is_sent_from_the_web_process_when_the_broker_is_down(
    client, uk_user, settings
):
    """With no broker to take the task, the password reset email is still sent."""
    settings.ACCOUNT_EMAIL_TASK_ALWAYS_EAGER = False
    from config.celery import app

    # A broker address nothing listens on; the connection pool is rebuilt for it.
    broker, pool = app.conf.broker_url, app._pool
    app.conf.broker_url, app._pool = "redis://127.0.0.1:1/0", None
    try:
        response = client.post(reverse("account_reset_password"), {"email": uk_user.email})
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool = broker, pool
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[uk_user.email]]


# --- failed sign-ins, counted per client address and per account -------------------------


def failed_sign_in(client, email, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong-password"},
        REMOTE_ADDR="10.0.0.1",  # the TLS proxy
        **headers,
    )


LIMITED = "Too many failed login attempts"


def test_behind_the_proxy_each_client_address_has_its_own_limit(client, uk_institute, settings):
    """With one trusted proxy, failed sign-ins are counted by the address the proxy saw (the
    last X-Forwarded-For entry), not by the proxy's own address: one client that reaches
    the limit does not block another, and a client cannot escape by writing its own
    address at the left of the header."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,100/300s/key"}
    people = [UserFactory(institute=uk_institute) for _ in range(5)]
    for person in people[:3]:
        assert LIMITED not in failed_sign_in(client, person.email, "203.0.113.7").content.decode()
    blocked = failed_sign_in(client, people[3].email, "198.51.100.1, 203.0.113.7")
    assert LIMITED in blocked.content.decode()
    other = failed_sign_in(client, people[4].email, "192.0.2.44")
    assert LIMITED not in other.content.decode()


def test_without_a_trusted_proxy_the_header_is_ignored(client, uk_institute, settings):
    """With no trusted proxy (the portal reached directly), X-Forwarded-For is the
    client's own writing and is ignored: a changing header does not reset the count."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,100/300s/key"}
    people = [UserFactory(institute=uk_institute) for _ in range(4)]
    for number, person in enumerate(people[:3]):
        failed_sign_in(client, person.email, f"192.0.2.{number}")
    assert LIMITED in failed_sign_in(client, people[3].email, "192.0.2.99").content.decode()


def test_each_account_has_its_own_limit_whatever_the_address(client, uk_institute, settings):
    """Failed sign-ins to one account from many addresses reach that account's limit."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,3/300s/key"}
    person = UserFactory(institute=uk_institute)
    for number in range(3):
        failed_sign_in(client, person.email, f"192.0.2.{number}")
    assert LIMITED in failed_sign_in(client, person.email, "192.0.2.200").content.decode()
    other = UserFactory(institute=uk_institute)
    assert LIMITED not in failed_sign_in(client, other.email, "192.0.2.200").content.decode()


def test_fewer_forwarded_addresses_than_proxies_is_counted_not_a_500(client, uk_user, settings):
    """A request that passed fewer proxies than configured is counted by its connecting
    address instead of failing."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = failed_sign_in(client, uk_user.email, "192.0.2.1")
    assert response.status_code == 200
