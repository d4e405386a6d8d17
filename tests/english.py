"""A small detector of English in Vietnamese text: words that are English and never a Vietnamese
syllable ("the", "field", "valid" — not "to", "do" or "in", which Vietnamese has too)."""
from __future__ import annotations

import re

ENGLISH_WORDS = frozenset("""
the and of is are not this that these with for your you must field fields enter please valid invalid
required value values file files upload uploads uploaded error errors cannot can't was were been has have
from should could would will than too large larger longer short only allowed sent request
number numbers character characters choice choices date dates type here there what which when where
who why how been being its it's into about after before again page reload try wrong something
missing expired token failed submit submitted save saved changed meanwhile forbidden found permission
server bad unknown empty some any every least most between exactly equal input text select choose
""".split())
_WORD = re.compile(r"[A-Za-z']+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}|<[^>]+>|&\w+;")


def english_words(text: str) -> list[str]:
    """The English words of a text (placeholders and markup left out)."""
    return [word for word in _WORD.findall(_PLACEHOLDER.sub(" ", text)) if word.lower() in ENGLISH_WORDS]
