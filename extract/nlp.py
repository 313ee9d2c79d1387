"""The token layer: spaCy `blank("zh")` segmented by a private jieba tokenizer.

The tokenizer is a `jieba.Tokenizer` of its own with the domain dictionary
(`extract/data/userdict.txt`) loaded, so nothing here changes the process-wide `jieba`
that other code may use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jieba
import spacy
from spacy.language import Language

USERDICT = Path(__file__).parent / "data" / "userdict.txt"


@cache
def get_tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain user dictionary loaded."""
    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USERDICT))
    return tokenizer


@cache
def get_plain_tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with jieba's own dictionary only: word boundaries of general
    Chinese, for telling place names from ordinary words."""
    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@cache
def get_nlp() -> Language:
    """spaCy's Chinese pipeline whose tokenizer cuts with `get_tokenizer()`."""
    jieba.setLogLevel(60)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = get_tokenizer()
    return nlp


def words(text: str) -> list[str]:
    """The text cut into words (whitespace tokens dropped)."""
    return [t.text for t in get_nlp().make_doc(text) if not t.is_space]


def segment_words(text: str) -> str:
    """Space-joined words, for a full-text column that one- and two-character queries hit."""
    return " ".join(w for w in words(text) if w.strip())
