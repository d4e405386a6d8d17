"""Vietnamese alphabetical order for names of units, people and clusters.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: ă, â, đ, ê, ô, ơ and ư
are letters of their own, so "Đồng Xoài" follows every "D…" and "Ơ" follows "Ô".  Tones
(unmarked, huyền, hỏi, ngã, sắc, nặng) count only where the letters are equal, then case.
Sorting happens in Python with :func:`vi_key`, identically on SQLite and PostgreSQL.
"""
from __future__ import annotations

import functools
import unicodedata

# Tone marks as combining characters, in the dictionary order of the tones.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Letter-forming marks: breve (ă), circumflex (â ê ô), horn (ơ ư).
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}
_ALPHABET = ["a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j", "k", "l",
             "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b", "v", "w", "x", "y", "z"]
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_OTHER = len(_ALPHABET)


def _letters(text: str):
    """(letter, tone, is_upper) for each character, base letters with their letter-forming mark."""
    decomposed = unicodedata.normalize("NFD", text)
    out: list[list] = []
    for char in decomposed:
        if char in _TONES and out:
            out[-1][1] = _TONES[char]
        elif char in _LETTER_MARKS and out:
            out[-1][0] += char
        elif unicodedata.combining(char) and out:
            out[-1][0] += char
        else:
            out.append([char.lower(), 0, char != char.lower()])
    return out


@functools.lru_cache(maxsize=8192)
def vi_key(text: str | None) -> tuple:
    """A sort key that orders Vietnamese text as a dictionary does (letters, then tones, then case).
    Kept per name: a page sorts the same thousand unit names on every request."""
    letters = _letters((text or "").strip())
    primary = tuple((0, _RANK[letter], "") if letter in _RANK else (1 if letter.isalnum() else -1, _OTHER, letter)
                    for letter, _tone, _upper in letters)
    tones = tuple(tone for _letter, tone, _upper in letters)
    case = tuple(upper for _letter, _tone, upper in letters)
    return primary, tones, case


def vi_sorted(items, key=lambda item: item):
    """``items`` sorted by the Vietnamese order of ``key(item)``."""
    return sorted(items, key=lambda item: vi_key(key(item)))
