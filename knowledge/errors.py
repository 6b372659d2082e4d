"""The errors knowledge raises on purpose, under one base class; each message says what to do."""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base class of the guidance index's own errors."""


class IndexUnavailable(KnowledgeError):
    """The index cannot be opened or reached; the message says where and what to do."""


class DocumentError(KnowledgeError):
    """A document that cannot be read or parsed; the message names the file."""


class EvalSetError(KnowledgeError):
    """A labelled question set that cannot be read; the message names the file."""
