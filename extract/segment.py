"""Stage 3: a page's blocks become articles.

`assemble` is shared by the text path (blocks grouped by `segment_blocks`) and the PDF path
(blocks grouped by geometry in `extract.layout`).

Grouping works on the reading order alone. A *body run* is a sequence of body paragraphs
and section headings; a source line (`（据XXX）`) ends it, a headline interrupts it. Runs
ended by a source line are articles. Headlines, captions and lone paragraphs that stand
outside the runs are *displaced* parts: each goes to the article whose body shares the
most distinctive names with it (places, organisations), measured without a gazetteer as
an IDF-weighted overlap of character n-grams; nearness in the page breaks ties.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from schemas import Article, ArticlePart, Block, BlockKind, Page

PART_ORDER = {
    BlockKind.headline: 0,
    BlockKind.lead: 1,
    BlockKind.dateline: 1,
    BlockKind.byline: 1,
}
TAIL_KINDS = (BlockKind.caption, BlockKind.source)

HEADER_KINDS = (BlockKind.dateline, BlockKind.byline)
RUN_KINDS = {BlockKind.body, BlockKind.section, BlockKind.lead, BlockKind.byline, BlockKind.dateline}
NGRAM_SIZES = range(2, 6)
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
PROXIMITY_WEIGHT = 1e-3
"""Nearness only breaks ties between equally named candidates."""
AFTER_PENALTY = 0.5
"""A displaced part before its body is a little likelier than after it, at equal distance."""
PLACE_WEIGHT = 2.0
"""The place a `地名：` headline opens with names its article; it counts this much extra."""
HEADLINE_PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,12})\s*[：:]")
EXHAUSTIVE_LIMIT = 5040
"""Most pairings tried exhaustively (7 headlines for 7 articles); greedy beyond."""
MIN_SHARED_GRAMS = 3
"""A lone paragraph is a lead only if it shares at least a three-character name (3 n-grams)."""

SOURCE_OUTLET = re.compile(
    r"^[（(]\s*(?:据|来源\s*[：:]|稿件来源\s*[：:]|信息来源\s*[：:]|转自|摘自|转载自)"
    r"\s*(?P<outlet>[^（）()]{1,40}?)\s*(?:报道|消息)?\s*[）)]$"
)

META_SOURCE = re.compile(
    r"来源\s*[：:｜|丨]\s*(?P<outlet>[^\s\u3000：:｜|丨（）()【】\[\]\d]{2,30}?)"
    r"(?=[\s\u3000｜|丨【\[\d]|浏览|阅读|作者|编辑|点击|字号|$)"
)
"""A `来源` field among others: the outlet ends where the next field, a date or a page
number begins (`来源：河北日报2024年05月16日第06版`, `来源：民政部网站【字体：大中小】`)."""
TITLE_MARKS = "《》〈〉「」『』"


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


def source_outlet_of(text: str) -> str | None:
    """`（据宁夏新闻网）` -> `宁夏新闻网`; `（来源：XX日报）` -> `XX日报`; else None."""
    match = SOURCE_OUTLET.match(text.strip())
    return clean_outlet(match["outlet"]) if match else None


def meta_outlet_of(text: str) -> str | None:
    """`发布时间：… 来源：长春日报 浏览量 987` -> `长春日报` (a web page's header fields)."""
    match = META_SOURCE.search(text)
    return clean_outlet(match["outlet"]) if match else None


def clean_outlet(outlet: str) -> str | None:
    """An outlet's name without the title marks around a newspaper's (`《新华日报》` -> `新华日报`)."""
    return outlet.strip().strip(TITLE_MARKS).strip() or None


def outlet_of_group(group: list[Block]) -> str | None:
    """The source line's outlet (`（据XX）` or a `来源｜XX` footer), else the `来源：` field of a
    dateline or byline header."""
    for block in group:
        if block.kind == BlockKind.source and (outlet := source_outlet_of(block.text) or meta_outlet_of(block.text)):
            return outlet
    for block in group:
        if block.kind in (BlockKind.dateline, BlockKind.byline) and (outlet := meta_outlet_of(block.text)):
            return outlet
    return None


def segment(page_or_blocks: Page | list[Block], start_seq: int = 0) -> list[Article]:
    """Split a page (reflowed here when it has no blocks yet) or a block list into articles."""
    if isinstance(page_or_blocks, Page):
        if page_or_blocks.blocks is not None:
            blocks = page_or_blocks.blocks
        else:
            from extract.reflow import reflow

            blocks = reflow(page_or_blocks)
    else:
        blocks = page_or_blocks
    articles = []
    for group in segment_blocks(blocks):
        articles.append(assemble(start_seq + len(articles), group, outlet_of_group(group)))
    return articles


# --- grouping ---------------------------------------------------------------------------


@dataclass
class Run:
    """Consecutive body paragraphs and section headings, with the source line that ended them."""

    members: list[int] = field(default_factory=list)
    source: int | None = None

    @property
    def start(self) -> int:
        return self.members[0] if self.members else (self.source or 0)

    @property
    def end(self) -> int:
        return self.source if self.source is not None else self.members[-1]


@dataclass
class Group:
    """An article being put together: its run plus the displaced parts it receives."""

    run: Run
    headline: int | None = None
    lead: int | None = None
    captions: list[int] = field(default_factory=list)


def segment_blocks(blocks: list[Block]) -> list[list[Block]]:
    """Group blocks into articles (reading order); each group is ready for `assemble`.

    Noise blocks are dropped; every other block ends up in exactly one group.
    """
    blocks = [b for b in blocks if b.kind != BlockKind.noise]
    runs, headlines, captions = split_runs(blocks)
    if not runs and not headlines and not captions:
        return []
    groups, lone = initial_groups(blocks, runs)
    attach_leads(blocks, groups, lone)
    leftovers = attach_headlines(blocks, groups, headlines)
    attach_captions(blocks, groups, captions)
    promote_opening_sections(blocks, groups)
    mark_opening_leads(blocks, groups)
    for index in leftovers:
        groups.append(Group(run=Run(members=[]), headline=index))
    if not groups:
        groups = [Group(run=Run(members=[]))]
        groups[0].captions = captions
    groups.sort(key=group_position)
    return [materialise(blocks, g) for g in groups]


def split_runs(blocks: list[Block]) -> tuple[list[Run], list[int], list[int]]:
    """Body runs in order, and the indices of headlines and captions standing outside them."""
    runs: list[Run] = []
    headlines: list[int] = []
    captions: list[int] = []
    current = Run()
    for index, block in enumerate(blocks):
        if block.kind in RUN_KINDS:
            current.members.append(index)
        elif block.kind == BlockKind.source:
            if current.members or not runs or runs[-1].source is not None:
                current.source = index
                runs.append(current)
            else:
                runs[-1].source = index
            current = Run()
        elif block.kind == BlockKind.headline:
            if has_text(blocks, current):
                runs.append(current)
                current = Run()
            headlines.append(index)
        elif block.kind == BlockKind.caption:
            captions.append(index)
    if has_text(blocks, current):
        runs.append(current)
    elif current.members and runs:
        runs[-1].members.extend(current.members)
    return runs, headlines, captions


def has_text(blocks: list[Block], run: Run) -> bool:
    """A run with a paragraph or heading; a dateline or byline alone waits for the next one."""
    return any(blocks[i].kind in (BlockKind.body, BlockKind.section, BlockKind.lead) for i in run.members)


def initial_groups(blocks: list[Block], runs: list[Run]) -> tuple[list[Group], list[Run]]:
    """Runs that are articles for sure, and lone one-paragraph runs that may be leads.

    A run ended by a source line is an article; so is a run of several paragraphs or one
    with a section heading. With no such article on the page every run is an article.
    """
    groups: list[Group] = []
    lone: list[Run] = []
    for run in runs:
        paragraphs = [i for i in run.members if blocks[i].kind in (BlockKind.body, BlockKind.lead)]
        is_lone = run.source is None and len(paragraphs) == 1 and len(run.members) == 1
        (lone if is_lone else groups).append(run if is_lone else Group(run=run))
    if not groups:
        groups = [Group(run=run) for run in lone]
        lone = []
    return groups, lone


def attach_leads(blocks: list[Block], groups: list[Group], lone: list[Run]) -> None:
    """A lone paragraph that shares names with one article is its lead, else an article."""
    weights = gram_weights([group_text(blocks, g) for g in groups])
    minimum = MIN_SHARED_GRAMS * (math.log(len(groups)) if len(groups) > 1 else 1.0)
    for run in lone:
        index = run.members[0]
        scored = [
            (score(blocks[index].text, group_text(blocks, g), weights), g)
            for g in groups
            if g.lead is None
        ]
        scored.sort(key=lambda pair: pair[0] - PROXIMITY_WEIGHT * distance(index, pair[1].run), reverse=True)
        if scored and scored[0][0] >= max(minimum, 1e-9) and unique_best(scored):
            scored[0][1].lead = index
        else:
            groups.append(Group(run=run))


def attach_headlines(blocks: list[Block], groups: list[Group], headlines: list[int]) -> list[int]:
    """Give each article at most one displaced headline, maximising the total name match.

    Returns the headlines no article took (more headlines than articles).
    """
    texts = [group_text(blocks, g) for g in groups]
    weights = gram_weights(texts)
    table = {
        (h, n): headline_score(blocks[h].text, texts[n], weights)
        - PROXIMITY_WEIGHT * distance(h, group.run)
        for h in headlines
        for n, group in enumerate(groups)
    }
    free = [n for n, g in enumerate(groups) if g.headline is None]
    for h, n in best_matching(headlines, free, table):
        groups[n].headline = h
    taken = {g.headline for g in groups}
    return [h for h in headlines if h not in taken]


def headline_score(text: str, target: str, weights: dict[str, float]) -> float:
    """Name overlap, with the place a `地名：` headline opens with counted again."""
    value = score(text, target, weights)
    place = HEADLINE_PLACE.match(text)
    if place:
        value += PLACE_WEIGHT * score(place["place"], target, weights)
    return value


def best_matching(
    left: list[int], right: list[int], table: dict[tuple[int, int], float]
) -> list[tuple[int, int]]:
    """One-to-one pairs of `left` and `right` with the highest total score.

    Exhaustive for the handful of headlines and articles a page holds; greedy beyond that.
    """
    if not left or not right:
        return []
    if math.perm(max(len(left), len(right)), min(len(left), len(right))) > EXHAUSTIVE_LIMIT:
        return greedy_matching(left, right, table)
    best: tuple[float, list[tuple[int, int]]] = (-math.inf, [])
    if len(left) <= len(right):
        for chosen in itertools.permutations(right, len(left)):
            pairs = list(zip(left, chosen, strict=True))
            best = max(best, (sum(table[p] for p in pairs), pairs), key=lambda b: b[0])
    else:
        for chosen in itertools.permutations(left, len(right)):
            pairs = list(zip(chosen, right, strict=True))
            best = max(best, (sum(table[p] for p in pairs), pairs), key=lambda b: b[0])
    return best[1]


def greedy_matching(
    left: list[int], right: list[int], table: dict[tuple[int, int], float]
) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used_left: set[int] = set()
    used_right: set[int] = set()
    for (a, b), _ in sorted(table.items(), key=lambda item: item[1], reverse=True):
        if a in left and b in right and a not in used_left and b not in used_right:
            pairs.append((a, b))
            used_left.add(a)
            used_right.add(b)
    return pairs


def attach_captions(blocks: list[Block], groups: list[Group], captions: list[int]) -> None:
    """Each caption goes to the article it shares the most names with, else the nearest one."""
    if not groups:
        return
    texts = [group_text(blocks, g) for g in groups]
    weights = gram_weights(texts)
    for c in captions:
        best = max(
            range(len(groups)),
            key=lambda n: score(blocks[c].text, texts[n], weights)
            - PROXIMITY_WEIGHT * distance(c, groups[n].run),
        )
        groups[best].captions.append(c)


def promote_opening_sections(blocks: list[Block], groups: list[Group]) -> None:
    """An article with no headline that opens with a heading (after any dateline or byline, such
    as a page's date) has that heading as headline."""
    for group in groups:
        members = group.run.members
        opening = next((i for i in members if blocks[i].kind not in HEADER_KINDS), None)
        if group.headline is None and opening is not None and blocks[opening].kind == BlockKind.section:
            group.headline = opening
            members.remove(opening)


def mark_opening_leads(blocks: list[Block], groups: list[Group]) -> None:
    """In an article with section headings, the paragraph before the first heading is the lead,
    unless it announces the headings that follow."""
    for group in groups:
        members = group.run.members
        kinds = [blocks[i].kind for i in members]
        if group.lead is not None or BlockKind.section not in kinds:
            continue
        first_body = next((n for n, k in enumerate(kinds) if k == BlockKind.body), None)
        if first_body is None or first_body > kinds.index(BlockKind.section):
            continue
        if not announces_list(blocks[members[first_body]].text):
            group.lead = members.pop(first_body)


ANNOUNCING_END = re.compile(r"(?:[：:]|(?:如下|以下|如后)[。：:]?)[”’」』]?$")
"""How a preamble hands over to the parts after it: a colon, or an official document's
`现将有关情况总结如下。` / `报告如下：`."""


def announces_list(text: str) -> bool:
    """A paragraph that introduces the numbered parts after it (`现将有关情况公告如下：`,
    `现将上半年工作总结如下。`): a notice's or a report's preamble, not a lead that sums the
    article up."""
    return bool(ANNOUNCING_END.search(text.rstrip()))


def materialise(blocks: list[Block], group: Group) -> list[Block]:
    """The group's blocks with their final kinds, in the order `assemble` expects."""
    out: list[Block] = []
    if group.headline is not None:
        out.append(with_kind(blocks[group.headline], BlockKind.headline))
    if group.lead is not None:
        out.append(with_kind(blocks[group.lead], BlockKind.lead))
    out.extend(blocks[i] for i in group.run.members)
    out.extend(with_kind(blocks[i], BlockKind.caption) for i in group.captions)
    if group.run.source is not None:
        out.append(blocks[group.run.source])
    return out


def with_kind(block: Block, kind: BlockKind) -> Block:
    return block if block.kind == kind else block.model_copy(update={"kind": kind})


def group_position(group: Group) -> int:
    """Where the article stands on the page: its body, else its first displaced part."""
    if group.run.members or group.run.source is not None:
        return group.run.start
    candidates = [i for i in (group.headline, group.lead, *group.captions) if i is not None]
    return min(candidates, default=0)


def group_text(blocks: list[Block], group: Group) -> str:
    """The text an article is recognised by: its body run and the lead it already has."""
    indices = list(group.run.members)
    if group.lead is not None:
        indices.append(group.lead)
    return "\n".join(blocks[i].text for i in indices)


def distance(index: int, run: Run) -> float:
    """Blocks between a displaced part and a run; parts after their body count a bit farther."""
    if index < run.start:
        return run.start - index
    return max(0, index - run.end) + AFTER_PENALTY


def unique_best(scored: list[tuple[float, Group]]) -> bool:
    return len(scored) == 1 or scored[0][0] > scored[1][0]


# --- name overlap -----------------------------------------------------------------------


def grams(text: str) -> set[str]:
    """Character n-grams (2-5) of the hanzi runs of `text`."""
    found: set[str] = set()
    for run in CJK_RUN.findall(text):
        for n in NGRAM_SIZES:
            found.update(run[i : i + n] for i in range(len(run) - n + 1))
    return found


def gram_weights(texts: list[str]) -> dict[str, float]:
    """IDF of each n-gram over the article texts: names found in one article weigh most.

    With one article there is nothing to tell apart and every n-gram weighs 1.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(grams(text))
    total = len(texts)
    if total <= 1:
        return dict.fromkeys(counts, 1.0)
    return {gram: math.log(total / df) for gram, df in counts.items() if df < total}


def score(text: str, target: str, weights: dict[str, float]) -> float:
    """Sum of the weights of the n-grams `text` shares with `target`."""
    shared = grams(text) & grams(target)
    return sum(weights.get(gram, 0.0) for gram in shared)
