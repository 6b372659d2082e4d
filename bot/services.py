"""Wiring: the policy, store, knowledge base and engine that every adapter shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.conversation import Engine
from bot.conversation.service import ConversationService
from bot.guidance import ReconnectingGuidance
from bot.settings import Settings
from bot.store import Store
from scoring import Policy, load_policy

if TYPE_CHECKING:
    from knowledge import KnowledgeBase

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass
class Services:
    settings: Settings
    policy: Policy
    store: Store
    knowledge: ReconnectingGuidance
    """The guidance index; while it is unreachable, advice is given without sources."""
    engine: Engine
    conversations: ConversationService


def store_url(settings: Settings) -> str:
    """`DATABASE_URL` when set, else the SQLite file under the data directory."""
    return settings.database_url or f"sqlite:///{settings.sqlite_path}"


def open_knowledge(settings: Settings, progress: Progress | None = None) -> KnowledgeBase:
    """The knowledge base, built on first use; raises IndexUnavailable when out of reach."""
    from knowledge import KnowledgeBase, MiniLMEmbedder

    kb = KnowledgeBase.open(settings.index_dir, settings.chroma_url, settings.guide_folders,
                            embedder=MiniLMEmbedder(cache_dir=settings.encoder_dir))
    kb.ensure_built(progress)
    return kb


def guidance(settings: Settings, progress: Progress | None = None,
             initial: KnowledgeBase | None = None) -> ReconnectingGuidance:
    """The guidance, opened now if possible and reopened later if not."""
    def opener() -> KnowledgeBase:
        return open_knowledge(settings, progress)

    if initial is not None:
        return ReconnectingGuidance(opener, initial=initial)
    try:
        return ReconnectingGuidance(opener, initial=opener())
    except Exception as exc:
        log.warning("guidance index unavailable: %s", exc)
        return ReconnectingGuidance(opener, problem=str(exc))


def build_services(settings: Settings, knowledge: KnowledgeBase | None = None,
                   progress: Progress | None = None) -> Services:
    """Everything an adapter needs. Raises PolicyError or StoreUnavailable with clear messages."""
    policy = load_policy(settings.policy_file)
    store = Store(store_url(settings))
    store.migrate()
    kb = guidance(settings, progress, knowledge)
    extractor = None
    if settings.llm_model:
        from bot.llm_fallback import load_fallback

        extractor = load_fallback(settings.llm_model)
    engine = Engine(policy, kb, index_version=lambda: kb.version,
                    **({"extractor": extractor} if extractor is not None else {}))
    return Services(settings=settings, policy=policy, store=store, knowledge=kb, engine=engine,
                    conversations=ConversationService(engine, store.conversations))
