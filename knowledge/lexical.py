"""Lexical matching: a small tokenizer and BM25 over the same chunks the dense index holds."""

from __future__ import annotations

import re
from functools import lru_cache

from rank_bm25 import BM25Okapi

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
STOPWORDS = frozenset(
    [
        "a", "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
        "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no",
        "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out",
        "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
        "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
        "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "us", "im", "ive",
        "dont", "doesnt", "isnt", "whats", "thats", "hey", "hi", "pls", "please", "like", "really",
        "want", "get", "got", "gonna", "wanna", "ok", "okay", "yeah", "also", "even", "still", "much",
        "many"
    ]
)


def _stem(token: str) -> str:
    """A light suffix strip so 'hosting', 'hosted' and 'hosts' meet at 'host'."""
    if token.isdigit() or len(token) <= 4:
        return token
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: len(token) - len(suffix)] + replacement
    return token


def tokenize(text: str) -> list[str]:
    return [_stem(token) for token in _TOKEN.findall(text.lower()) if token not in STOPWORDS]


@lru_cache(maxsize=16384)
def terms(text: str) -> frozenset[str]:
    """The distinct tokens of `text`, remembered: passages and their sentences recur across
    questions, and tokenizing them again each time is most of a warm answer's work."""
    return frozenset(tokenize(text))


class LexicalIndex:
    """BM25 over a fixed list of texts."""

    def __init__(self, texts: list[str]) -> None:
        self._tokens = [tokenize(text) for text in texts]
        self._bm25 = BM25Okapi(self._tokens) if texts else None

    def scores(self, query: str) -> list[float]:
        if self._bm25 is None:
            return []
        terms = tokenize(query)
        if not terms:
            return [0.0] * len(self._tokens)
        return [float(score) for score in self._bm25.get_scores(terms)]
