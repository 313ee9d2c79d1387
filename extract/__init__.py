"""The bulletin-facts pipeline: read -> reflow -> segment -> facts -> store -> check -> export.

Each stage is a module of plain functions over the models in `schemas`.
"""

EXTRACTOR_VERSION = "0.1.0"
"""Bump when extraction output changes: documents stored by another version are re-extracted."""
