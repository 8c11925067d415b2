"""Search: the first search a fresh server answers, then each kind of query (a benchmark, not a
test).

    python bench/search.py --lessons 400

Fills BENCH_DATABASE_URL (default: a party_school_bench database on the local PostgreSQL,
emptied first; a sqlite:/// URL works too) with the demo school and that many more published
lessons, copies of the demo's. Times a fresh process's Django start-up; then starts gunicorn
(one worker), waits for /healthz/ and times the first search it serves. Then, for each query
below (words the full-text index has; one character, or a string jieba does not know, which the
substring match finds), the median and 95th percentile of ``search_curriculum`` in this process
and of the whole page over HTTP; the page without a query shows what rendering costs alone.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.stack import DEFAULT_DB, django_env, percentile, reset_database, start_server  # noqa: E402

FIRST = "发展党员"
QUERIES = [
    ("", "no query: the page alone"),
    ("发展党员", "dictionary word"),
    ("党章", "dictionary word"),
    ("端正入党动机", "three dictionary words"),
    ("党", "one character"),
    ("誓", "one rarer character"),
    ("正入", "a string jieba does not know"),
    ("星火燎原", "a dictionary word found nowhere"),
    ("qzx", "a string found nowhere"),
]
# The count the page shows, in Chinese (the default) or in English.
RESULTS = re.compile(r"搜索结果：(\d+)|(\d+) results? for")


def fresh_database(python: str, env: dict, database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        reset_database(database_url)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def add_lessons(count: int) -> None:
    """``count`` more published lessons, copies of the demo's, spread over its courses."""
    from courses.models import LessonPage

    originals = list(LessonPage.objects.live().order_by("path"))
    for number in range(count):
        original = originals[number % len(originals)]
        round_ = number // len(originals) + 2
        original.copy(
            update_attrs={
                "title": f"{original.title}（{round_}）",
                "slug": f"{original.slug}-{round_}",
            },
            keep_live=True,
        )


def search(base: str, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = requests.get(f"{base}/search/", params={"q": query}, timeout=60)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    found = RESULTS.search(response.text)
    return elapsed, int(found.group(1) or found.group(2)) if found else 0


STARTUP = """
import time
started = time.perf_counter()
import django
django.setup()
print(time.perf_counter() - started)
"""


def startup_seconds(python: str, env: dict) -> float:
    """How long a fresh process takes to set Django up (apps, models, what they load)."""
    done = subprocess.run(
        [python, "-c", STARTUP],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "school.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def timed(work, repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def p50_p95(seconds: list[float]) -> str:
    return (
        f"p50 {statistics.median(seconds) * 1000:6.1f} ms"
        f"  p95 {percentile(seconds, 0.95) * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=400, help="lessons added to the demo's")
    parser.add_argument("--repeat", type=int, default=30, help="times each query is timed")
    parser.add_argument("--port", type=int, default=8097)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = django_env(database_url)
    python = sys.executable
    print(f"Preparing {database_url}: the demo school and {args.lessons} more lessons…")
    fresh_database(python, env, database_url)
    subprocess.run(
        [python, "manage.py", "seed_demo", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "school.settings"
    import django

    django.setup()
    from courses.models import CoursePage, LessonPage
    from courses.selectors import search_curriculum

    add_lessons(args.lessons)
    pages = CoursePage.objects.live().count() + LessonPage.objects.live().count()
    startup = statistics.median(startup_seconds(python, env) for _ in range(3))

    started = time.perf_counter()
    server = start_server(python, env, port=args.port, workers=1, threads=1)
    up = time.perf_counter() - started
    base = f"http://127.0.0.1:{args.port}"
    try:
        first, _found = search(base, FIRST)
        rows = []
        for query, kind in QUERIES:
            found = search(base, query)[1]
            direct = timed(lambda q=query: search_curriculum(q), args.repeat) if query else []
            page = timed(lambda q=query: search(base, q), args.repeat)
            rows.append((query, kind, found, direct, page))
    finally:
        server.terminate()
        server.wait(timeout=30)

    vendor = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
    print(f"\nSearch over {pages} live courses and lessons, {vendor}, gunicorn 1×1")
    print(f"  Django start-up in a fresh process (median of 3)  {startup * 1000:7.0f} ms")
    print(f"  server up (collectstatic, boot, /healthz/)       {up * 1000:7.0f} ms")
    print(f"  first search after it, {FIRST}, whole page    {first * 1000:7.1f} ms")
    print(
        f"  {'kind of query':<34} {'found':>5}  {'search_curriculum':<29} {'whole page':<29} query"
    )
    for query, kind, found, direct, page in rows:
        selector = p50_p95(direct) if direct else ""
        print(f"  {kind:<34} {found:5d}  {selector:<29} {p50_p95(page):<29} {query}")


if __name__ == "__main__":
    main()
