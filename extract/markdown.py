"""Markdown bulletins (`.md`) read as the plain text a person would copy from them.

markdown-it-py (already installed with rich) parses the file; headings, paragraphs, list
items and quotes become lines of plain text separated by blank lines, emphasis, link and image
syntax disappear, and line breaks inside a paragraph are kept so that reflow joins them like
any copied text. The result then goes through the same reflow and segmentation as a `.txt`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

HTML_TAG = re.compile(r"<[^>]+>")
TEXT_CHILDREN = {"text", "code_inline", "html_inline"}
BREAKS = {"softbreak", "hardbreak"}


def markdown_to_text(text: str) -> str:
    """The text of a Markdown document, one block per paragraph, markup removed."""
    blocks: list[str] = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
        elif token.type == "html_block":
            blocks.append(HTML_TAG.sub("", token.content).strip())
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in TEXT_CHILDREN:
            parts.append(HTML_TAG.sub("", child.content) if child.type == "html_inline" else child.content)
        elif child.type in BREAKS:
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)
