"""The real stack the benchmarks run against: a fresh PostgreSQL database, the demo school in it,
and a WSGI server (gunicorn or granian) serving the site with production settings.

Shared by bench/exam_day.py, bench/exam_day_open.py, bench/logins.py, bench/search.py and
bench/eligibility.py. Every helper runs Django in a subprocess, so a benchmark's own process
stays free of Django and of the database.
"""

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/party_school_bench"


def _psql(url: str) -> list[str]:
    parts = urlsplit(url)
    return [
        "psql",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        "postgres",
    ]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def reset_database(url: str, *, template: str | None = None) -> None:
    """Drop the database ``url`` names and create it again, empty or as a copy of ``template``."""
    name = database_name(url)
    admin = _psql(url)
    subprocess.run([*admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    copy = f" TEMPLATE {template}" if template else ""
    subprocess.run([*admin, "-c", f"CREATE DATABASE {name}{copy}"], check=True)


def _signing_key() -> str:
    """A key for this run: with DEBUG off the project refuses to make one up, and the demo
    school it seeds issues certificates."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode()
    )


def django_env(database_url: str) -> dict:
    """Production settings (DEBUG off) on ``database_url``, over plain HTTP on the loopback."""
    return {
        "CERTIFICATE_SIGNING_KEY": _signing_key(),
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def fresh_database(python: str, env: dict, database_url: str) -> None:
    """An empty database at ``database_url``, migrated."""
    reset_database(database_url)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def _source_digest() -> str:
    """A digest of what a migrated, seeded database is made from: the migrations, the models,
    the demo modules and their data, and seed_demo. A change to any of them, committed or not,
    changes it; a change elsewhere (a view, a service the seeding does not call) does not."""
    digest = hashlib.sha256()
    for app in ("accounts", "audit", "cms", "courses", "membership", "school"):
        folder = ROOT / app
        paths = [
            *folder.glob("migrations/*.py"),
            *folder.glob("models.py"),
            *folder.glob("models/*.py"),
            *folder.glob("demo.py"),
            *folder.glob("demo_data/*"),
            *folder.glob("management/commands/seed_demo.py"),
        ]
        for path in sorted(paths):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def seeded_database(
    python: str, env: dict, database_url: str, *, learners: int, fresh: bool = False
) -> bool:
    """``database_url`` migrated and holding the demo school with ``learners`` load-test
    learners. Migrating and seeding take most of a minute, so the result is kept as a template
    database (``<name>_template``) labelled with a digest of what it was made from
    (``_source_digest``) and ``learners``, and later runs that need no more learners copy it in
    a second; ``fresh`` makes it anew regardless. Returns whether it was copied."""
    template = f"{database_name(database_url)}_template"
    key = f"{_source_digest()}-{learners}"  # the template's comment
    admin = _psql(database_url)
    found = subprocess.run(
        [
            *admin,
            "-tAc",
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{template}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    digest, _, seeded = found.partition("-")
    # A template with more learners serves too: the benchmarks use learners 1…N of them.
    enough = seeded.isdigit() and int(seeded) >= learners
    if digest == _source_digest() and enough and not fresh:
        reset_database(database_url, template=template)
        return True
    fresh_database(python, env, database_url)
    subprocess.run(
        [python, "manage.py", "seed_demo", "--learners", str(learners), "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # A template must have no connections; the seeding process has exited.
    subprocess.run([*admin, "-c", f"DROP DATABASE IF EXISTS {template} WITH (FORCE)"], check=True)
    subprocess.run(
        [
            *admin,
            "-c",
            f"CREATE DATABASE {template} TEMPLATE {database_name(database_url)}",
            "-c",
            f"COMMENT ON DATABASE {template} IS '{key}'",
        ],
        check=True,
    )
    return False


def prepare(python: str, env: dict, setup: str, learners: int) -> dict:
    """Run the ``setup`` script (Django set up, ``learners`` as its argument) and return the
    JSON its last line prints."""
    done = subprocess.run(
        [python, "-c", setup, str(learners)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "school.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class ServerSpec:
    """Which WSGI server serves the site, and how many processes and threads.

    ``gthread:4x8`` gunicorn, 4 workers of 8 threads; ``sync:4`` gunicorn, 4 one-request
    workers; ``granian:2x8`` granian's WSGI interface, 2 workers of 8 blocking threads.
    """

    kind: str
    workers: int
    threads: int = 1

    KINDS = ("gthread", "sync", "granian")

    @classmethod
    def parse(cls, text: str) -> "ServerSpec":
        kind, _, size = text.partition(":")
        if kind not in cls.KINDS or not size:
            raise ValueError(f"{text!r}: expected gthread:WxT, sync:W or granian:WxT")
        workers, _, threads = size.partition("x")
        if kind == "sync" and threads:
            raise ValueError(f"{text!r}: sync workers have one thread each (sync:W)")
        return cls(kind, int(workers), int(threads or 1))

    def __str__(self) -> str:
        if self.kind == "sync":
            return f"sync:{self.workers}"
        return f"{self.kind}:{self.workers}x{self.threads}"

    @property
    def label(self) -> str:
        if self.kind == "granian":
            return f"granian wsgi {self.workers}×{self.threads}"
        if self.kind == "sync":
            return f"gunicorn sync {self.workers}"
        return f"gunicorn gthread {self.workers}×{self.threads}"

    def command(self, python: str, port: int) -> list[str]:
        if self.kind == "granian":
            return [
                python,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--blocking-threads",
                str(self.threads),
                "--http",
                "1",
                "--no-ws",
                "--log-level",
                "warning",
                "school.wsgi:application",
            ]
        worker = ["--worker-class", "sync"] if self.kind == "sync" else ["--threads"]
        return [
            python,
            "-m",
            "gunicorn",
            "school.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(self.workers),
            *(worker if self.kind == "sync" else [*worker, str(self.threads)]),
            "--log-level",
            "warning",
        ]


def collect_static(python: str, env: dict) -> None:
    """With DEBUG off the pages need the collected static files and their manifest."""
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def serve(python: str, env: dict, spec: ServerSpec, *, port: int) -> subprocess.Popen:
    """``spec``'s server on ``port``, once /healthz/ answers; the caller stops it (``stop``)."""
    server = subprocess.Popen(spec.command(python, port), cwd=ROOT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{spec.label} exited with {server.returncode} while starting")
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{spec.label} did not answer on port {port} within 90 s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def start_server(python: str, env: dict, *, port: int, workers: int, threads: int):
    """gunicorn serving the site on ``port`` (``threads`` > 1: gthread workers), once it
    answers; the caller stops it."""
    collect_static(python, env)
    kind = "gthread" if threads > 1 else "sync"
    return serve(python, env, ServerSpec(kind, workers, threads), port=port)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
