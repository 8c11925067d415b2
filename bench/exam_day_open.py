"""Exam day at scale (issue 13), open loop: a whole university sits one exam on this machine.

The real stack (a WSGI server with production settings on PostgreSQL and Redis) and an open-loop
load generator (bench/loadgen.py) in this one process, on the same 2 cores. Scenarios:

- start:    N examinees POST /api/v1/exams/<id>/attempts/ at random moments within a window.
- autosave: N examinees PUT /api/v1/attempts/<id>/answers/<question>/ every 15 s each, each
            with a random phase, the next question each time; a warm-up is sent, not counted.
- capacity: closed loop, C clients as fast as the server answers: the most it can do.
- submit:   N examinees POST /api/v1/attempts/<id>/submit/ within a window.
- login:    learners log in from one address (Poisson arrivals), half through the API token
            endpoint, half through the site's log-in form.

Each round of each scenario is preceded by the ceilings at the same arrival times: a bare JSON
view and a bare DRF view with token authentication doing one UPDATE (bench/views.py, mounted by
bench/settings.py for the benchmark's server only). Latency counts from the scheduled send time.
The run prints, and writes to bench/results/exam_day.{json,md}: p50/p95/p99/max, errors,
throughput, the generator's own lag (a run where it lagged is marked invalid), where the CPU
went, the median ratios scenario/ceiling, the SQL statements of one start and one save, the
password hasher's cost, and acknowledged answers missing from the database afterwards (must be
0). It compares the medians with the committed bench/results/exam_day.json and prints a
REGRESSION line for any p99 or throughput more than 20 % worse; it exits 1 when an acknowledged
answer or submit was lost, and on a regression with --fail-on-regression.

Other people's processes share the two cores: each run records where the CPU went (server,
generator, PostgreSQL backends, the rest) and is marked DISTURBED when the rest took more than
--max-other-cores; before the server starts it waits (--wait-quiet) for a quiet machine. A
scenario that collapses (more than 10 % errors) skips its remaining rounds, since the server's
backlog outlives the clients' timeouts and every further round would take minutes to say so.

    python bench/exam_day_open.py                     # the whole suite, ~15 minutes
    python bench/exam_day_open.py --quick             # a smoke run, 1-2 minutes
    python bench/exam_day_open.py --find-max          # the most examinees at autosave p99 ≤ 25 ms
    python bench/exam_day_open.py --servers gthread:4x8,sync:4,granian:2x8   # servers.json

Uses BENCH_DATABASE_URL (default: a party_school_exam_day database on the local PostgreSQL),
which it replaces (kept between runs as a template, re-seeded when the code changes), and the
Redis database --redis-url names, which it empties.
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.stack import (  # noqa: E402
    ServerSpec,
    collect_static,
    database_name,
    django_env,
    seeded_database,
    serve,
    stop,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/party_school_exam_day"
RESULTS = ROOT / "bench" / "results"
PASSWORD = "dangxiao2026"  # the demo's (accounts/demo.py)
SPARES = 4  # learners after the examinees, for the in-process SQL counts
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIGURES = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "throughput", "lag_p99_ms")
# What issue 13 asks for; printed as met or not, never enforced (benchmarks print figures).
GOALS = {"autosave_p99_ms": 25, "save_statements": 3, "save_capacity_ratio": 0.5}
GOALS |= {"start_p99_ms": 100, "login_p99_ms": 1000}
GOALS |= {"lesson_page_ratio": 0.3, "public_page_ratio": 0.7}
REGRESSION_SHARE = 0.20


def log(message: str) -> None:
    print(message, flush=True)


# --- The examinees -------------------------------------------------------------------------


@dataclass
class Examinee:
    """One learner at the exam: their token, their attempt's paper, where their autosave is."""

    index: int
    username: str
    token: str
    phase: float  # seconds into each autosave interval at which this examinee saves
    attempt: int | None = None
    questions: list[dict] = field(default_factory=list)
    turn: int = 0

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}

    def take_paper(self, attempt: dict) -> None:
        self.attempt = attempt["id"]
        self.questions = [
            {
                "id": question["id"],
                "kind": question["kind"],
                "keys": [option["id"] for option in question["options"]],
                "blanks": question["blanks"],
            }
            for question in attempt["questions"]
        ]

    def next_answer(self, rng: random.Random) -> tuple[int, object]:
        """The next question in turn (each save a different one, as a person works through the
        paper) and a random answer to it, valid for its kind."""
        question = self.questions[(self.index + self.turn) % len(self.questions)]
        self.turn += 1
        kind, keys = question["kind"], question["keys"]
        if kind == "single":
            answer: object = rng.choice(keys)
        elif kind == "multiple":
            answer = sorted(rng.sample(keys, 2))
        elif kind == "true_false":
            answer = rng.random() < 0.5
        elif kind == "fill_in":
            answer = [rng.choice(["答案", "为人民服务", "实事求是"])] * question["blanks"]
        else:
            answer = f"我的回答（第 {self.turn} 稿）：全心全意为人民服务。"
        return question["id"], answer


class Ledger:
    """Every save sent, in order, and whether it was acknowledged: what the database must hold
    afterwards is each question's last acknowledged answer (or one sent after it that got no
    answer, which the server may have stored)."""

    def __init__(self) -> None:
        self.sends: dict[tuple[int, int], list[tuple[float, bool, object]]] = defaultdict(list)
        self.acknowledged = 0

    def record(self, key: tuple[int, int], sent: float, acknowledged: bool, response) -> None:
        self.sends[key].append((sent, acknowledged, response))
        self.acknowledged += acknowledged

    def expectations(self) -> list:
        expected = []
        for (attempt, question), sends in self.sends.items():
            sends.sort(key=lambda send: send[0])
            last = max((n for n, (_t, ok, _r) in enumerate(sends) if ok), default=None)
            if last is not None:
                later = [response for _t, ok, response in sends[last + 1 :] if not ok]
                expected.append([attempt, question, sends[last][2], later])
        return expected


# --- The database side, in a subprocess ----------------------------------------------------


class Database:
    """The database side (bench/exam_day_db.py) in one long-lived subprocess with Django set
    up, asked between the load runs: setting Django up takes seconds, every step anew."""

    def __init__(self, env: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.exam_day_db", "serve"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "school.settings"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, command: str, *arguments: str) -> dict:
        self.process.stdin.write(json.dumps([command, *arguments]) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"bench/exam_day_db.py stopped during {command!r}")
        return json.loads(answer)

    def check(self, command: str, payload) -> dict:
        """``command`` on ``payload``, handed over in a file (it can be large)."""
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(payload, file, ensure_ascii=False)
        try:
            return self(command, file.name)
        finally:
            os.unlink(file.name)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


# --- The calls -----------------------------------------------------------------------------


def _body(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


class ExamDay:
    """The calls an exam day makes, the plans that schedule them, and the runs that measure."""

    def __init__(self, args, *, base, exam, examinees: list[Examinee], meter, database) -> None:
        self.args = args
        self.database = database
        self.base = base
        self.exam = exam
        self.examinees = examinees
        self.meter = meter
        self.rng = random.Random(args.seed)
        self.ledger = Ledger()
        self.submitted: list[int] = []
        self.session: aiohttp.ClientSession
        self.page_cookie = "sessionid"

    # Calls: each returns "ok" or what went wrong.

    def ceiling_json(self):
        url = f"{self.base}/bench/ceiling/json/"

        async def call(session) -> str:
            status, _body = await loadgen.fetch(session, "GET", url)
            return "ok" if status == 200 else str(status)

        return call

    def ceiling_write(self, examinee: Examinee):
        url, headers, body = f"{self.base}/bench/ceiling/write/", examinee.headers, b"{}"

        async def call(session) -> str:
            status, _body = await loadgen.fetch(session, "PUT", url, headers=headers, body=body)
            return "ok" if status == 200 else str(status)

        return call

    def page(self, path: str, *, session: str | None = None):
        """GET a page of the site, signed in with ``session`` (a session cookie) or not; only
        the page itself counts (a redirect, to the log-in or elsewhere, is an error)."""
        url = f"{self.base}{path}"
        headers = {"Cookie": f"{self.page_cookie}={session}"} if session else None

        async def call(http) -> str:
            status, _body = await loadgen.fetch(http, "GET", url, headers=headers)
            return "ok" if status == 200 else str(status)

        return call

    def start(self, examinee: Examinee):
        url = f"{self.base}/api/v1/exams/{self.exam}/attempts/"

        async def call(session) -> str:
            status, body = await loadgen.fetch(session, "POST", url, headers=examinee.headers)
            if status not in (200, 201):
                return str(status)
            examinee.take_paper(json.loads(body))
            return "ok"

        return call

    def save(self, examinee: Examinee):
        question, answer = examinee.next_answer(self.rng)
        url = f"{self.base}/api/v1/attempts/{examinee.attempt}/answers/{question}/"
        body, key, ledger = _body({"response": answer}), (examinee.attempt, question), self.ledger

        async def call(session) -> str:
            sent = time.monotonic()
            try:
                status, data = await loadgen.fetch(
                    session, "PUT", url, headers=examinee.headers, body=body
                )
            except BaseException:
                ledger.record(key, sent, False, answer)
                raise
            if status != 200:
                ledger.record(key, sent, False, answer)
                return str(status)
            ledger.record(key, sent, True, json.loads(data)["response"])
            return "ok"

        return call

    def submit(self, examinee: Examinee):
        url = f"{self.base}/api/v1/attempts/{examinee.attempt}/submit/"

        async def call(session) -> str:
            status, body = await loadgen.fetch(session, "POST", url, headers=examinee.headers)
            if status != 200:
                return str(status)
            if json.loads(body)["status"] == "open":
                return "still open"
            self.submitted.append(examinee.attempt)
            return "ok"

        return call

    def login_api(self, username: str):
        url, body = (
            f"{self.base}/api/v1/auth/token/",
            _body({"username": username, "password": PASSWORD}),
        )
        headers = {"Content-Type": "application/json"}

        async def call(session) -> str:
            status, data = await loadgen.fetch(session, "POST", url, headers=headers, body=body)
            if status != 200:
                return f"api {status}"
            return "ok" if json.loads(data).get("token") else "api no token"

        return call

    def login_site(self, username: str):
        """GET the log-in page, POST the form with its CSRF cookie and token: signed in when
        the answer is a redirect that sets the session cookie. The cookies are Secure (DEBUG
        off); plain HTTP here stands in for the TLS the reverse proxy ends."""
        url = f"{self.base}/accounts/login/"

        async def call(session) -> str:
            async with session.get(url) as page:
                html = await page.text()
                cookies = SimpleCookie()
                for header in page.headers.getall("Set-Cookie", []):
                    cookies.load(header)
            token = CSRF.search(html)
            if page.status != 200 or token is None:
                return f"site GET {page.status}"
            form = {"username": username, "password": PASSWORD}
            form["csrfmiddlewaretoken"] = token.group(1)
            headers = {
                "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items()),
                "Referer": url,
            }
            async with session.post(url, data=form, headers=headers, allow_redirects=False) as done:
                await done.read()
                signed_in = any(
                    header.startswith("sessionid=")
                    for header in done.headers.getall("Set-Cookie", [])
                )
                if done.status == 302 and signed_in:
                    return "ok"
                return f"site POST {done.status}"

        return call

    # Plans: (seconds from the run's start, call), fixed before the run.

    def wave(self, make, window: float) -> list:
        """Every examinee once, at a random moment within ``window`` seconds."""
        return [(self.rng.uniform(0, window), make(e)) for e in self.examinees]

    def periodic(self, make, seconds: float, *, examinees=None) -> list:
        """Every examinee every autosave interval at their own phase, for ``seconds``. The
        calls are made when the plan is (a save picks its question then)."""
        interval = self.args.autosave_interval
        plan = []
        for examinee in examinees or self.examinees:
            at = examinee.phase
            while at < seconds:
                plan.append((at, make(examinee)))
                at += interval
        return plan

    def poisson(self, calls: list, rate: float) -> list:
        plan, at = [], 0.0
        for call in calls:
            at += self.rng.expovariate(rate)
            plan.append((at, call))
        return plan

    # Runs.

    async def measure(self, name: str, plan: list, *, measure_from: float = 0.0) -> dict:
        self.meter.start()
        summary = await loadgen.open_loop(
            self.session,
            plan,
            measure_from=measure_from,
            drain=self.args.timeout,
            max_lag_ms=self.args.max_lag_ms,
        )
        summary["cpu"] = self.meter.stop()
        counted = summary["offered"]
        seconds = max(offset for offset, _call in plan) - measure_from if plan else 0
        summary["rate"] = round(counted / seconds, 1) if seconds > 0 else 0.0
        return await self.settle(name, summary)

    async def settle(self, name: str, summary: dict) -> dict:
        """Print the run, then wait until the server is idle again: requests whose client gave
        up are still being served, and would weigh on the next run."""
        summary["disturbed"] = summary["cpu"]["other_cores"] > self.args.max_other_cores
        log(f"    {name:<14} {line(summary)}")
        await asyncio.sleep(self.args.pause)
        waited = 0.0
        while waited < 120:
            self.meter.start()
            await asyncio.sleep(0.5)
            waited += 0.5
            if self.meter.stop()["server_cores"] < 0.15:
                break
        if waited >= 2:
            log(f"    (the server was busy for {waited:.0f} s after the run)")
        return summary

    async def capacity_of(self, name: str, next_call) -> dict:
        self.meter.start()
        summary = await loadgen.closed_loop(
            self.session,
            next_call,
            clients=self.args.capacity_clients,
            seconds=self.args.capacity_seconds,
        )
        summary["cpu"] = self.meter.stop()
        return await self.settle(name, summary)

    async def ceilings(self, plan_for) -> dict:
        """Both ceilings, each on the arrival times ``plan_for(make)`` gives."""
        json_plan = plan_for(lambda _e: self.ceiling_json())
        return {
            "ceiling_json": await self.measure("ceiling json", json_plan),
            "ceiling_write": await self.measure("ceiling write", plan_for(self.ceiling_write)),
        }

    async def ensure_attempts(self, examinees: list[Examinee]) -> None:
        """An open attempt (and its paper) for each of ``examinees``, not measured."""
        missing = [e for e in examinees if e.attempt is None]
        while missing:
            summary = await loadgen.closed_loop(
                self.session,
                lambda i, missing=missing: self.start(missing[i % len(missing)]),
                clients=8,
                seconds=0.5 + len(missing) / 60,
            )
            before = len(missing)
            missing = [e for e in missing if e.attempt is None]
            if len(missing) == before:
                raise RuntimeError(f"attempts cannot be started: {summary['error_kinds']}")


def line(summary: dict) -> str:
    errors = summary["errors"]
    kinds = f" {summary['error_kinds']}" if errors else ""
    cpu = summary.get("cpu", {})
    flag = "" if summary["valid"] else "  INVALID (generator lagged)"
    if summary.get("disturbed"):
        flag += "  DISTURBED (other processes)"
    return (
        f"n={summary['completed']:6d}  {summary['throughput']:7.1f}/s  "
        f"p50 {summary['p50_ms']:8.1f}  p95 {summary['p95_ms']:8.1f}  "
        f"p99 {summary['p99_ms']:8.1f}  max {summary['max_ms']:8.1f} ms  "
        f"errors {errors}{kinds}  lag p99 {summary['lag_p99_ms']:.1f} ms  "
        f"cpu srv {cpu.get('server_cores', 0):.2f} gen {cpu.get('generator_cores', 0):.2f} "
        f"db {cpu.get('database_cores', 0):.2f} other {cpu.get('other_cores', 0):.2f}{flag}"
    )


# --- Scenarios -----------------------------------------------------------------------------


async def warm_up(day: ExamDay) -> None:
    """Every worker through every path once and more before anything is measured: the first
    requests after a start pay for imports and connections (p99 1.2 s in issue 13)."""
    log("  warming up")
    few = day.examinees[:40]
    await loadgen.closed_loop(day.session, lambda i: day.ceiling_json(), clients=16, seconds=3)
    await loadgen.closed_loop(
        day.session, lambda i: day.ceiling_write(few[i % len(few)]), clients=16, seconds=3
    )
    await day.ensure_attempts(few)
    await loadgen.closed_loop(
        day.session, lambda i: day.save(few[i % len(few)]), clients=16, seconds=3
    )
    await loadgen.closed_loop(
        day.session,
        lambda i: (day.login_site if i % 2 else day.login_api)(few[i % len(few)].username),
        clients=4,
        seconds=1,
    )


def collapsed(summary: dict) -> bool:
    """More than a tenth of the requests failed: the server fell over, and further rounds
    would only take minutes to say so again (its backlog outlives the clients' timeouts)."""
    if summary["errors"] > 0.1 * max(1, summary["offered"]):
        log("    collapsed (more than 10 % errors): its remaining rounds are skipped")
        return True
    return False


async def wave_rounds(
    day: ExamDay,
    name: str,
    make_call,
    window: float,
    *,
    prepare: Callable[[int], None],
    inspect: Callable[[dict], None] = lambda scenario: None,
) -> dict:
    """Rounds in which every examinee makes ``make_call(examinee)`` once within ``window``
    seconds, each after the ceilings at the same arrivals. ``prepare(number)`` readies round
    ``number``; ``inspect`` adds to a round's figures what the database says of it. Stops
    after a round the server collapsed in."""
    log(f"  {name}: {len(day.examinees)} examinees within {window:g} s")
    rounds = []
    for number in range(day.args.rounds):
        prepare(number)
        ceilings = await day.ceilings(lambda make: day.wave(make, window))
        scenario = await day.measure(name, day.wave(make_call, window))
        inspect(scenario)
        rounds.append({**ceilings, "scenario": scenario})
        if collapsed(scenario):
            break
    return {"rate": round(len(day.examinees) / window, 1), "rounds": rounds}


async def scenario_start(day: ExamDay) -> dict:
    def reset(_number: int) -> None:
        day.database("reset-attempts")
        for examinee in day.examinees:
            examinee.attempt = None
        day.ledger = Ledger()  # the answers saved so far went with their attempts

    result = await wave_rounds(day, "start", day.start, day.args.start_window, prepare=reset)
    await day.ensure_attempts(day.examinees)
    return result


async def scenario_autosave(
    day: ExamDay, examinees=None, *, rounds=None, ceilings_after_collapse=False
) -> dict:
    args = day.args
    examinees = examinees or day.examinees
    rate = len(examinees) / args.autosave_interval
    log(
        f"  autosave: {len(examinees)} examinees every {args.autosave_interval:g} s "
        f"({rate:.0f}/s), {args.autosave_warmup:g} s warm-up + {args.autosave_seconds:g} s"
    )
    done, fell_over = [], False
    for _number in range(rounds or args.rounds):
        ceilings = await day.ceilings(
            lambda make: day.periodic(make, args.ceiling_seconds, examinees=examinees)
        )
        if fell_over:
            # Comparing servers: their ceilings still get every round.
            done.append(ceilings)
            continue
        seconds = args.autosave_warmup + args.autosave_seconds
        plan = day.periodic(day.save, seconds, examinees=examinees)
        scenario = await day.measure("autosave", plan, measure_from=args.autosave_warmup)
        done.append({**ceilings, "scenario": scenario})
        if collapsed(scenario):
            if not ceilings_after_collapse:
                break
            fell_over = True
    return {"rate": round(rate, 1), "examinees": len(examinees), "rounds": done}


async def scenario_capacity(day: ExamDay) -> dict:
    args = day.args
    log(
        f"  capacity: closed loop, {args.capacity_clients} clients, {args.capacity_seconds:g} s each"
    )
    examinees = day.examinees
    rounds = []
    for _number in range(args.rounds):
        rounds.append(
            {
                "ceiling_json": await day.capacity_of("ceiling json", lambda i: day.ceiling_json()),
                "ceiling_write": await day.capacity_of(
                    "ceiling write", lambda i: day.ceiling_write(examinees[i % len(examinees)])
                ),
                "scenario": await day.capacity_of(
                    "save", lambda i: day.save(examinees[i % len(examinees)])
                ),
            }
        )
    return {"clients": args.capacity_clients, "rounds": rounds}


async def scenario_pages(day: ExamDay) -> dict:
    """Issue 13's goal 5: a lesson page for signed-in learners (each their own session) and the
    same page for visitors who are not logged in (from the page cache), each in the closed loop
    of the capacity scenario, against the bare JSON view."""
    args = day.args
    found = day.database("page-sessions", str(args.capacity_clients))
    day.page_cookie, sessions, lesson = found["cookie_name"], found["sessions"], found["lesson"]
    log(
        f"  pages: {lesson}, closed loop, {args.capacity_clients} clients, "
        f"{args.capacity_seconds:g} s each"
    )
    for session in sessions:  # each session's first page (its idle clock starts) not measured
        await day.page(lesson, session=session)(day.session)
    rounds = []
    for _number in range(args.rounds):
        rounds.append(
            {
                "ceiling_json": await day.capacity_of("ceiling json", lambda i: day.ceiling_json()),
                "scenario": await day.capacity_of(
                    "lesson, signed in",
                    lambda i: day.page(lesson, session=sessions[i % len(sessions)]),
                ),
                "anonymous": await day.capacity_of("lesson, anonymous", lambda i: day.page(lesson)),
            }
        )
    return {"clients": args.capacity_clients, "page": lesson, "rounds": rounds}


async def scenario_submit(day: ExamDay) -> dict:
    def reopen(number: int) -> None:
        if number:
            day.database("reopen-attempts")
        day.submitted = []

    def count_still_open(scenario: dict) -> None:
        closed = day.database.check("check-closed", day.submitted)
        scenario["acknowledged_still_open"] = closed["still_open"]
        log(f"    acknowledged submits still open in the database: {closed['still_open']}")

    return await wave_rounds(
        day,
        "submit",
        day.submit,
        day.args.submit_window,
        prepare=reopen,
        inspect=count_still_open,
    )


async def scenario_login(day: ExamDay, usernames: list[str]) -> dict:
    args = day.args
    rate = len(usernames) / args.login_seconds
    per_round = len(usernames) // args.rounds
    log(
        f"  login: {len(usernames)} learners from one address over {args.login_seconds:g} s "
        f"({rate:.1f}/s, Poisson), in {args.rounds} rounds; half API token, half the form"
    )
    rounds = []
    for number in range(args.rounds):
        names = usernames[number * per_round : (number + 1) * per_round]
        calls = [
            day.login_site(name) if n % 2 else day.login_api(name) for n, name in enumerate(names)
        ]
        few = day.examinees

        def ceiling_plan(make, few=few):
            count = max(1, int(rate * args.login_ceiling_seconds))
            return day.poisson([make(few[n % len(few)]) for n in range(count)], rate)

        ceilings = await day.ceilings(ceiling_plan)
        scenario = await day.measure("login", day.poisson(calls, rate))
        rounds.append({**ceilings, "scenario": scenario})
    return {"rate": round(rate, 2), "rounds": rounds}


# --- Figures -------------------------------------------------------------------------------


def medians(rounds: list[dict]) -> dict:
    """Per subject (ceiling_json, ceiling_write, scenario): the median of each figure over the
    rounds, the errors added up, valid only if every round was."""
    result = {}
    for subject in ("ceiling_json", "ceiling_write", "scenario", "anonymous"):
        runs = [r[subject] for r in rounds if subject in r]
        if not runs:
            continue
        result[subject] = {
            **{name: round(statistics.median(run[name] for run in runs), 2) for name in FIGURES},
            "errors": sum(run["errors"] for run in runs),
            "valid": all(run["valid"] for run in runs),
            "disturbed": any(run.get("disturbed") for run in runs),
            **{
                name: round(statistics.median(run["cpu"][name] for run in runs), 2)
                for name in ("server_cores", "generator_cores", "other_cores")
            },
        }
    return result


def ratios(rounds: list[dict]) -> dict:
    """Median over the rounds of scenario / write ceiling (and / JSON ceiling), per figure."""

    def ratio(over: str, figure: str, subject: str = "scenario") -> float | None:
        values = [
            r[subject][figure] / r[over][figure]
            for r in rounds
            if subject in r and over in r and r[over][figure] and r[subject][figure]
        ]
        return round(statistics.median(values), 2) if values else None

    found = {
        f"{figure}_over_{over}": ratio(over, figure)
        for over in ("ceiling_write", "ceiling_json")
        for figure in ("p50_ms", "p99_ms", "throughput")
    }
    if any("anonymous" in r for r in rounds):
        found["anonymous_throughput_over_ceiling_json"] = ratio(
            "ceiling_json", "throughput", "anonymous"
        )
    return found


def comparable_key(config: dict) -> str:
    keys = ("server", "examinees", "start_window", "autosave_interval", "submit_window")
    keys += ("logins", "login_seconds", "capacity_clients", "quick")
    return "|".join(f"{k}={config.get(k)}" for k in keys)


def regressions(current: dict, baseline: dict | None, floor_ms: float) -> list[str]:
    """A line for every median p99 more than 20 % (and ``floor_ms``) slower, and every median
    throughput more than 20 % lower, than the baseline's, in a comparable configuration."""
    if not baseline:
        return []
    if comparable_key(baseline["config"]) != comparable_key(current["config"]):
        log("  (the committed results were measured in another configuration: not compared)")
        return []
    found = []
    for name, scenario in current["scenarios"].items():
        before = baseline["scenarios"].get(name, {}).get("median", {})
        for subject, figures in scenario.get("median", {}).items():
            old = before.get(subject)
            if not old:
                continue
            p99, old_p99 = figures["p99_ms"], old["p99_ms"]
            if p99 > old_p99 * (1 + REGRESSION_SHARE) and p99 - old_p99 > floor_ms:
                found.append(f"REGRESSION {name} {subject} p99 {old_p99} -> {p99} ms")
            done, old_done = figures["throughput"], old["throughput"]
            if done < old_done * (1 - REGRESSION_SHARE):
                found.append(f"REGRESSION {name} {subject} throughput {old_done} -> {done}/s")
    return found


def committed_baseline(path: str | None) -> dict | None:
    if path:
        return json.loads(Path(path).read_text())
    shown = subprocess.run(
        ["git", "show", "HEAD:bench/results/exam_day.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(shown.stdout) if shown.returncode == 0 else None


def git_state() -> dict:
    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def goals(results: dict) -> list[tuple[str, bool | None, str]]:
    """(goal, met, the figure) for issue 13's goals this run measured."""
    scenarios, sql = results["scenarios"], results.get("sql", {}).get("statements", {})
    found = []
    autosave = scenarios.get("autosave", {}).get("median", {}).get("scenario")
    if autosave:
        met = autosave["p99_ms"] <= GOALS["autosave_p99_ms"] and autosave["errors"] == 0
        found.append(
            (
                f"autosave p99 ≤ {GOALS['autosave_p99_ms']} ms, 0 errors",
                met,
                f"{autosave['p99_ms']} ms, {autosave['errors']} errors",
            )
        )
    if "save" in sql:
        found.append(
            (
                f"a save runs ≤ {GOALS['save_statements']} SQL statements",
                sql["save"] <= GOALS["save_statements"],
                f"{sql['save']}",
            )
        )
    capacity = scenarios.get("capacity", {}).get("ratios", {}).get("throughput_over_ceiling_write")
    if capacity is not None:
        found.append(
            (
                f"save throughput ≥ {GOALS['save_capacity_ratio']} × the write ceiling",
                capacity >= GOALS["save_capacity_ratio"],
                f"{capacity} ×",
            )
        )
    for name, goal in (("start", "start_p99_ms"), ("login", "login_p99_ms")):
        figures = scenarios.get(name, {}).get("median", {}).get("scenario")
        if figures:
            met = figures["p99_ms"] <= GOALS[goal] and figures["errors"] == 0
            found.append(
                (
                    f"{name} p99 ≤ {GOALS[goal]} ms, 0 errors",
                    met,
                    f"{figures['p99_ms']} ms, {figures['errors']} errors",
                )
            )
    pages = scenarios.get("pages", {}).get("ratios", {})
    for key, share, what in (
        ("throughput_over_ceiling_json", "lesson_page_ratio", "a lesson page, signed in"),
        ("anonymous_throughput_over_ceiling_json", "public_page_ratio", "a public page, cached"),
    ):
        if pages.get(key) is not None:
            found.append(
                (
                    f"{what}: throughput ≥ {GOALS[share]} × the bare JSON view",
                    pages[key] >= GOALS[share],
                    f"{pages[key]} ×",
                )
            )
    integrity = results.get("integrity", {})
    lost = sum(check.get("missing", 0) + check.get("different", 0) for check in integrity.values())
    if integrity:
        found.append(("acknowledged answers missing afterwards: 0", lost == 0, str(lost)))
    return found


SUBJECTS = {
    "ceiling_json": "ceiling: bare JSON",
    "ceiling_write": "ceiling: one UPDATE",
    "anonymous": "lesson, not logged in",
}
# What "scenario" is in each scenario's table rows (its own name where not here).
SCENARIO_SUBJECTS = {"capacity": "save", "pages": "lesson, signed in"}


def _which_run(config: dict) -> str:
    if config["quick"]:
        return "quick smoke run"
    chosen = config["scenarios"].split(",")
    everything = parse_args([]).scenarios.split(",")
    if set(everything) <= set(chosen):
        return "full suite"
    return f"scenarios {', '.join(chosen)}, {config['examinees']} examinees"


def markdown(results: dict) -> str:
    config = results["config"]
    out = [
        "# Exam day at scale: results",
        "",
        f"Measured by `bench/exam_day_open.py` ({_which_run(config)}) "
        f"on {results['date']} at commit `{results['git']['commit'][:10]}`"
        f"{' (with uncommitted changes)' if results['git']['dirty'] else ''}: "
        f"{config['server_label']}, PostgreSQL and Redis, the open-loop generator in one process "
        f"on the same {results['machine']['cores']} cores. Latency counts from the scheduled send "
        "time; lag is how late the generator sent; CPU in cores (server / generator / "
        "PostgreSQL backends / everything else). Figures are medians over the rounds.",
        "",
        "## Goals (issue 13)",
        "",
        "| goal | met | measured |",
        "|---|---|---|",
    ]
    for goal, met, figure in goals(results):
        out.append(f"| {goal} | {'yes' if met else 'no'} | {figure} |")
    out += [
        "",
        "## Scenarios",
        "",
        "| scenario | subject | rate offered /s | p50 ms | p95 ms | p99 ms | max ms | errors "
        "| throughput /s | lag p99 ms | valid | disturbed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, scenario in results["scenarios"].items():
        rate = scenario.get("rate", f"closed, {scenario.get('clients')} clients")
        for subject, figures in scenario["median"].items():
            label = SUBJECTS.get(subject, SCENARIO_SUBJECTS.get(name, name))
            out.append(
                f"| {name} | {label} | {rate} | {figures['p50_ms']} | {figures['p95_ms']} "
                f"| {figures['p99_ms']} | {figures['max_ms']} | {figures['errors']} "
                f"| {figures['throughput']} | {figures['lag_p99_ms']} "
                f"| {'yes' if figures['valid'] else 'NO'} "
                f"| {'YES' if figures['disturbed'] else 'no'} |"
            )
    out += ["", "## Ratios scenario / ceiling (median over rounds)", ""]
    out += [
        "| scenario | p50 / write | p99 / write | throughput / write | p50 / JSON "
        "| throughput / JSON |"
    ]
    out += ["|---|---|---|---|---|---|"]
    for name, scenario in results["scenarios"].items():
        r = scenario["ratios"]
        out.append(
            f"| {name} | {r['p50_ms_over_ceiling_write']} | {r['p99_ms_over_ceiling_write']} "
            f"| {r['throughput_over_ceiling_write']} | {r['p50_ms_over_ceiling_json']} "
            f"| {r['throughput_over_ceiling_json']} |"
        )
        if "anonymous_throughput_over_ceiling_json" in r:
            out.append(
                f"| {name}, not logged in | | | | | {r['anonymous_throughput_over_ceiling_json']} |"
            )
    out += ["", "## Rounds", ""]
    out += ["| scenario | round | subject | n | p50 | p99 | max | errors | /s | lag p99 "]
    out[-1] += "| cpu server | generator | db | other | load |"
    out += ["|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, scenario in results["scenarios"].items():
        for number, round_ in enumerate(scenario["rounds"], start=1):
            for subject, run in round_.items():
                cpu = run["cpu"]
                out.append(
                    f"| {name} | {number} | {SUBJECTS.get(subject, SCENARIO_SUBJECTS.get(name, name))} | {run['completed']} "
                    f"| {run['p50_ms']} | {run['p99_ms']} | {run['max_ms']} | {run['errors']} "
                    f"| {run['throughput']} | {run['lag_p99_ms']} | {cpu['server_cores']} "
                    f"| {cpu['generator_cores']} | {cpu['database_cores']} | {cpu['other_cores']} "
                    f"| {cpu['loadavg'][0]} |"
                )
    if "sql" in results:
        sql = results["sql"]
        out += ["", "## Cost per request, in process (test client, API token)", ""]
        out += ["| request | SQL statements | in-process ms (median) |", "|---|---|---|"]
        for name, count in sql["statements"].items():
            out.append(f"| {name} | {count} | {sql['in_process_ms'].get(name, '')} |")
    if "hasher" in results:
        h = results["hasher"]
        out += [
            "",
            f"Password hasher: `{h['hasher']}` ({h['algorithm']}, {h['params']}): "
            f"{h['per_hash_ms']} ms per hash, one per log-in"
            f"{'; the learners’ stored hashes need a rehash at log-in' if h['learners_need_rehash'] else ''}.",
        ]
    if results.get("integrity"):
        out += ["", "## Integrity", ""]
        for name, check in results["integrity"].items():
            out.append(
                f"- after {name}: {check['checked']} acknowledged answers checked, "
                f"{check['missing']} missing, {check['different']} different"
            )
    out += ["", f"Machine load (1, 5, 15 min): start {results['machine']['loadavg_start']}, "]
    out[-1] += f"end {results['machine']['loadavg_end']}."
    return "\n".join(out) + "\n"


def summarize_scenario(scenario: dict) -> dict:
    scenario["median"] = medians(scenario["rounds"])
    scenario["ratios"] = ratios(scenario["rounds"])
    return scenario


# --- Modes ---------------------------------------------------------------------------------


async def suite(day: ExamDay, chosen: list[str], results: dict) -> None:
    """The chosen scenarios in the order of the day: start, autosave (and the capacities while
    the attempts are open), submit, and the log-ins (of the next morning)."""
    args = day.args
    scenarios = results["scenarios"]
    await warm_up(day)

    async def timed(name: str, scenario) -> None:
        began = time.monotonic()
        scenarios[name] = await scenario
        scenarios[name]["seconds"] = round(time.monotonic() - began)
        log(f"    ({name}: {scenarios[name]['seconds']} s)")

    if "start" in chosen:
        await timed("start", scenario_start(day))
    else:
        await day.ensure_attempts(day.examinees)
    if "autosave" in chosen:
        await timed("autosave", scenario_autosave(day))
    if "capacity" in chosen:
        await timed("capacity", scenario_capacity(day))
    if day.ledger.acknowledged:
        results["integrity"]["autosave"] = check_integrity(day, "autosave")
    if "submit" in chosen:
        await timed("submit", scenario_submit(day))
        if day.ledger.acknowledged:
            results["integrity"]["submit"] = check_integrity(day, "submit")
    if "pages" in chosen:
        await timed("pages", scenario_pages(day))
    if "login" in chosen:
        usernames = [f"learner{n:04d}" for n in range(1, args.logins + 1)]
        day.rng.shuffle(usernames)
        await timed("login", scenario_login(day, usernames))
    for scenario in scenarios.values():
        summarize_scenario(scenario)


def check_integrity(day: ExamDay, after: str) -> dict:
    check = day.database.check("check-answers", day.ledger.expectations())
    log(
        f"  after {after}: acknowledged answers missing afterwards: {check['missing']}, "
        f"different: {check['different']} (of {check['checked']} checked)"
    )
    return check


async def find_max(day: ExamDay, results: dict) -> None:
    """Autosave at N = step, 2 × step, … until p99 exceeds the goal, an error occurs or the
    generator lags; the largest N before that is the answer."""
    args = day.args
    await warm_up(day)
    steps, best = [], None
    for n in range(args.find_max_step, args.find_max_limit + 1, args.find_max_step):
        examinees = day.examinees[:n]
        await day.ensure_attempts(examinees)
        measured = await scenario_autosave(day, examinees, rounds=1)
        figures = measured["rounds"][0]["scenario"]
        passed = figures["p99_ms"] <= args.p99_goal and figures["errors"] == 0 and figures["valid"]
        steps.append({"examinees": n, "passed": passed, **measured})
        log(f"  {n} examinees: p99 {figures['p99_ms']} ms: {'pass' if passed else 'FAIL'}")
        if not passed:
            break
        best = n
    results["find_max"] = {"p99_goal_ms": args.p99_goal, "largest_examinees": best, "steps": steps}
    log(
        f"  largest N with autosave p99 ≤ {args.p99_goal:g} ms: "
        + (f"{best}" if best else f"fewer than {args.find_max_step} (the first step failed)")
    )


async def run_day(args, database, base, exam, examinees, server_pid, results, mode) -> None:
    meter = loadgen.Meter(server_pid=server_pid, database=database_name(args.database_url))
    day = ExamDay(args, base=base, exam=exam, examinees=examinees, meter=meter, database=database)
    async with loadgen.client_session(connections=args.connections, timeout=args.timeout) as s:
        day.session = s
        await mode(day, results)
    if day.ledger.acknowledged and not results["integrity"]:
        results["integrity"]["saves"] = check_integrity(day, "saves")


def drive(args, day) -> None:
    """Run ``day`` (a coroutine) with the generator ahead of the server in the CPU's queue."""
    with loadgen.priority(args.generator_nice) as raised:
        if not raised:
            log(f"  (the generator's priority stays as it is: nice {args.generator_nice} refused)")
        asyncio.run(day)


def wait_for_quiet(args) -> float:
    """Wait, up to --wait-quiet seconds, until the rest of the machine keeps at most
    --max-other-cores busy (other people's test runs share these two cores). Returns the
    cores busy when it stopped waiting."""
    waited, busy = 0.0, loadgen.machine_busy_cores(2)
    while busy > args.max_other_cores and waited < args.wait_quiet:
        if not waited:
            log(f"  waiting for a quiet machine: {busy:.2f} cores busy")
        busy = loadgen.machine_busy_cores(3)
        waited += 3
    log(
        f"  machine: {busy:.2f} cores busy before the server starts"
        + (" (NOT quiet: the figures will be disturbed)" if busy > args.max_other_cores else "")
    )
    return busy


def compare_servers(args, env, database, specs, exam, examinees, results) -> None:
    """The ceilings, the autosave and the capacities under each server configuration, each on
    a freshly started, warmed server, at the same rate."""
    by_server = {}
    for spec in specs:
        log(f"\n{spec.label}")
        wait_for_quiet(args)
        server = serve(sys.executable, env, spec, port=args.port)
        try:

            async def mode(day, found):
                await warm_up(day)
                await day.ensure_attempts(day.examinees)
                found["autosave"] = summarize_scenario(
                    await scenario_autosave(day, ceilings_after_collapse=True)
                )
                found["capacity"] = summarize_scenario(await scenario_capacity(day))

            found: dict = {"integrity": {}}
            drive(
                args,
                run_day(
                    args,
                    database,
                    f"http://127.0.0.1:{args.port}",
                    exam,
                    examinees,
                    server.pid,
                    found,
                    mode,
                ),
            )
            by_server[str(spec)] = {"label": spec.label, **found}
        finally:
            stop(server)
    results["servers"] = by_server
    rate = next(iter(by_server.values()))["autosave"]["rate"]
    log(
        f"\nMedians over the rounds; at {rate}/s open loop, then closed loop "
        f"({args.capacity_clients} clients) for the most each does per second."
    )
    log(
        "\n| server | JSON p50 / p99 | write p50 / p99 | save p50 / p99 (errors) "
        "| JSON max /s | write max /s | save max /s | others' cores |"
    )
    log("|---|---|---|---|---|---|---|---|")
    for found in by_server.values():
        a, c = found["autosave"]["median"], found["capacity"]["median"]
        save = a.get("scenario")
        saved = f"{save['p50_ms']} / {save['p99_ms']} ({save['errors']})" if save else "-"
        others = max(a["ceiling_write"]["other_cores"], c["ceiling_write"]["other_cores"])
        log(
            f"| {found['label']} | {a['ceiling_json']['p50_ms']} / {a['ceiling_json']['p99_ms']} "
            f"| {a['ceiling_write']['p50_ms']} / {a['ceiling_write']['p99_ms']} | {saved} "
            f"| {c['ceiling_json']['throughput']} | {c['ceiling_write']['throughput']} "
            f"| {c['scenario']['throughput']} | {others} |"
        )


# --- Command line --------------------------------------------------------------------------


QUICK = {
    "examinees": 150,
    "rounds": 1,
    "start_window": 2.0,
    "autosave_seconds": 5.0,
    "autosave_warmup": 1.0,
    "ceiling_seconds": 2.0,
    "capacity_seconds": 1.5,
    "submit_window": 2.0,
    "logins": 40,
    "login_seconds": 8.0,
    "login_ceiling_seconds": 1.0,
    "pause": 0.3,
    "wait_quiet": 0.0,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--examinees", type=int, default=3000, help="N (default 3000)")
    add("--rounds", type=int, default=3, help="ceiling/scenario alternations per scenario")
    add("--scenarios", default="start,autosave,capacity,submit,pages,login")
    add("--start-window", type=float, default=10.0, help="seconds within which all start")
    add("--autosave-interval", type=float, default=15.0)
    add("--autosave-seconds", type=float, default=60.0, help="measured, per round")
    add("--autosave-warmup", type=float, default=10.0, help="sent before, not counted")
    add("--ceiling-seconds", type=float, default=10.0, help="of each ceiling at autosave rate")
    add("--capacity-seconds", type=float, default=5.0)
    add("--capacity-clients", type=int, default=32)
    add("--submit-window", type=float, default=10.0)
    add("--logins", type=int, default=3000)
    add("--login-seconds", type=float, default=300.0, help="of arrivals, over all rounds")
    add("--login-ceiling-seconds", type=float, default=3.0)
    add(
        "--server",
        default="sync:5",
        help="gthread:WxT, sync:W or granian:WxT (bench/results/SERVER.md)",
    )
    add("--servers", help="compare these (comma-separated) instead; writes servers.json")
    add("--find-max", action="store_true", help="largest N keeping autosave p99 ≤ --p99-goal")
    add("--find-max-step", type=int, default=1000)
    add("--find-max-limit", type=int, default=6000)
    add("--p99-goal", type=float, default=25.0)
    add("--quick", action="store_true", help="a 1-2 minute smoke run: " + ", ".join(QUICK))
    add("--connections", type=int, default=512, help="the client's connection pool")
    add("--timeout", type=float, default=30.0, help="seconds per request")
    add("--max-lag-ms", type=float, default=10.0, help="generator p99 lag beyond: invalid")
    add("--pause", type=float, default=1.0, help="seconds between runs, at least")
    add("--generator-nice", type=int, default=-5, help="the generator's priority while it runs")
    add("--max-other-cores", type=float, default=0.3, help="others' CPU beyond: disturbed")
    add("--wait-quiet", type=float, default=60.0, help="seconds to wait for a quiet machine")
    add("--port", type=int, default=8097)
    add("--seed", type=int, default=2026)
    add("--redis-url", default="redis://127.0.0.1:6379/12", help="emptied first")
    add("--output", help="results path without suffix (default bench/results/exam_day)")
    add("--baseline", help="results JSON to compare with (default: the committed one)")
    add("--fail-on-regression", action="store_true", help="exit 1 on a REGRESSION")
    add("--regression-floor-ms", type=float, default=1.0, help="p99 changes below: noise")
    add("--fresh", action="store_true", help="migrate and seed anew, ignoring the template")
    args = parser.parse_args(argv)
    if args.quick:
        given = {a.lstrip("-").replace("-", "_").split("=")[0] for a in (argv or sys.argv[1:])}
        for name, value in QUICK.items():
            if name not in given:
                setattr(args, name, value)
    args.database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if args.output is None:
        args.output = str(
            ROOT / "var" / "bench" / "exam_day_quick" if args.quick else RESULTS / "exam_day"
        )
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    chosen = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    spec = ServerSpec.parse(args.server)
    specs = [ServerSpec.parse(s) for s in args.servers.split(",")] if args.servers else [spec]
    env = {
        **django_env(args.database_url),
        "REDIS_URL": args.redis_url,
        # The benchmark's own copy of the static files: others may be serving var/static.
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
    }
    redis.Redis.from_url(args.redis_url).flushdb()
    examinee_count = max(args.examinees, args.find_max_limit if args.find_max else 0)
    started = time.monotonic()
    log(f"Preparing {args.database_url} with {examinee_count} examinees…")
    copied = seeded_database(
        sys.executable, env, args.database_url, learners=examinee_count + SPARES, fresh=args.fresh
    )
    log(f"  {'copied from the template' if copied else 'migrated and seeded'}")
    results: dict = {
        "config": {
            **{k: v for k, v in vars(args).items() if k not in ("database_url", "output")},
            "server": str(spec),
            "server_label": spec.label,
        },
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": {"cores": os.cpu_count(), "loadavg_start": loadgen.loadavg()},
        "scenarios": {},
        "integrity": {},
    }
    database = Database(env)
    try:
        if not (args.servers or args.find_max):
            results["sql"] = database("sql-counts", str(examinee_count + 1))
            # The statements' beginnings say which they are; the start's INSERT holds 36 papers.
            for name, statements in results["sql"]["sql"].items():
                results["sql"]["sql"][name] = [sql[:160] for sql in statements]
            log(f"  SQL statements per request: {results['sql']['statements']}")
            log(f"  in process: {results['sql']['in_process_ms']} ms")
            if "login" in chosen:
                results["hasher"] = database("hasher")
                log(f"  password hasher: {results['hasher']}")
        issued = database("tokens", str(examinee_count))
        rng = random.Random(args.seed)
        examinees = [
            Examinee(n, username, token, phase=rng.uniform(0, args.autosave_interval))
            for n, (username, token) in enumerate(
                zip(issued["usernames"], issued["tokens"], strict=True)
            )
        ]
        collect_static(sys.executable, env)
        env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        log(f"Ready in {time.monotonic() - started:.0f} s")
        if args.servers:
            compare_servers(args, env, database, specs, issued["exam"], examinees, results)
            output = Path(args.output).with_name("servers")
        else:
            measure_one_server(
                args, env, database, spec, chosen, issued["exam"], examinees, results
            )
            output = Path(args.output)
            if args.find_max:
                output = output.with_name(output.name + "_find_max")
    finally:
        database.close()
    results["machine"]["loadavg_end"] = loadgen.loadavg()
    results["wall_seconds"] = round(time.monotonic() - started)
    return report(args, results, output)


def measure_one_server(args, env, database, spec, chosen, exam, examinees, results) -> None:
    log(f"\n{spec.label}")
    results["machine"]["busy_cores_before"] = round(wait_for_quiet(args), 2)
    server = serve(sys.executable, env, spec, port=args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        if args.find_max:
            mode = find_max
        else:

            async def mode(day, found):
                await suite(day, chosen, found)

        drive(args, run_day(args, database, base, exam, examinees, server.pid, results, mode))
    finally:
        stop(server)


def report(args, results: dict, output: Path) -> int:
    """Write the results, print the goals and the regressions; the exit status: 1 when an
    acknowledged answer was lost, or on a regression with --fail-on-regression."""
    subjects = [
        subject
        for scenario in results["scenarios"].values()
        for subject in scenario["median"].values()
    ]
    results["valid"] = all(subject["valid"] for subject in subjects)
    results["disturbed"] = any(subject["disturbed"] for subject in subjects)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n"
    )
    failed = False
    if results["scenarios"]:
        output.with_suffix(".md").write_text(markdown(results))
        log(f"\nExam day, {results['config']['server_label']}: {results['wall_seconds']} s")
        for goal, met, figure in goals(results):
            log(f"  {'met    ' if met else 'NOT MET'}  {goal}: {figure}")
        if not results["valid"]:
            log("  INVALID: the generator lagged in some run; those latencies are partly its own")
        if results["disturbed"]:
            log("  DISTURBED: other processes used more than --max-other-cores in some run")
        found = regressions(results, committed_baseline(args.baseline), args.regression_floor_ms)
        for regression in found:
            log(regression)
        failed = bool(found) and args.fail_on_regression
    lost = sum(c["missing"] + c["different"] for c in results["integrity"].values())
    lost += sum(
        r["scenario"].get("acknowledged_still_open", 0)
        for r in results["scenarios"].get("submit", {}).get("rounds", [])
    )
    log(f"  results: {output.with_suffix('.json')}")
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
