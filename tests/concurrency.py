"""Running work in several threads at once, each with its own database connection."""

import threading

from django.db import connections


def run_at_once(count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads released together; return what each returned."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as error:  # reported below, with the thread's own traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
