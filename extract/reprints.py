"""Near-duplicate articles: the same story published by several outlets.

Method: MinHash over character shingles, with locality-sensitive hashing (datasketch) to find
candidate pairs, then the exact shingle overlap of each candidate pair decides.

Why MinHash over character shingles rather than SimHash:
- Chinese has no spaces; character n-grams need no word segmenter, so a segmenter's choices
  (which differ between a headline and a body, or between jieba versions) cannot hide a copy.
- MinHash estimates Jaccard similarity of shingle sets, which degrades smoothly and
  predictably with the edits reprints actually carry (another headline, a dropped paragraph,
  a different source line); SimHash's Hamming distance is tuned for web-scale fingerprints
  of long pages and is noisy on 300-character bulletins.
- LSH makes candidate search sub-quadratic, and the exact overlap computed afterwards makes
  the decision independent of MinHash's estimation error (and of hash seeds).
Besides Jaccard, containment (overlap divided by the smaller set) links an abridged reprint
to its full original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

SHINGLE_SIZE = 3
"""Characters per shingle: 3 keeps common two-character domain words (社工, 民政) from
making unrelated bulletins look alike."""
NUM_PERM = 128
CANDIDATE_THRESHOLD = 0.3
"""LSH threshold (estimated Jaccard) for a pair to be compared exactly; low on purpose."""
MIN_JACCARD = 0.6
MIN_CONTAINMENT = 0.85
MIN_SHINGLES = 30
"""Shorter texts (a one-line notice) are too generic to call a copy."""


@dataclass(frozen=True)
class ArticleText:
    article_id: str
    document_id: str
    text: str


@dataclass
class ReprintGroup:
    """Articles of different documents that carry one story; pairs are (a, b, similarity)."""

    article_ids: list[str]
    pairs: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def similarity(self) -> float:
        return min(s for _, _, s in self.pairs)


def normalise(text: str) -> str:
    """NFKC, then only letters and digits: punctuation and layout differ between outlets."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum())


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    clean = normalise(text)
    if len(clean) < size:
        return {clean} if clean else set()
    return {clean[i : i + size] for i in range(len(clean) - size + 1)}


def similarity(a: set[str], b: set[str]) -> float:
    """The larger of Jaccard and containment, each against its own threshold, scaled to 0..1.

    Returns the Jaccard value when the pair qualifies by Jaccard, else the containment value
    when it qualifies by containment, else 0.
    """
    if not a or not b:
        return 0.0
    common = len(a & b)
    jaccard = common / len(a | b)
    if jaccard >= MIN_JACCARD:
        return jaccard
    containment = common / min(len(a), len(b))
    return containment if containment >= MIN_CONTAINMENT else 0.0


def _minhash(items: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch(s.encode("utf-8") for s in sorted(items))
    return m


def find_reprints(articles: list[ArticleText]) -> list[ReprintGroup]:
    """Groups of near-duplicate articles from different documents, each sorted by article_id.

    Pairs inside one document are never linked: a page does not reprint itself, and two
    similar reports on one page are two reports.
    """
    sets = {a.article_id: shingles(a.text) for a in articles}
    docs = {a.article_id: a.document_id for a in articles}
    eligible = sorted(aid for aid, s in sets.items() if len(s) >= MIN_SHINGLES)
    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    hashes = {}
    for aid in eligible:
        hashes[aid] = _minhash(sets[aid])
        lsh.insert(aid, hashes[aid])
    pairs: list[tuple[str, str, float]] = []
    for aid in eligible:
        for other in sorted(lsh.query(hashes[aid])):
            if other <= aid or docs[other] == docs[aid]:
                continue
            score = similarity(sets[aid], sets[other])
            if score > 0:
                pairs.append((aid, other, round(score, 3)))
    return _components(pairs)


def _components(pairs: list[tuple[str, str, float]]) -> list[ReprintGroup]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, ReprintGroup] = {}
    for a, b, score in sorted(pairs):
        group = groups.setdefault(root(a), ReprintGroup(article_ids=[]))
        group.pairs.append((a, b, score))
    for group in groups.values():
        group.article_ids = sorted({x for a, b, _ in group.pairs for x in (a, b)})
    return sorted(groups.values(), key=lambda g: g.article_ids)
