"""Chinese word segmentation for full-text search (a pure module: text in, text out).

Neither PostgreSQL's nor SQLite's full-text search knows where one Chinese word ends and the
next begins: "积极发展党员工作" is one long token to them. jieba splits it into words; the
index gets the words joined by spaces, which every database tokenizer handles.

The index side uses jieba's search mode, which emits long words *and* the dictionary words
inside them ("发展党员" → 发展, 党员, 发展党员). The query side cuts each long word into
two- and three-character dictionary words (``query_terms``), and all of them must match: so
the database finds text however jieba happened to cut it in context. The database's answer
is then checked against the words of the query as written (``query_words``), so a lesson
that speaks of 发展对象 and of 党员, but never of 发展党员, is not found by a search for
发展党员.
"""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_NOT_A_WORD = re.compile(r"[\W_]+")


def _is_word(token: str) -> bool:
    return bool(token) and not _NOT_A_WORD.fullmatch(token)


def index_text(*texts: str) -> str:
    """The words of ``texts``, lower-cased and separated by single spaces, for the index."""
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(t.strip().lower() for t in jieba.cut_for_search(text))
    return " ".join(word for word in words if _is_word(word))


def query_words(query: str) -> list[str]:
    """The words of ``query`` as jieba cuts it, lower-cased, without punctuation or repeats."""
    words = (word.strip().lower() for word in jieba.cut(query or ""))
    return list(dict.fromkeys(word for word in words if _is_word(word)))


def query_terms(query: str) -> list[str]:
    """The index terms a search for ``query`` must all find, in order, without repeats."""
    terms = [term for word in query_words(query) for term in _smallest_cover(word)]
    return list(dict.fromkeys(terms))


def _smallest_cover(word: str) -> list[str]:
    """``word`` cut into two- and three-character dictionary words, if it can be (these are
    what search-mode indexing emits inside a long word); otherwise the word itself."""
    if len(word) <= 3:
        return [word]
    # partitions[i]: a way to cut word[:i] into dictionary pieces, or None.
    partitions: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for size in (2, 3):
            start = end - size
            head = partitions[start] if start >= 0 else None
            if head is not None and jieba.get_FREQ(word[start:end]):
                partitions[end] = [*head, word[start:end]]
                break
    return partitions[-1] or [word]
