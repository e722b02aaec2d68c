import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def run_settings(**env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_without_secret_key_refuses_to_start():
    result = run_settings(ALLOWED_HOSTS="portal.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start():
    result = run_settings(SECRET_KEY="x" * 60)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_mode_with_both_starts_and_passes_the_deploy_check():
    env = {"SECRET_KEY": "k" * 20 + "Z9-x!" * 10, "ALLOWED_HOSTS": "portal.example.org"}
    assert run_settings(**env).stdout.strip() == "started"

    cmd = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    result = subprocess.run(
        cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_mode_runs_on_embedded_defaults():
    result = run_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_secret_key_fallbacks_come_from_the_environment():
    """SECRET_KEY_FALLBACKS lists the earlier keys, comma-separated."""
    env = {
        "SECRET_KEY": "new-" + "k" * 60,
        "SECRET_KEY_FALLBACKS": "old-" + "a" * 60 + ",older-" + "b" * 60,
        "ALLOWED_HOSTS": "portal.example.org",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(len(settings.SECRET_KEY_FALLBACKS), settings.SECRET_KEY_FALLBACKS[1][:6])",
        ],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings", "TESTING": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["2", "older-"], result.stderr


@pytest.mark.django_db
def test_rotating_the_secret_key_keeps_people_signed_in_while_the_old_key_is_a_fallback(
    settings, uk_user, au_user
):
    """With the old key as a fallback sessions survive and are re-signed on their next visit;
    a session not seen during the overlap ends when the fallback is removed."""
    old, new = "old-" + "a" * 60, "new-" + "b" * 60
    settings.SECRET_KEY = old
    active, idle = Client(), Client()
    active.force_login(uk_user)
    idle.force_login(au_user)

    settings.SECRET_KEY = new
    settings.SECRET_KEY_FALLBACKS = [old]
    assert active.get("/").status_code == 200

    settings.SECRET_KEY_FALLBACKS = []
    assert active.get("/").status_code == 200
    response = idle.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_rotating_the_secret_key_without_a_fallback_signs_everyone_out(settings, uk_user):
    """Changing SECRET_KEY alone ends every session at once."""
    settings.SECRET_KEY = "old-" + "a" * 60
    client = Client()
    client.force_login(uk_user)

    settings.SECRET_KEY = "new-" + "b" * 60

    assert client.get("/").status_code == 302
