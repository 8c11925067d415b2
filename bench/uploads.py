"""Hostile uploads against the readers: how long each takes to be refused, and how much memory.

Runs the roster and question-bank readers (no database, no server) on the files of
tests/hostile_files.py — a 5 KB workbook reaching XFD1048576, a 300 MB string, zip bombs, a zip
that lies about its sizes, a 50 MB CSV — and prints, for each, its size, the seconds to the
refusal, the peak of Python's memory (tracemalloc) and the process's peak resident size, and
the start of the refusal. Exits 1 if one of them is not refused.

    python bench/uploads.py
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "school.settings")

import django  # noqa: E402

django.setup()

from courses.questions.excel import COLUMNS as QUESTION_COLUMNS  # noqa: E402
from courses.services.question_import import parse_file  # noqa: E402
from membership.roster import HEADERS, parse_roster  # noqa: E402
from tests.hostile_files import HOSTILE_WORKBOOKS, MB, big_csv  # noqa: E402


def measure(work):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak / MB


def main() -> int:
    cases = []
    for name, make in HOSTILE_WORKBOOKS.items():
        roster_file, bank_file = make(HEADERS), make(QUESTION_COLUMNS)
        cases.append((f"roster: {name}", roster_file, lambda d=roster_file: roster(d, "x.xlsx")))
        cases.append((f"bank:   {name}", bank_file, lambda d=bank_file: bank(d)))
    csv = big_csv()
    cases.append(("roster: a 50 MB CSV", csv, lambda: roster(csv, "x.csv")))
    failed = 0
    print(f"{'file':52} {'size':>10} {'refused in':>11} {'peak':>9}  refusal")
    for name, data, work in cases:
        refusal, seconds, peak = measure(work)
        failed += refusal is None
        size = f"{len(data) / 1024:.1f} KB" if len(data) < MB else f"{len(data) / MB:.1f} MB"
        shown = (refusal or "NOT REFUSED")[:70]
        print(f"{name:52} {size:>10} {seconds * 1000:>8.1f} ms {peak:>6.1f} MB  {shown}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident size of this process, all cases: {rss:.0f} MB")
    return 1 if failed else 0


def roster(data: bytes, filename: str) -> str | None:
    parsed = parse_roster(filename, data)
    refused = [error for error in parsed.errors if error.row == 0]
    return refused[0].message if refused and not parsed.rows else None


def bank(data: bytes) -> str | None:
    parsed = parse_file("bank.xlsx", data)
    refused = [problem for problem in parsed.problems if problem.line == 0]
    return str(refused[0].message) if refused and not parsed.questions else None


if __name__ == "__main__":
    sys.exit(main())
