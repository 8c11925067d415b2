"""Work tied to the end of the current transaction."""

from collections.abc import Callable

from django.db import transaction


def clear_now_and_on_commit(clear: Callable[[], object]) -> None:
    """Call ``clear`` now, for this transaction's own reads, and again once the transaction
    commits: another process may fill the cache in between from the data as it was before the
    change. Outside a transaction both calls happen at once."""
    clear()
    transaction.on_commit(clear)
