import os
import subprocess
import sys
from pathlib import Path

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
