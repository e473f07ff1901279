"""deploy/: the nginx site file and the systemd units parse, and name what exists.

The nginx file is rendered from the same template as `make cluster`'s (tests/cluster/nginx_conf.py);
`nginx -t` checks the cluster's rendering when nginx is installed (scripts/ensure_cluster_tools.sh).
"""

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.cluster import nginx_conf

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = ["frontline-academy@.service", "frontline-academy-worker.service", "frontline-academy-daily.service"]


def cluster_site(tmp_path, ports=(18001, 18002), tls=None) -> nginx_conf.Site:
    return nginx_conf.Site(
        note="test",
        server_name="127.0.0.1",
        app_servers=[f"127.0.0.1:{port}" for port in ports],
        static_root=str(tmp_path / "static"),
        media_root=str(tmp_path / "media"),
        http_port=18080,
        listen_host="127.0.0.1",
        tls_port=tls,
        certificate=str(tmp_path / "cert.pem"),
        certificate_key=str(tmp_path / "key.pem"),
    )


def test_the_real_server_file_is_the_template_rendered():
    """Edit deploy/nginx/frontline-academy.conf.in, then `python -m tests.cluster.nginx_conf > …conf`."""
    assert (ROOT / "deploy/nginx/frontline-academy.conf").read_text() == nginx_conf.render(
        nginx_conf.PRODUCTION
    )


def test_every_upstream_server_is_an_app_server(tmp_path):
    site = cluster_site(tmp_path, ports=(18001, 18002, 18003))
    text = nginx_conf.render(site)
    upstream = re.search(r"upstream frontline_academy \{(.*?)\}", text, re.S).group(1)
    assert re.findall(r"^\s*server (\S+)", upstream, re.M) == site.app_servers
    assert "proxy_pass http://frontline_academy;" in text


def test_the_proxy_sets_what_django_reads():
    text = nginx_conf.render(nginx_conf.PRODUCTION)
    for header in (
        "X-Forwarded-For $proxy_add_x_forwarded_for",
        "X-Forwarded-Proto $scheme",
        "X-Forwarded-Host",
    ):
        assert f"proxy_set_header {header}" in text
    # Only idempotent requests go to the next server: no `non_idempotent` in proxy_next_upstream.
    next_upstream = re.search(r"proxy_next_upstream ([^;]*);", text).group(1)
    assert "non_idempotent" not in next_upstream and "error" in next_upstream
    assert "client_max_body_size" in text and "gzip on;" in text and "location /static/" in text
    assert "return 301 https://" in text and "listen 443 ssl;" in text


def test_nothing_is_left_unfilled(tmp_path):
    for site in (nginx_conf.PRODUCTION, cluster_site(tmp_path), cluster_site(tmp_path, tls=18443)):
        assert "@@" not in nginx_conf.render(site)


@pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed"
)
def test_nginx_accepts_the_cluster_config(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    for sub in ("tmp", "logs"):
        (tmp_path / sub).mkdir()
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = nginx_conf.render(cluster_site(tmp_path, tls=18443))
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_conf.main_config(site, tmp_path, tmp_path / "logs/access.log", tmp_path / "logs/error.log")
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((SYSTEMD / name).read_text())
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_units_run_manage_py_commands_or_gunicorn_that_exist(name):
    service = unit(name)["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0].startswith("/srv/frontline-academy/app/.venv/bin/")
    assert "\nEnvironment=DJANGO_SETTINGS_MODULE=config.settings.production\n" in (SYSTEMD / name).read_text()
    if "manage.py" in argv:
        command = argv[argv.index("manage.py") + 1]
        assert command in get_commands(), f"{name} runs manage.py {command}, which does not exist"
    else:
        assert argv[0].endswith("/gunicorn") and argv[argv.index("-c") + 1] == "config/gunicorn.conf.py"
        assert (ROOT / "config/gunicorn.conf.py").exists() and argv[-1] == "config.wsgi"
    assert service["EnvironmentFile"] == "/etc/frontline-academy/env"


def test_the_worker_serves_the_queue_the_settings_name():
    from django.conf import settings

    argv = shlex.split(unit("frontline-academy-worker.service")["Service"]["ExecStart"])
    backend = argv[argv.index("--backend") + 1]
    queue = argv[argv.index("--queue-name") + 1]
    assert backend in settings.TASKS and queue in settings.TASKS[backend]["QUEUES"]


def test_the_app_server_unit_binds_its_instance_port():
    service = unit("frontline-academy@.service")["Service"]
    assert "GUNICORN_BIND=127.0.0.1:%i" in (SYSTEMD / "frontline-academy@.service").read_text()
    assert service["Restart"] == "always"


def test_the_timer_starts_the_daily_service():
    timer = unit("frontline-academy-daily.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    assert (SYSTEMD / "frontline-academy-daily.service").exists()


def test_nginx_closes_idle_upstream_connections_before_gunicorn_does():
    """A request sent on a connection the app server is closing fails, and a POST is not retried."""
    text = nginx_conf.render(nginx_conf.PRODUCTION)
    upstream = re.search(r"upstream frontline_academy \{(.*?)\}", text, re.S).group(1)
    nginx_idle = int(re.search(r"^\s*keepalive_timeout (\d+)s;", upstream, re.M).group(1))
    gunicorn = {}
    exec((ROOT / "config/gunicorn.conf.py").read_text(), gunicorn)  # noqa: S102 - our own config file
    assert nginx_idle < gunicorn["keepalive"]
