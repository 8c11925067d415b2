"""Exam day: N learners start the same exam within a ramp, save every answer, and submit.

Runs the real stack: gunicorn serving the API on PostgreSQL, learners as threads speaking
HTTP with API tokens. Prints throughput, p50/p99 latency of each call, and the number of
answers the server acknowledged that are missing from the database afterwards (must be 0).

    python bench/exam_day.py --learners 200 --ramp 30

Uses BENCH_DATABASE_URL (default: a party_school_bench database on the local PostgreSQL),
which it empties and fills with the demo school.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
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

SETUP = """
import django, json, sys
django.setup()
from accounts.models import User
from accounts.services import issue_token
from courses.models import Exam
users = list(User.objects.filter(username__startswith="learner").order_by("username")[: int(sys.argv[1])])
tokens = [issue_token(user)[1] for user in users]
print(json.dumps({"exam": Exam.objects.get().pk, "tokens": tokens}))
"""


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.acknowledged: list[tuple[int, int, object]] = []  # (attempt, question, response)

    def call(self, name: str, session: requests.Session, method: str, url: str, **kwargs):
        started = time.perf_counter()
        response = session.request(method, url, timeout=60, **kwargs)
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[name].append(elapsed)
            if response.status_code >= 400:
                self.errors[f"{name} {response.status_code}"] += 1
        return response


def pick(question: dict):
    """A random answer. Option ids are the keys drawn for the attempt (strings, as sent)."""
    kind = question["kind"]
    if kind == "single":
        return random.choice(question["options"])["id"]
    if kind == "multiple":
        return sorted(random.sample([o["id"] for o in question["options"]], 2))
    if kind == "true_false":
        return random.choice([True, False])
    if kind == "fill_in":
        return ["答案"] * question["blanks"]
    return "我的回答：全心全意为人民服务，做合格党员。"


def learner(base: str, token: str, exam: int, delay: float, recorder: Recorder) -> None:
    time.sleep(delay)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    response = recorder.call("start", session, "POST", f"{base}/api/v1/exams/{exam}/attempts/")
    if response.status_code not in (200, 201):
        return
    attempt = response.json()
    for question in attempt["questions"]:
        answer = pick(question)
        saved = recorder.call(
            "save",
            session,
            "PUT",
            f"{base}/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
            json={"response": answer},
        )
        if saved.status_code == 200:
            with recorder.lock:
                recorder.acknowledged.append(
                    (attempt["id"], question["id"], saved.json()["response"])
                )
        time.sleep(random.uniform(0.0, 0.2))  # a person reads a little between answers
    recorder.call("submit", session, "POST", f"{base}/api/v1/attempts/{attempt['id']}/submit/")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument(
        "--ramp", type=float, default=60, help="seconds over which the learners start"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = django_env(database_url)
    python = sys.executable
    print(f"Preparing {database_url} with {args.learners} learners…", flush=True)
    fresh_database(python, env, database_url)

    subprocess.run(
        [python, "manage.py", "seed_demo", "--learners", str(args.learners), "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    prepared = prepare(python, env, SETUP, args.learners)
    server = start_server(python, env, port=args.port, workers=args.workers, threads=args.threads)
    base = f"http://127.0.0.1:{args.port}"
    try:
        recorder = Recorder()
        threads = [
            threading.Thread(
                target=learner,
                args=(base, token, prepared["exam"], random.uniform(0, args.ramp), recorder),
            )
            for token in prepared["tokens"]
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    check = subprocess.run(
        [python, "-c", MISSING, json.dumps(recorder.acknowledged)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "school.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    missing, graded_attempts = check.stdout.strip().splitlines()[-1].split()

    calls = sum(len(v) for v in recorder.latency.values())
    print(
        f"\nExam day: {args.learners} learners, ramp {args.ramp:.0f} s, gunicorn {args.workers}×{args.threads}, PostgreSQL"
    )
    print(f"  wall time            {elapsed:8.1f} s")
    print(f"  requests             {calls:8d}  ({calls / elapsed:.1f}/s)")
    for name in ("start", "save", "submit"):
        values = recorder.latency.get(name, [])
        if values:
            print(
                f"  {name:<7} n={len(values):6d}  p50 {statistics.median(values) * 1000:7.1f} ms"
                f"  p99 {percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
            )
    print(f"  errors               {dict(recorder.errors) or 0}")
    print(f"  answers acknowledged {len(recorder.acknowledged):8d}")
    print(f"  acknowledged answers missing afterwards: {missing}")
    print(f"  attempts closed and graded: {graded_attempts}/{args.learners}")
    if int(missing):
        sys.exit(1)


MISSING = """
import django, json, sys
django.setup()
from courses.models import Answer, Attempt

acknowledged = json.loads(sys.argv[1])
stored = {(a, q): r for a, q, r in Answer.objects.values_list(
    "attempt_question__attempt_id", "attempt_question__question_id", "response")}
# The last acknowledged save of each question is what must be stored.
last = {}
for attempt, question, response in acknowledged:
    last[(attempt, question)] = response
missing = sum(1 for key, response in last.items() if stored.get(key) != response)
closed = Attempt.objects.exclude(status="open").count()
print(missing, closed)
"""

if __name__ == "__main__":
    main()
