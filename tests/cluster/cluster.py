"""`make cluster`: the production shape on one machine, in the foreground (Ctrl-C stops it all).

Under var/cluster/ (CLUSTER_DIR), each part on a free port of its own:

* PostgreSQL: its own data directory, started with pg_ctl (as root through `runuser -u postgres`);
* Redis: `redis-server` without persistence, a child of this process;
* two gunicorn app servers (config/gunicorn.conf.py, production settings, behind one trusted proxy);
* one task worker (`manage.py db_worker --backend background --queue-name default`);
* nginx in front, its config rendered from deploy/nginx/frontline-academy.conf.in (TLS with
  CLUSTER_TLS=1: a self-signed certificate made by openssl).

This process is the supervisor, as systemd is on real servers (Restart=always): a part that dies is
started again after RESTART_DELAY seconds, and every exit and start is a line in events.jsonl. The
drills (tests.cluster.drill) kill parts and rely on that. state.json tells the other commands
(make load, the drills) the ports, the process groups and the environment of the app servers.

Environment: CLUSTER_DIR (var/cluster), CLUSTER_PORT (proxy port, 8080 when free), CLUSTER_TLS (0),
CLUSTER_LEARNERS (learners seeded for the load, 200), WEB_CONCURRENCY / GUNICORN_THREADS per app server
(2 / 4).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.cluster import nginx_conf

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
RESTART_DELAY = 0.5
DATABASE = "frontline_cluster"
APP_SERVERS = ("a", "b")


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


def cluster_dir(default: str = "var/cluster") -> Path:
    path = Path(os.environ.get("CLUSTER_DIR") or ROOT / default)
    return path if path.is_absolute() else ROOT / path


def free_port(preferred: int | None = None) -> int:
    if preferred:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", preferred))
                return preferred
            except OSError:
                pass
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_status(url: str, timeout: float = 2, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own local servers
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def wait_for(check, what: str, timeout: float = 60, every: float = 0.2) -> float:
    """Poll until check() is true; returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(every)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    if shutil.which(name):
        return shutil.which(name)
    raise RuntimeError(f"PostgreSQL's {name} is missing: run scripts/ensure_cluster_tools.sh")


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def postgres_stop_stale(pgdata: Path) -> None:
    """A PostgreSQL left running by a run that was killed outright (kill -9 of its supervisor): stopped."""
    if (pgdata / "postmaster.pid").exists():
        log(f"stopping the PostgreSQL a previous run left running in {pgdata}")
        subprocess.run(
            as_postgres([postgres_bin("pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def read_state(directory: Path) -> dict:
    path = directory / "state.json"
    if not path.exists():
        raise RuntimeError(f"no cluster state in {directory}: is `make cluster` running?")
    return json.loads(path.read_text())


def cluster_running(directory: Path) -> bool:
    try:
        state = read_state(directory)
    except (RuntimeError, ValueError):
        return False
    try:
        os.kill(state["supervisor_pid"], 0)
    except (OSError, KeyError):
        return False
    return port_open(state["ports"]["proxy"])


class Cluster:
    """Starts, watches and stops the parts. Use as a context manager, or start() … stop()."""

    def __init__(
        self,
        directory: Path,
        *,
        tls: bool = False,
        proxy_port: int | None = None,
        learners: int = 200,
        throwaway: bool = False,
    ):
        self.dir = directory
        # A throwaway cluster (make cluster-check) skips the demo accounts and runs PostgreSQL without
        # fsync: a crash of the machine could lose its data, which is thrown away anyway. A clean or fast
        # shutdown (the drill's `pg_ctl restart -m fast`) still writes everything first.
        self.throwaway = throwaway
        self.demo_accounts = ""
        self.tls = tls
        self.learners = learners
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[list[str], dict, Path]] = {}
        self.stopping = False
        self.lock = threading.Lock()
        self.watcher: threading.Thread | None = None
        self.pg_started = False
        self.ports = {
            "proxy": free_port(proxy_port or 8080),
            "postgres": free_port(),
            "redis": free_port(),
            **{f"app_{name}": free_port() for name in APP_SERVERS},
        }
        if tls:
            self.ports["tls"] = free_port(8443)
        self.pgdata = self.dir / "postgres" / "data"
        self.logs = self.dir / "logs"

    # --- environment -------------------------------------------------------------------------

    def secret_key(self) -> str:
        path = self.dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(60))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['proxy']}"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=self.secret_key(),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_CSRF_TRUSTED_ORIGINS=",".join(
                [self.base_url] + ([f"https://127.0.0.1:{self.ports['tls']}"] if self.tls else [])
            ),
            DJANGO_BEHIND_PROXY="true",
            TRUSTED_PROXY_COUNT="1",
            DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on the proxy port too (CLUSTER_TLS adds HTTPS)
            DJANGO_SECURE_HSTS_SECONDS="0",
            DJANGO_SESSION_COOKIE_SECURE="false",
            DJANGO_CSRF_COOKIE_SECURE="false",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/{DATABASE}",
            REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            STATIC_ROOT=str(self.dir / "staticfiles"),
            MEDIA_ROOT=str(self.dir / "media"),
            # Reminders go out by text message into a file, one JSON line per message (the drills count them).
            NOTIFY_CHANNELS="sms",
            SMS_BACKEND="file",
            SMS_FILE_PATH=str(self.dir / "sms-outbox.jsonl"),
            LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
            WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
            GUNICORN_THREADS=os.environ.get("GUNICORN_THREADS", "4"),
            CLUSTER_DIR=str(self.dir),
            PYTHONUNBUFFERED="1",
        )
        env.pop("DJANGO_SERVE_MEDIA", None)
        return env

    # --- PostgreSQL ----------------------------------------------------------------------------

    def postgres_start(self) -> None:
        pg_root = self.pgdata.parent
        pg_root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(pg_root, "postgres", "postgres")
        if not (self.pgdata / "PG_VERSION").exists():
            log("initdb (once)")
            subprocess.run(
                as_postgres(
                    [
                        postgres_bin("initdb"),
                        "-D",
                        str(self.pgdata),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                        "--no-sync",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        postgres_stop_stale(self.pgdata)
        self.pg_ctl("start")
        self.pg_started = True

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.ports['postgres']} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        if self.throwaway:
            options += " -c fsync=off -c full_page_writes=off"

        command = [
            postgres_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.pgdata.parent / "postgres.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            action,
            *extra,
        ]
        subprocess.run(as_postgres(command), check=True, stdout=subprocess.DEVNULL)

    def postgres_stop(self) -> None:
        if self.pg_started:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl("stop", "-m", "fast")
            self.pg_started = False

    def database_create(self) -> None:
        import psycopg

        admin = f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
                conn.execute(f'CREATE DATABASE "{DATABASE}"')

    # --- children ------------------------------------------------------------------------------

    def child(self, name: str, command: list[str], env: dict | None = None) -> None:
        """Start a supervised child in a process group of its own (kill -9 -PGID takes it all)."""
        self.commands[name] = (command, env or self.env(), self.logs / f"{name}.log")
        self._spawn(name)

    def _spawn(self, name: str) -> None:
        command, env, logfile = self.commands[name]
        with logfile.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        self.event(name, "start", pid=process.pid)
        self.state_write()

    def event(self, name: str, what: str, **extra) -> None:
        with (self.dir / "events.jsonl").open("a") as file:
            file.write(json.dumps({"t": time.time(), "part": name, "event": what, **extra}) + "\n")

    def watch(self) -> None:
        """Restart a child that exits while the cluster runs (as systemd's Restart=always)."""
        while not self.stopping:
            with self.lock:
                for name, process in list(self.processes.items()):
                    code = process.poll()
                    if code is None or self.stopping:
                        continue
                    self.event(name, "exit", pid=process.pid, code=code)
                    log(f"{name} exited ({code}); starting it again in {RESTART_DELAY} s")
                    # Its process group may still hold workers: they go with it.
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGKILL)
                    time.sleep(RESTART_DELAY)
                    self._spawn(name)
            time.sleep(0.1)

    def state_write(self) -> None:
        state = {
            "supervisor_pid": os.getpid(),
            "dir": str(self.dir),
            "ports": self.ports,
            "base_url": self.base_url,
            "pids": {name: process.pid for name, process in self.processes.items()},
            "pgdata": str(self.pgdata),
            "env": {k: v for k, v in self.env().items() if k in APP_ENV_KEYS},
        }
        temporary = self.dir / "state.json.tmp"
        temporary.write_text(json.dumps(state, indent=1))
        temporary.replace(self.dir / "state.json")

    # --- the whole -----------------------------------------------------------------------------

    def manage(self, *args: str, settings: str | None = None, quiet: bool = True) -> str:
        env = self.env()
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode})")
        return result.stdout

    def start(self) -> Cluster:
        started = time.monotonic()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        (self.dir / "events.jsonl").unlink(missing_ok=True)
        (self.logs / "nginx-access.jsonl").unlink(missing_ok=True)  # this run's requests only
        log(f"directory {self.dir}")
        self.postgres_start()
        self.database_create()
        redis_dir = self.dir / "redis"
        redis_dir.mkdir(exist_ok=True)
        self.child(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
                "--daemonize",
                "no",
            ],
        )
        wait_for(lambda: port_open(self.ports["redis"]), "redis", 20)
        log(f"PostgreSQL :{self.ports['postgres']} and Redis :{self.ports['redis']} up")
        self.prepare()
        (self.dir / "media").mkdir(exist_ok=True)
        for name in APP_SERVERS:
            port = self.ports[f"app_{name}"]
            env = dict(self.env(), GUNICORN_BIND=f"127.0.0.1:{port}")
            self.child(
                f"app_{name}", [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"], env
            )
        self.child(
            "worker",
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--backend",
                "background",
                "--queue-name",
                "default",
                "--interval",
                "0.5",
            ],
        )
        self.nginx_start()
        for name in APP_SERVERS:
            port = self.ports[f"app_{name}"]
            wait_for(
                lambda port=port: http_status(f"http://127.0.0.1:{port}/ping/") == 200, f"app server {name}"
            )
        wait_for(lambda: http_status(self.base_url + "/ping/") == 200, "nginx")
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()
        self.state_write()
        log(f"up in {time.monotonic() - started:.1f} s")
        return self

    def prepare(self) -> None:
        """Migrated database with the demo curriculum, and collected static files. A throwaway cluster
        restores both from the cache (CLUSTER_CACHE, ~/.cache/frontline-academy/cluster) when the
        migrations, the demo loader, the seed and the static sources are the same as when it was made;
        otherwise it builds them (two minutes on two cores) and fills the cache."""
        db_key, static_key = cache_key(DATABASE_SOURCES), cache_key(STATIC_SOURCES)
        cache = cache_dir()
        dump, static_tar = cache / f"db-{db_key}.dump", cache / f"static-{static_key}.tar"
        static_root = self.dir / "staticfiles"
        marker = self.dir / "demo-loaded"
        restored_static = False
        if self.throwaway and static_tar.exists() and not static_root.exists():
            subprocess.run(["tar", "-xf", str(static_tar), "-C", str(self.dir)], check=True)
            restored_static = True
        static = None
        if not restored_static:
            # collectstatic needs no database: it runs beside the migrations (two cores).
            static = subprocess.Popen(
                [PYTHON, "manage.py", "collectstatic", "--noinput"],
                cwd=ROOT,
                env=self.env(),
                stdout=subprocess.DEVNULL,
                stderr=(self.logs / "collectstatic.log").open("wb"),
            )
        media_tar = cache / f"media-{db_key}.tar"  # the demo's images, which the database refers to
        if self.throwaway and dump.exists() and media_tar.exists() and not marker.exists():
            log(f"restoring the database from {dump}")
            subprocess.run(["tar", "-xf", str(media_tar), "-C", str(self.dir)], check=True)
            subprocess.run(
                [
                    postgres_bin("pg_restore"),
                    "--no-owner",
                    "-j",
                    "2",
                    "-d",
                    self.env()["DATABASE_URL"],
                    str(dump),
                ],
                check=True,
            )
            marker.write_text("")
        log("migrate")
        self.manage("migrate", "--noinput")
        if not marker.exists():
            if self.throwaway:
                log("loading the demo curriculum")
                self.manage("load_demo")
            else:
                log("loading the demo curriculum and accounts (once)")
                self.demo_accounts = self.manage(
                    "load_demo", "--with-accounts", settings="config.settings.dev"
                )
            marker.write_text(self.demo_accounts)
        self.demo_accounts = marker.read_text()
        self.seed()
        if self.throwaway and not (dump.exists() and media_tar.exists()):
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [postgres_bin("pg_dump"), "-Fc", "-f", str(dump) + ".tmp", self.env()["DATABASE_URL"]],
                check=True,
            )
            subprocess.run(["tar", "-cf", str(media_tar) + ".tmp", "-C", str(self.dir), "media"], check=True)
            os.replace(str(media_tar) + ".tmp", media_tar)
            os.replace(str(dump) + ".tmp", dump)
            log(f"cached the database in {dump}")
        if static is not None:
            if static.wait():
                raise RuntimeError(f"collectstatic failed: {self.logs / 'collectstatic.log'}")
            if self.throwaway and not static_tar.exists():
                cache.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    ["tar", "-cf", str(static_tar) + ".tmp", "-C", str(self.dir), "staticfiles"], check=True
                )
                os.replace(str(static_tar) + ".tmp", static_tar)

    def seed(self) -> None:
        if not (ROOT / "tests" / "cluster" / "seed.py").exists():
            log("tests/cluster/seed.py is not there yet: no load learners seeded")
            return
        log(f"seeding {self.learners} learners for the load")
        result = subprocess.run(
            [PYTHON, "-m", "tests.cluster.seed", "--learners", str(self.learners)],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise RuntimeError("tests.cluster.seed failed")

    def nginx_start(self) -> None:
        run = self.dir / "nginx"
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (run / sub).mkdir(parents=True, exist_ok=True)
        site = nginx_conf.Site(
            note="generated by `make cluster` for the one-machine cluster (var/cluster).",
            server_name="127.0.0.1 localhost",
            app_servers=[f"127.0.0.1:{self.ports[f'app_{name}']}" for name in APP_SERVERS],
            static_root=str(self.dir / "staticfiles"),
            media_root=str(self.dir / "media"),
            http_port=self.ports["proxy"],
            listen_host="127.0.0.1",
        )
        text = nginx_conf.render(site)
        if self.tls:
            certificate, key = self.certificate()
            tls_site = nginx_conf.Site(
                **{
                    **site.__dict__,
                    "tls_port": self.ports["tls"],
                    "certificate": str(certificate),
                    "certificate_key": str(key),
                }
            )
            # Plain HTTP stays open beside TLS on one machine (the load runs on it); only the TLS server
            # block of the rendered file is added.
            tls_text = nginx_conf.render(tls_site)
            text += (
                "\n" + tls_text[tls_text.index("server {\n    listen 127.0.0.1:" + str(self.ports["tls"])) :]
            )
        conf = run / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(
            user
            + nginx_conf.main_config(
                text, run, self.logs / "nginx-access.jsonl", self.logs / "nginx-error.log"
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is missing: run scripts/ensure_cluster_tools.sh")
        check = subprocess.run(
            [nginx, "-t", "-q", "-p", str(run), "-c", str(conf)], capture_output=True, text=True
        )
        if check.returncode:
            raise RuntimeError(f"nginx -t refused {conf}:\n{check.stderr}")
        self.child("nginx", [nginx, "-p", str(run), "-c", str(conf)])

    def certificate(self) -> tuple[Path, Path]:
        certificate, key = self.dir / "tls" / "cert.pem", self.dir / "tls" / "key.pem"
        if not certificate.exists():
            certificate.parent.mkdir(exist_ok=True)
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "30",
                    "-subj",
                    "/CN=localhost",
                    "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(certificate),
                ],
                check=True,
                capture_output=True,
            )
        return certificate, key

    def stop(self) -> None:
        self.stopping = True
        # A second Ctrl-C (or TERM) must not cut the teardown short and leave servers behind.
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN)
        with self.lock:
            order = ["nginx", "app_a", "app_b", "worker", "redis"]
            for name in order:
                process = self.processes.get(name)
                if process and process.poll() is None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for name in order:
                process = self.processes.get(name)
                if process is None:
                    continue
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                # Whatever is left in its group (a worker that outlived its master) goes too.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
        self.postgres_stop()
        (self.dir / "state.json").unlink(missing_ok=True)
        log("stopped")

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        lines = [
            "",
            f"Frontline Academy cluster — {self.dir}",
            f"  site (nginx):      {self.base_url}/   admin: {self.base_url}/admin/",
        ]
        if self.tls:
            lines.append(
                f"  site over TLS:     https://127.0.0.1:{self.ports['tls']}/  (self-signed certificate)"
            )
        lines += [
            f"  app server A:      http://127.0.0.1:{self.ports['app_a']}/",
            f"  app server B:      http://127.0.0.1:{self.ports['app_b']}/",
            f"  PostgreSQL:        postgres://postgres@127.0.0.1:{self.ports['postgres']}/{DATABASE}",
            f"  Redis:             redis://127.0.0.1:{self.ports['redis']}/0",
            "  task worker:       manage.py db_worker --backend background --queue-name default",
            f"  logs:              {self.logs}",
            "",
        ]
        accounts = [line for line in self.demo_accounts.splitlines() if " / " in line]
        if accounts:
            lines.append("Demo accounts (sign in at /accounts/login/):")
            lines += accounts
        lines += [
            "",
            "`make load` in another terminal runs the learner load against it; Ctrl-C here stops all.",
        ]
        return "\n".join(lines)


# What the cached database and static files are made from (a throwaway cluster's cache key).
DATABASE_SOURCES = ["*/migrations/*.py", "demo/**/*", "tests/cluster/seed.py", "requirements.txt"]
STATIC_SOURCES = ["*/static/**/*", "requirements.txt", "config/settings/*.py"]


def cache_dir() -> Path:
    default = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frontline-academy" / "cluster"
    )
    return Path(os.environ.get("CLUSTER_CACHE") or default)


def cache_key(patterns: list[str]) -> str:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


APP_ENV_KEYS = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_BEHIND_PROXY",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SESSION_COOKIE_SECURE",
    "DJANGO_CSRF_COOKIE_SECURE",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "NOTIFY_CHANNELS",
    "SMS_BACKEND",
    "SMS_FILE_PATH",
    "LOG_LEVEL",
    "CLUSTER_DIR",
    "REQUEST_COST_LOG",  # measuring only: each request's CPU time and queries (core.request_costs)
}


def stop_on_signals() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def main() -> int:
    directory = cluster_dir()
    if cluster_running(directory):
        print(f"A cluster is already running from {directory} (state.json); stop it first.", file=sys.stderr)
        return 1
    stop_on_signals()
    cluster = Cluster(
        directory,
        tls=os.environ.get("CLUSTER_TLS", "0") not in ("", "0", "false"),
        proxy_port=int(os.environ.get("CLUSTER_PORT", "0")) or None,
        learners=int(os.environ.get("CLUSTER_LEARNERS", "200")),
    )
    try:
        with cluster:
            print(cluster.describe(), flush=True)
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
