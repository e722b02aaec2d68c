"""Single sign-on fixtures: a real OpenID Connect provider on loopback, and the portal
set up to use it.

The provider (``tests/sso/provider/``, django-oauth-toolkit) runs as a subprocess with
its own SQLite file and an RS256 signing key generated here, once per test session.
"""

import os
import queue
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import SingleSignOn
from tests.conftest import need_service
from tests.factories import InstituteFactory
from tests.sso.idp import PROVIDER_ID, SSO_DOMAIN, IdentityProvider, sso_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 90


def _rsa_private_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    try:
        import oauth2_provider  # noqa: F401
    except ImportError:
        need_service(
            "django-oauth-toolkit", False, "install the dev extra: pip install -e '.[dev]'"
        )
    folder = tmp_path_factory.mktemp("identity-provider")
    (folder / "signing.pem").write_bytes(_rsa_private_key_pem())
    (folder / "other.pem").write_bytes(_rsa_private_key_pem())
    control_token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "IDP_SECRET_KEY": secrets.token_urlsafe(40),
        "IDP_DATABASE": str(folder / "provider.sqlite3"),
        "IDP_SIGNING_KEY": str(folder / "signing.pem"),
        "IDP_OTHER_KEY": str(folder / "other.pem"),
        "IDP_CONTROL_TOKEN": control_token,
        "PYTHONPATH": str(REPO_ROOT),
    }
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.provider.serve"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    try:
        line = lines.get(timeout=START_TIMEOUT_SECONDS)
    except queue.Empty:
        line = ""
    if not line.startswith("READY "):
        process.kill()
        log.close()
        pytest.fail(
            "The test identity provider did not start:\n"
            + (folder / "provider.log").read_text()[-3000:]
        )
    provider = IdentityProvider(
        url=f"http://127.0.0.1:{line.split()[1]}", control_token=control_token
    )
    try:
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def sso_institute(db):
    """The UK institute, whose staff domain signs in through the provider."""
    institute = InstituteFactory(uk=True, domains=[SSO_DOMAIN, "contractors.example.org"])
    sign_on = SingleSignOn.objects.create(institute=institute, provider_id=PROVIDER_ID)
    sign_on.domains.set(institute.domains.filter(domain=SSO_DOMAIN))
    return institute


@pytest.fixture
def sso(settings, identity_provider, sso_institute):
    """The portal (on Django's test server) set up to use the running provider."""
    identity_provider.register_client(
        "http://testserver" + reverse("openid_connect_callback", args=[PROVIDER_ID])
    )
    sso_settings(settings, identity_provider)
    return identity_provider


@pytest.fixture
def sso_configured(settings, sso_institute):
    """Single sign-on set up for the UK institute, with no provider running: enough for
    the pages and forms that never call the provider."""
    sso_settings(
        settings,
        IdentityProvider(url="https://login.aisi.example.gov.uk", control_token=""),
    )
    return sso_institute.single_sign_on
