"""Two live regions on one machine, for the two-region tests and bench/sync.py.

Each region: its own PostgreSQL database, a gunicorn web process, a Celery
worker (and optionally beat) on a shared Redis, with the other region as its
partner holding the same key.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.support.scripts import script
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("sichuan", "chongqing")

# For a test that needs no demo content: the two offices its scripts use.
TWO_ORGANISATIONS = script("two_organisations")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_for(database_url: str, name: str) -> str:
    import psycopg

    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_database(redis_url: str, number: int) -> str:
    """The same Redis, another database: a suite's queues never mix with another's."""
    return urlunsplit(urlsplit(redis_url)._replace(path=f"/{number}"))


_migrated_templates: dict[str, str] = {}
RUN_TEMPLATE = "PORTAL_TEST_DB_TEMPLATE"


def migrated_template(database_url: str, env: dict) -> str:
    """A database migrated once per test process and settings module, to be cloned: every
    migration run costs tens of seconds, and the live regions of a run all start from it."""
    settings = env["DJANGO_SETTINGS_MODULE"]
    migrated_by_the_run = os.environ.get(RUN_TEMPLATE)  # scripts/test.sh migrated the test settings' one
    if migrated_by_the_run and settings == "portal.settings.test":
        return urlunsplit(urlsplit(database_url)._replace(path=f"/{migrated_by_the_run}"))
    if settings not in _migrated_templates:
        template = database_for(database_url, f"portal_template_{settings.rsplit('.', 1)[-1]}")
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env={**env, "DATABASE_URL": template}, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py migrate failed:\n{result.stdout}\n{result.stderr}")
        _migrated_templates[settings] = template
    return _migrated_templates[settings]


def clone_database(source_url: str, target_url: str) -> None:
    import psycopg

    parts = urlsplit(source_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    source, target = parts.path.lstrip("/"), urlsplit(target_url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


@dataclass
class LiveRegion:
    name: str
    port: int
    env: dict
    database_url: str
    var_dir: Path
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    beat: subprocess.Popen | None = None
    logs: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{self.name}: manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def shell(self, code: str) -> str:
        """Run Python in this region's Django and return what it printed."""
        return self.manage("shell", "-c", code).stdout

    def query(self, sql: str, params=()):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def _log(self, kind: str):
        handle = open(self.var_dir / f"{kind}.log", "ab")  # noqa: SIM115 - kept open for the process
        self.logs.append(handle)
        return handle

    def start_web(self):
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4",
             "--env", f"DJANGO_SETTINGS_MODULE={self.env['DJANGO_SETTINGS_MODULE']}"],
            cwd=ROOT, env=self.env, stdout=self._log("web"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_worker(self, queues=("sync", "default", "extract"), *, pool="threads", concurrency=4):
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", f"--pool={pool}",
             "-c", str(concurrency),
             "-Q", ",".join(f"{self.name}.{queue}" for queue in queues),
             "-n", f"sync-{self.name}-{secrets.token_hex(3)}@%h", "-l", "info"],
            cwd=ROOT, env=self.env, stdout=self._log("worker"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_beat(self):
        self.beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat",
             "-s", str(self.var_dir / "beat-schedule"), "-l", "warning"],
            cwd=ROOT, env=self.env, stdout=self._log("beat"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def stop(self, kind: str, *, kill: bool = False):
        process = getattr(self, kind)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        setattr(self, kind, None)


class LiveRegions:
    """Two regions, prepared and started on entering ``with``, stopped on leaving.

    ``seed=False`` skips the demo content (about a minute): ``setup`` (Python for
    ``manage.py shell``) runs once before the database is copied instead, e.g. to add the
    few organisations a test needs. ``settings`` is both regions' settings module.
    """

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        var_dir: Path,
        db_prefix="portal_sync_",
        beat=True,
        seed=True,
        setup: str = "",
        settings: str = "portal.settings.test",
    ):
        self.beat, self.seed, self.setup = beat, seed, setup
        self.redis_url = redis_url
        ports = {name: _free_port() for name in REGIONS}
        key_id, secret = f"test-{secrets.token_hex(4)}", secrets.token_urlsafe(32)
        self.regions = {}
        for name in REGIONS:
            partner = next(r for r in REGIONS if r != name)
            folder = Path(var_dir) / name
            folder.mkdir(parents=True, exist_ok=True)
            database = database_for(database_url, f"{db_prefix}{name}")
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": settings,
                "PORTAL_REGION": name,
                "DATABASE_URL": database,
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": redis_url,
                "PORTAL_VAR_DIR": str(folder),
                "PORTAL_BASE_URL": f"http://127.0.0.1:{ports[name]}",
                "PORTAL_PARTNERS": json.dumps(
                    [
                        {
                            "region": partner,
                            "base_url": f"http://127.0.0.1:{ports[partner]}",
                            "key_id": key_id,
                            "secret": secret,
                        }
                    ]
                ),  # fmt: skip
            }
            self.regions[name] = LiveRegion(name, ports[name], env, database, folder)

    def __getitem__(self, name) -> LiveRegion:
        return self.regions[name]

    def __enter__(self):
        try:
            self.prepare()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def prepare(self):
        """Copy the migrated template to both regions; then seed both regions at once."""
        import redis

        # The live regions own this Redis database: queues and cached renditions or sessions
        # left by an earlier run would point at files and rows that no longer exist.
        redis.Redis.from_url(self.redis_url).flushdb()
        first, second = self.regions["sichuan"], self.regions["chongqing"]
        clone_database(migrated_template(first.database_url, first.env), first.database_url)
        if self.setup:
            first.shell(self.setup)
        clone_database(first.database_url, second.database_url)
        if not self.seed:
            return
        jobs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "seed_demo", "--port", str(region.port)],
                cwd=ROOT,
                env=region.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
            for region in self.regions.values()
        ]
        for job in jobs:
            output, _ = job.communicate(timeout=900)
            if job.returncode != 0:
                raise RuntimeError(f"seed_demo failed:\n{output}")

    def start(self):
        for region in self.regions.values():
            region.start_web()
            region.start_worker()
            if self.beat:
                region.start_beat()
        import requests

        def answers(region):
            if region.web.poll() is not None:
                raise RuntimeError(f"{region.name} web exited")
            try:
                requests.get(f"{region.url}/healthz", timeout=10)
            except requests.RequestException:
                return False
            return True

        for region in self.regions.values():
            wait_until(
                lambda region=region: answers(region),
                timeout=90,
                interval=0.25,
                what=f"{region.name} answering /healthz",
            )

    def stop(self):
        for region in self.regions.values():
            for kind in ("beat", "worker", "web"):
                region.stop(kind)
            for handle in region.logs:
                handle.close()


class PrivateRedis:
    """A Redis server of one test's own, so the test may stop the broker and start it again."""

    def __init__(self, var_dir: Path):
        self.port = _free_port()
        self.var_dir = Path(var_dir)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.var_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        wait_until(lambda: _answers(client), timeout=10, what=f"redis-server on port {self.port} starting")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _answers(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False
