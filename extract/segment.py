"""Stage 3: a page's blocks become articles.

`assemble` is shared by the text path (blocks grouped by `segment_blocks`) and the PDF path
(blocks grouped by geometry in `extract.layout`).
"""

from __future__ import annotations

from schemas import Article, ArticlePart, Block, BlockKind

PART_ORDER = {
    BlockKind.headline: 0,
    BlockKind.lead: 1,
    BlockKind.dateline: 1,
    BlockKind.byline: 1,
}
TAIL_KINDS = (BlockKind.caption, BlockKind.source)


def assemble(seq: int, blocks: list[Block], source_outlet: str | None = None) -> Article:
    """Build an Article from the blocks that belong to it.

    Order in `text`: headline, lead, then sections and body paragraphs in the order given,
    then caption, then source line. Parts keep their span in `text`; PDF character boxes
    are carried along so that figures can get a page box.
    """
    head = sorted(
        (b for b in blocks if b.kind in PART_ORDER), key=lambda b: PART_ORDER[b.kind]
    )
    middle = [b for b in blocks if b.kind in (BlockKind.section, BlockKind.body)]
    tail = sorted((b for b in blocks if b.kind in TAIL_KINDS), key=lambda b: TAIL_KINDS.index(b.kind))
    ordered = head + middle + tail

    pieces: list[str] = []
    parts: list[ArticlePart] = []
    boxes: list = []
    has_boxes = any(b.char_boxes for b in ordered)
    pos = 0
    for block in ordered:
        if pieces:
            pieces.append("\n")
            boxes.append(None)
            pos += 1
        pieces.append(block.text)
        parts.append(
            ArticlePart(kind=block.kind, start=pos, end=pos + len(block.text), page=block.page, bbox=block.bbox)
        )
        if has_boxes:
            boxes.extend(block.char_boxes or [None] * len(block.text))
        pos += len(block.text)

    def first(kind: BlockKind) -> str | None:
        return next((b.text for b in ordered if b.kind == kind), None)

    return Article(
        seq=seq,
        headline=first(BlockKind.headline),
        sections=[b.text for b in ordered if b.kind == BlockKind.section],
        lead=first(BlockKind.lead),
        caption=first(BlockKind.caption),
        paragraphs=[b.text for b in ordered if b.kind == BlockKind.body],
        source_outlet=source_outlet,
        byline=first(BlockKind.byline),
        page=min((b.page for b in ordered), default=1),
        text="".join(pieces),
        parts=parts,
        char_boxes=boxes if has_boxes else None,
    )
