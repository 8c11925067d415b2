"""An open-loop HTTP load generator on asyncio and aiohttp, and a meter of where the CPU went.

Open loop: every request has a send time fixed before the run starts (a plan), and is sent when
it is due whether or not earlier ones have been answered. Its latency counts from that due
time, so a server that falls behind shows as latency (and errors), never as fewer requests.
The generator shares the machine with the server, so it also measures itself: its lag is how
late each request actually went out compared with its due time, and a run whose generator
lagged (p99 lag over ``max_lag_ms``) is marked invalid, since its latencies are partly the
generator's.

Closed loop (``closed_loop``): a fixed number of clients each sending the next request as soon
as the last is answered; for the most a server can do (its capacity), not for latency.
"""

import asyncio
import gc
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import aiohttp

# A call sends one request (or a few, for a log-in through the form) and says how it went:
# "ok", or what went wrong ("409", "timeout", "ServerDisconnectedError").
Call = Callable[[aiohttp.ClientSession], Awaitable[str]]


def client_session(*, connections: int, timeout: float) -> aiohttp.ClientSession:
    """One session for the whole run, cheap per request: no cookie jar (calls that need cookies
    carry them themselves), no decompression, keep-alive connections closed by the client
    after 1 s idle, before gunicorn's 2 s keep-alive closes them under a request."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(
            limit=connections, keepalive_timeout=1.0, force_close=False, ttl_dns_cache=None
        ),
        timeout=aiohttp.ClientTimeout(total=timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        skip_auto_headers=("User-Agent",),
    )


async def fetch(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: dict | None = None,
    body: bytes | None = None,
) -> tuple[int, bytes]:
    """Send one request and read the whole answer."""
    async with session.request(method, url, headers=headers, data=body) as response:
        return response.status, await response.read()


async def _send(
    session: aiohttp.ClientSession, call: Call, loop: asyncio.AbstractEventLoop
) -> tuple[float, str, float]:
    """Make one call: when it went out, how it went (a timeout or a broken connection is an
    outcome too, not an exception), and when it was answered."""
    sent = loop.time()
    try:
        outcome = await call(session)
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        outcome = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
    return sent, outcome, loop.time()


@dataclass
class Tally:
    """What a run measured, request by request (seconds)."""

    latency: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    last_done: float = 0.0

    def add(self, latency: float, lag: float, outcome: str, done: float) -> None:
        self.latency.append(latency)
        self.lag.append(lag)
        self.outcomes[outcome] += 1
        self.last_done = max(self.last_done, done)


def _quantile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarize(tally: Tally, *, offered: int, span: float, max_lag_ms: float) -> dict:
    """Figures in milliseconds; ``span``: seconds from the first due time to the last answer."""
    latency = sorted(tally.latency)
    lag = sorted(tally.lag)
    ok = tally.outcomes.get("ok", 0)
    ms = 1000.0
    lag_p99 = _quantile(lag, 0.99) * ms
    return {
        "offered": offered,
        "completed": len(latency),
        "ok": ok,
        "errors": sum(n for outcome, n in tally.outcomes.items() if outcome != "ok"),
        "error_kinds": {k: n for k, n in sorted(tally.outcomes.items()) if k != "ok"},
        "throughput": round(ok / span, 1) if span > 0 else 0.0,
        "p50_ms": round(_quantile(latency, 0.50) * ms, 2),
        "p95_ms": round(_quantile(latency, 0.95) * ms, 2),
        "p99_ms": round(_quantile(latency, 0.99) * ms, 2),
        "max_ms": round((latency[-1] if latency else 0.0) * ms, 2),
        "lag_p50_ms": round(_quantile(lag, 0.50) * ms, 2),
        "lag_p99_ms": round(lag_p99, 2),
        "lag_max_ms": round((lag[-1] if lag else 0.0) * ms, 2),
        "valid": lag_p99 <= max_lag_ms,
    }


async def open_loop(
    session: aiohttp.ClientSession,
    plan: list[tuple[float, Call]],
    *,
    measure_from: float = 0.0,
    drain: float = 30.0,
    max_lag_ms: float = 10.0,
) -> dict:
    """Send each call of ``plan`` (offset in seconds from now, call) when it is due.

    Calls due before ``measure_from`` are sent (a warm-up) but not counted. After the last is
    sent, waits up to ``drain`` seconds for the answers; calls still unanswered then count as
    errors ("unfinished")."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    plan = sorted(plan, key=lambda item: item[0])
    with no_collector():
        return await _open_loop(
            session,
            plan,
            loop,
            tally,
            measure_from=measure_from,
            drain=drain,
            max_lag_ms=max_lag_ms,
        )


@contextmanager
def no_collector() -> Iterator[None]:
    """Python's cycle collector off while a run sends: with a plan, a ledger and thousands of
    requests in flight, one full collection stops the event loop for a good part of a second,
    which would show as the generator's lag. Refcounting still frees almost everything; what
    the collector would have found waits until the run is over."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _open_loop(session, plan, loop, tally, *, measure_from, drain, max_lag_ms) -> dict:
    start = loop.time() + 0.05
    measured_start = start + measure_from

    async def one(call: Call, due: float) -> None:
        sent, outcome, done = await _send(session, call, loop)
        if due >= measured_start:
            tally.add(done - due, sent - due, outcome, done)

    tasks = set()
    for offset, call in plan:
        due = start + offset
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.add(loop.create_task(one(call, due)))
    _done, pending = await asyncio.wait(tasks, timeout=drain) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    counted = sum(1 for offset, _call in plan if offset >= measure_from)
    if pending:
        tally.outcomes["unfinished"] += len(pending)
    span = (tally.last_done or loop.time()) - measured_start
    return summarize(tally, offered=counted, span=span, max_lag_ms=max_lag_ms)


async def closed_loop(
    session: aiohttp.ClientSession,
    next_call: Callable[[int], Call],
    *,
    clients: int,
    seconds: float,
) -> dict:
    """``clients`` clients, each sending ``next_call(i)`` as soon as its last call is answered,
    for ``seconds``: the throughput is what the server can do at that concurrency."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    start = loop.time()
    end = start + seconds
    counter = iter(range(1 << 62))

    async def client() -> None:
        while loop.time() < end:
            call = next_call(next(counter))
            sent, outcome, done = await _send(session, call, loop)
            tally.add(done - sent, 0.0, outcome, done)

    await asyncio.gather(*(client() for _ in range(clients)))
    summary = summarize(tally, offered=len(tally.latency), span=seconds, max_lag_ms=1e9)
    summary["clients"] = clients
    return summary


# --- Where the CPU went --------------------------------------------------------------------


def _jiffies_by_process() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, user + system CPU ticks) for every process."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue
        fields = text[text.rindex(b")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def _backends_of(database: str) -> set[int]:
    """The PostgreSQL backends serving ``database`` (their process title names it)."""
    needle = f" {database} ".encode()
    pids = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                if needle in cmdline.read():
                    pids.add(int(entry.name))
        except OSError:
            continue
    return pids


def _machine() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # without guest time, which user time already counts
    return total - idle, total


def loadavg() -> list[float]:
    with open("/proc/loadavg") as load:
        return [float(v) for v in load.read().split()[:3]]


class Meter:
    """CPU used between ``start()`` and ``stop()``, in cores (1.0 = one core busy all along):
    by the server (its process and every descendant), by this generator, by the PostgreSQL
    backends of the benchmark's database, and by everything else on the machine."""

    def __init__(self, *, server_pid: int, database: str) -> None:
        self.server_pid = server_pid
        self.database = database
        self.tick = os.sysconf("SC_CLK_TCK")
        self.cores = os.cpu_count() or 1

    def _sample(self) -> dict:
        processes = _jiffies_by_process()
        children: dict[int, list[int]] = {}
        for pid, (parent, _ticks) in processes.items():
            children.setdefault(parent, []).append(pid)
        tree, todo = set(), [self.server_pid]
        while todo:
            pid = todo.pop()
            if pid in processes and pid not in tree:
                tree.add(pid)
                todo.extend(children.get(pid, []))
        busy, total = _machine()
        return {
            "at": time.monotonic(),
            "server": {pid: processes[pid][1] for pid in tree},
            "generator": processes.get(os.getpid(), (0, 0))[1],
            "database": {
                pid: processes[pid][1] for pid in _backends_of(self.database) if pid in processes
            },
            "busy": busy,
            "total": total,
        }

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> dict:
        after = self._sample()
        before = self.before
        wall = after["at"] - before["at"]

        def cores(ticks: float) -> float:
            return ticks / self.tick / wall if wall > 0 else 0.0

        def grown(name: str) -> float:
            # Processes that went away in between are lost here (and counted as "other").
            return sum(t - before[name].get(pid, 0) for pid, t in after[name].items())

        busy = (after["busy"] - before["busy"]) / max(1, after["total"] - before["total"])
        machine = busy * self.cores
        server = cores(grown("server"))
        generator = cores(after["generator"] - before["generator"])
        database = cores(grown("database"))
        return {
            "server_cores": round(server, 2),
            "generator_cores": round(generator, 2),
            "database_cores": round(database, 2),
            "other_cores": round(max(0.0, machine - server - generator - database), 2),
            "machine_busy_pct": round(busy * 100, 1),
            "loadavg": loadavg(),
        }


@contextmanager
def priority(nice: int) -> Iterator[bool]:
    """This process at ``nice`` (below 0: ahead of the server) while the block runs, so the
    generator sends on time when the server has both cores busy. It uses little CPU, and that
    CPU is still taken from the same two cores. Yields whether the priority could be set."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        yield False
        return
    try:
        yield True
    finally:
        os.setpriority(os.PRIO_PROCESS, 0, before)


def machine_busy_cores(seconds: float) -> float:
    """How many cores the whole machine kept busy over the next ``seconds``."""
    busy, total = _machine()
    time.sleep(seconds)
    busy_after, total_after = _machine()
    share = (busy_after - busy) / max(1, total_after - total)
    return share * (os.cpu_count() or 1)
