"""Wiring: the policy, store, knowledge base and engine that every adapter shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.conversation import Engine
from bot.conversation.service import ConversationService
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
    knowledge: KnowledgeBase | None
    """None when the index could not be opened; advice is then given without sources."""
    knowledge_problem: str
    engine: Engine
    conversations: ConversationService


def open_knowledge(settings: Settings, progress: Progress | None = None
                   ) -> tuple[KnowledgeBase | None, str]:
    """The knowledge base, built on first use, or None and the reason it is unavailable."""
    from knowledge import IndexUnavailable, KnowledgeBase

    try:
        kb = KnowledgeBase.open(settings.index_dir, settings.chroma_url, settings.guide_folders)
        kb.ensure_built(progress)
        return kb, ""
    except IndexUnavailable as exc:
        log.warning("guidance index unavailable: %s", exc)
        return None, str(exc)


def build_services(settings: Settings, knowledge: KnowledgeBase | None = None,
                   with_knowledge: bool = True, progress: Progress | None = None) -> Services:
    """Everything an adapter needs. Raises PolicyError or StoreUnavailable with clear messages."""
    policy = load_policy(settings.policy_file)
    store = Store.from_settings(settings)
    store.migrate()
    problem = ""
    if knowledge is None and with_knowledge:
        knowledge, problem = open_knowledge(settings, progress)
    kb = knowledge
    extractor = None
    if settings.llm_model:
        from bot.llm_fallback import load_fallback

        extractor = load_fallback(settings.llm_model)
    engine = Engine(policy, kb, index_version=(lambda: kb.version) if kb is not None else None,
                    **({"extractor": extractor} if extractor is not None else {}))
    return Services(settings=settings, policy=policy, store=store, knowledge=kb,
                    knowledge_problem=problem, engine=engine,
                    conversations=ConversationService(engine, store))
