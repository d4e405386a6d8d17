"""Vietnamese-insensitive text: what the search index stores and what a query is turned into.

"Đảng viên" and "dang vien" both become "dang vien"; "Đảng" becomes "dang" (unicode's decomposition
leaves "đ" alone, so it is folded by hand); every run of punctuation becomes one space, so the
document symbol "125-KH/ABC" is the word sequence "125 kh abc" on both sides.
"""
from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def normalise(text: str | None) -> str:
    """Lower case, no diacritics, words separated by single spaces (no leading or trailing space)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NOT_WORD.sub(" ", bare).strip()


def query_terms(query: str, limit: int = 8) -> list[str]:
    """A query's terms: each whitespace-separated piece, normalised (a symbol keeps its words
    together: "125-KH/ABC" is one term "125 kh abc"). Empty pieces are dropped."""
    terms = [normalise(piece) for piece in query.split()]
    return [term for term in terms if term][:limit]
