"""``manage.py check --deploy`` is clean under the production settings that
docs/operations.md documents, and each of those settings is needed: leave one
out and Django's check names it. The local defaults (``make run`` on
http://127.0.0.1) stay plain HTTP.

Each check runs in a process of its own, since settings are read from the
environment once, at start-up.
"""

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "desk.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://desk.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_COOKIES": "1",
    "BEHIND_TLS_PROXY": "1",
}
# A setting left at its local default, and the deployment check that says so.
LOOSENED = {
    "debug on": ({"DEBUG": "true"}, "security.W018"),
    "no HSTS": ({"SECURE_HSTS_SECONDS": ""}, "security.W004"),
    "no HTTPS redirect": ({"SECURE_SSL_REDIRECT": ""}, "security.W008"),
    "cookies over plain HTTP": ({"SECURE_COOKIES": ""}, "security.W012"),
    "short secret key": ({"SECRET_KEY": "too-short"}, "security.W009"),
}
SETTINGS_OF_NOTE = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
)


def _environment(tmp_path, overrides: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key != "FIRMDESK_TESTING"
    }
    env.update(PRODUCTION)
    env.update(overrides)
    env["FIRMDESK_VAR"] = str(tmp_path)
    return {key: value for key, value in env.items() if value != ""}


def _start(tmp_path, overrides, *arguments):
    return subprocess.Popen(
        [sys.executable, "-m", "firmdesk.cli", *arguments],
        env=_environment(tmp_path, overrides),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _deploy_check(tmp_path, overrides):
    return _start(tmp_path, overrides, "check", "--deploy", "--fail-level", "WARNING")


def _finish(process) -> tuple[int, str]:
    output, _ = process.communicate(timeout=180)
    return process.returncode, output


@pytest.mark.slow
def test_deploy_check_is_clean_and_each_production_setting_is_needed(tmp_path):
    # Started together: each takes seconds to import Django and the apps.
    clean = _deploy_check(tmp_path, {})
    loosened = {
        name: (_deploy_check(tmp_path, overrides), check_id)
        for name, (overrides, check_id) in LOOSENED.items()
    }
    code, output = _finish(clean)
    assert code == 0, output
    assert "no issues" in output
    missed = {}
    for name, (process, check_id) in loosened.items():
        code, output = _finish(process)
        if code == 0 or check_id not in output:
            missed[name] = (code, output)
    assert missed == {}


def _settings_under(tmp_path, overrides):
    script = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr([getattr(settings, name) for name in {SETTINGS_OF_NOTE!r}]))"
    )
    env = _environment(tmp_path, overrides)
    env["DJANGO_SETTINGS_MODULE"] = "firmdesk.settings"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_production_settings_take_effect_and_local_defaults_stay_plain_http(
    tmp_path,
):
    production = _settings_under(tmp_path, {})
    assert production == repr(
        [True, True, True, ("HTTP_X_FORWARDED_PROTO", "https"), 31536000]
    )
    local = _settings_under(tmp_path, dict.fromkeys(PRODUCTION, ""))
    assert local == repr([False, False, False, None, 0])
