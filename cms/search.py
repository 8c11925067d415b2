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

The index cannot find what jieba does not emit as a term: a single character (党 in 端正入党动机
is inside the word 入党) or a string it does not know (正入, 2026, wagtail), which a text may
cut apart or hold inside a longer token. For such a query (``is_indexed`` says which) the
search matches substrings of the indexed text instead (``substring_patterns``).
"""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)
# Loading the dictionary (350,000 words) takes about a second and 60 MB. Left to jieba it
# happens in the first request that cuts any text, so the first search after a start-up took
# over a second. Django imports this module while it loads the apps (cms.models indexes pages
# with it), so loading the dictionary here moves that second to start-up, before the process
# serves anything.
jieba.initialize()

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


def is_indexed(word: str) -> bool:
    """Whether the full-text index finds ``word`` (one of ``query_words``): only if each of its
    terms is a dictionary word of two characters or more, which search-mode indexing emits
    inside whatever longer word jieba cut around it. Not a single character, nor a string jieba
    does not know: in a text those may sit inside a longer token, or be cut apart."""
    return all(len(term) > 1 and jieba.get_FREQ(term) for term in _smallest_cover(word))


def substring_patterns(word: str) -> list[tuple[str, ...]]:
    """What the indexed text (``index_text``) of any text containing ``word`` as written has in
    it: one of these alternatives, with every fragment of that alternative.

    In such a text ``word`` lies inside one token, or is cut by token boundaries. At the first
    of them a token ends with the part before it and the next starts with the character after
    it: 正入 in 真正入党 is indexed as "真正 入党", which has "正 " and " 入". So no such text
    is missed; what else is found, the caller checks against the text as written.
    """
    cuts = [(f"{word[:cut]} ", f" {word[cut]}") for cut in range(1, len(word))]
    return [(word,), *cuts]


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
