"""Production settings fail fast and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "x7#Qp2$Lm9!vR4&tZ8*wK1^cN6@bH3%jF5(dS0)gA-yU_eI+oP=rT~qW{zX}cV|bN"
GOOD = {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "learn.example.org"}
BEHIND_ONE_PROXY = {"DJANGO_BEHIND_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"}  # the README's shape


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "example.org"}, "at least 50"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_key_and_hosts(overrides, message):
    result = run_manage("check", env_overrides=overrides)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("behind_proxy", "proxies", "message"),
    [
        ("true", "0", "TRUSTED_PROXY_COUNT is 0"),  # everyone would share the proxy's address
        ("false", "1", "TRUSTED_PROXY_COUNT is not 0"),  # anyone could write their own address
    ],
)
def test_production_refuses_to_start_when_the_proxy_settings_disagree(behind_proxy, proxies, message):
    overrides = {**GOOD, "DJANGO_BEHIND_PROXY": behind_proxy, "TRUSTED_PROXY_COUNT": proxies}
    result = run_manage("check", env_overrides=overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**GOOD, **BEHIND_ONE_PROXY},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    # Only the information that no SMS provider is set (these settings name none): nothing to fix.
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "no issues" in output or "core.I012" in output


def test_check_deploy_warns_when_no_proxy_is_trusted_and_none_is_declared():
    result = run_manage("check", "--deploy", env_overrides={**GOOD, "TRUSTED_PROXY_COUNT": "0"})
    assert "core.W001" in result.stderr + result.stdout
    assert "TRUSTED_PROXY_COUNT is 0" in result.stderr + result.stdout


def test_check_deploy_is_quiet_when_clients_are_declared_to_connect_directly():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**GOOD, "DJANGO_BEHIND_PROXY": "false", "TRUSTED_PROXY_COUNT": "0"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_wsgi_defaults_to_production_settings():
    assert (
        'setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")'
        in (ROOT / "config" / "wsgi.py").read_text()
    )


def test_production_never_allows_demo_accounts():
    result = run_manage(
        "load_demo",
        "--with-accounts",
        env_overrides={
            "DJANGO_SECRET_KEY": GOOD_KEY,
            "DJANGO_ALLOWED_HOSTS": "learn.example.org",
            "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3",
        },
    )
    assert result.returncode != 0
    assert "Demo accounts have known passwords" in result.stderr


@pytest.mark.django_db
def test_serve_media_serves_uploads_with_debug_off(settings, client):
    """DJANGO_SERVE_MEDIA (one machine, no proxy) serves uploads under the production settings, where
    DEBUG is off: Django's static() helper adds no URL then, which left every lesson picture a 404."""
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    (Path(settings.MEDIA_ROOT) / "images").mkdir()
    (Path(settings.MEDIA_ROOT) / "images" / "shot.webp").write_bytes(b"RIFF-picture")
    assert client.get("/media/images/shot.webp").status_code == 404  # off by default
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        response = client.get("/media/images/shot.webp")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"RIFF-picture"
        assert client.get("/media/../config/urls.py").status_code in (400, 404)  # nothing outside MEDIA_ROOT
    finally:
        settings.SERVE_MEDIA = False
        importlib.reload(config.urls)
        clear_url_caches()
