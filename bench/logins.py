"""Exam morning at the door: N learners log in from one campus address within a few minutes.

Runs the real stack like bench/exam_day.py (gunicorn on PostgreSQL, Argon2 as configured, the
lockout and the per-address ceiling switched on) and sends the log-ins open-loop: arrivals are
drawn at the real rate (a Poisson process, N over the duration) and sent when they are due,
whether or not earlier ones have been answered, so a slow server shows as latency instead of
slowing the arrivals down. Every request comes from 127.0.0.1: one address, like a campus NAT.
Half the learners use the site's log-in form (GET the page, POST the form), half the API token
endpoint, unless --via says otherwise. Latency counts from when the log-in was due.

Prints p50/p99/max per way in and every failure; exits 1 if any learner did not get in.

    python bench/logins.py --learners 3000 --duration 300

Uses BENCH_DATABASE_URL (default: a party_school_bench database on the local PostgreSQL),
which it empties, and REDIS_URL if set (the cache the ceiling counts in).
"""

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    DEFAULT_DB,
    django_env,
    fresh_database,
    percentile,
    prepare,
    start_server,
)

PASSWORD = "dangxiao2026"

SETUP = """
import django, json, sys, time
django.setup()
from django.contrib.auth.hashers import get_hasher
from accounts import demo
count = int(sys.argv[1])
demo.seed_learners(count, demo.DemoPassword())
hasher = get_hasher()
started = time.perf_counter()
for _ in range(20):
    hasher.encode("Kq8!party-school", hasher.salt())
per_hash = (time.perf_counter() - started) / 20
print(json.dumps({"hasher": hasher.algorithm, "params": [hasher.time_cost, hasher.memory_cost,
      hasher.parallelism], "per_hash_ms": per_hash * 1000}))
"""

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter = Counter()

    def done(self, via: str, due: float, ok: bool, what: str = "") -> None:
        with self.lock:
            self.latency[via].append(time.perf_counter() - due)
            if not ok:
                self.failures[f"{via} {what}"] += 1


def log_in_api(base: str, username: str) -> tuple[bool, str]:
    response = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        timeout=120,
    )
    ok = response.status_code == 200 and bool(response.json().get("token"))
    return ok, str(response.status_code)


def log_in_site(base: str, username: str) -> tuple[bool, str]:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=120)
    token = CSRF.search(page.text)
    if page.status_code != 200 or token is None:
        return False, f"GET {page.status_code}"
    # The cookies are Secure (DEBUG off); here plain HTTP stands in for the TLS the reverse
    # proxy ends, so the client sends them back over it.
    for cookie in session.cookies:
        cookie.secure = False
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=120,
    )
    ok = response.status_code == 302 and "sessionid" in session.cookies
    return ok, str(response.status_code)


def one(base: str, via: str, username: str, due: float, recorder: Recorder) -> None:
    try:
        ok, what = (log_in_api if via == "api" else log_in_site)(base, username)
    except requests.RequestException as error:
        ok, what = False, type(error).__name__
    recorder.done(via, due, ok, what)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--duration", type=float, default=300, help="seconds of arrivals")
    parser.add_argument("--via", choices=["both", "api", "site"], default="both")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--seed", type=int, default=2026, help="of the arrival times")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = django_env(database_url)
    python = sys.executable
    print(f"Preparing {database_url} with {args.learners} learners…", flush=True)
    fresh_database(python, env, database_url)
    hashing = prepare(python, env, SETUP, args.learners)
    server = start_server(python, env, port=args.port, workers=args.workers, threads=args.threads)
    base = f"http://127.0.0.1:{args.port}"
    rng = random.Random(args.seed)
    usernames = [f"learner{n:04d}" for n in range(1, args.learners + 1)]
    rng.shuffle(usernames)
    rate = args.learners / args.duration
    arrivals, at = [], 0.0
    for _ in usernames:
        at += rng.expovariate(rate)
        arrivals.append(at)
    ways = {"both": ["site", "api"], "api": ["api"], "site": ["site"]}[args.via]
    recorder = Recorder()
    try:
        # As many requests may be in flight as the server lets pile up: the load stays open.
        with ThreadPoolExecutor(max_workers=512) as pool:
            started = time.perf_counter()
            for number, (username, offset) in enumerate(zip(usernames, arrivals, strict=True)):
                due = started + offset
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, base, ways[number % len(ways)], username, due, recorder)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    params = hashing["params"]
    print(
        f"\nLog-ins: {args.learners} learners from one address over {args.duration:.0f} s "
        f"({rate:.1f}/s, Poisson), gunicorn {args.workers}×{args.threads}, PostgreSQL, "
        f"cache {'Redis' if os.environ.get('REDIS_URL') else 'per process'}"
    )
    print(
        f"  password hash        {hashing['hasher']} t={params[0]} m={params[1] // 1024} MiB "
        f"p={params[2]}: {hashing['per_hash_ms']:.1f} ms each"
    )
    print(f"  wall time            {elapsed:8.1f} s")
    for via in ways:
        values = recorder.latency.get(via, [])
        if values:
            print(
                f"  {via:<5} n={len(values):5d}  p50 {statistics.median(values) * 1000:7.1f} ms"
                f"  p99 {percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
            )
    failed = sum(recorder.failures.values())
    print(f"  failures             {failed}  {dict(recorder.failures) or ''}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
