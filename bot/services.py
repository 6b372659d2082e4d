"""Wiring: the policy, store, knowledge base and engine that every adapter shares.

Below the commands this is the one module that reads `Settings`: everything else is handed the
parts it needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.conversation import Engine
    from bot.conversation.service import ConversationService
    from bot.guidance import ReconnectingGuidance
    from bot.store import Store
    from knowledge import KnowledgeBase
    from scoring import Policy, PriceCatalog

# The store, the engine and the index are imported where they are opened: `ask` needs only the
# index, `prune` only the store.

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SlackConfig:
    """How to reach Slack and verify its requests."""

    bot_token: SecretStr | None
    signing_secret: SecretStr | None
    """None in Socket Mode, where requests arrive over the app token's socket instead."""
    app_token: SecretStr | None
    api_url: str

    @classmethod
    def of(cls, settings: Settings) -> SlackConfig:
        return cls(bot_token=settings.slack_bot_token, signing_secret=settings.slack_signing_secret,
                   app_token=settings.slack_app_token, api_url=settings.slack_api_url)


@dataclass
class Services:
    policy: Policy
    prices: PriceCatalog
    store: Store
    knowledge: ReconnectingGuidance
    """The guidance index; while it is unreachable, advice is given without sources."""
    engine: Engine
    conversations: ConversationService
    slack: SlackConfig
    lease: timedelta = timedelta(seconds=60)
    """How long a replica holds a conversation while answering it (see `DeliveryLoop`)."""


def store_url(settings: Settings) -> str:
    """`DATABASE_URL` when set, else the SQLite file under the data directory."""
    return settings.database_url or f"sqlite:///{settings.sqlite_path}"


def open_store(settings: Settings) -> Store:
    """The configured database, migrated; raises StoreUnavailable with a clear message."""
    from bot.store import Store

    store = Store(store_url(settings))
    try:
        store.migrate()
    except BaseException:
        store.close()  # nothing else holds it to close later
        raise
    return store


def open_knowledge(settings: Settings) -> KnowledgeBase:
    """The configured knowledge base, as it is (possibly empty); raises IndexUnavailable when it
    is out of reach."""
    from knowledge import KnowledgeBase, MiniLMEmbedder

    return KnowledgeBase.open(settings.index_dir, settings.chroma_url, settings.guide_folders,
                              embedder=MiniLMEmbedder(cache_dir=settings.encoder_dir))


def guidance(settings: Settings, progress: Progress | None = None,
             initial: KnowledgeBase | None = None) -> ReconnectingGuidance:
    """The guidance, opened (and built on first use) now if possible and reopened later if not."""
    from bot.guidance import ReconnectingGuidance

    def opener() -> KnowledgeBase:
        kb = open_knowledge(settings)
        kb.ensure_built(progress)
        return kb

    if initial is not None:
        return ReconnectingGuidance(opener, initial=initial)
    try:
        return ReconnectingGuidance(opener, initial=opener())
    except Exception as exc:  # start without sources whatever went wrong; they come back later
        log.warning("guidance index unavailable: %s", exc)
        return ReconnectingGuidance(opener, problem=str(exc))


def build_engine(settings: Settings, policy: Policy, prices: PriceCatalog,
                 kb: ReconnectingGuidance | None) -> Engine:
    """The conversation engine every adapter runs, with the LLM fallback extractor when one is
    configured."""
    from bot.conversation import Engine

    extractor = None
    if settings.llm_model:
        from bot.extraction import extract
        from bot.llm_fallback import load_fallback

        extractor = load_fallback(settings.llm_model, partial(extract, catalog=prices, policy=policy))
    return Engine(policy, kb, index_version=(lambda: kb.version) if kb is not None else None,
                  prices=prices, **({"extractor": extractor} if extractor is not None else {}))


def build_services(settings: Settings, knowledge: KnowledgeBase | None = None,
                   progress: Progress | None = None, prices: PriceCatalog | None = None) -> Services:
    """Everything an adapter needs, pricing from `prices` (by default the installed catalog).
    Raises PolicyError or StoreUnavailable with clear messages."""
    from bot.conversation.service import ConversationService
    from bot.prices import load_catalog
    from scoring import load_policy

    policy = load_policy(settings.policy_file)
    prices = prices or load_catalog(policy, settings.prices_dir)
    store = open_store(settings)
    kb = guidance(settings, progress, knowledge)
    engine = build_engine(settings, policy, prices, kb)
    return Services(policy=policy, prices=prices, store=store, knowledge=kb, engine=engine,
                    conversations=ConversationService(engine, store.conversations),
                    slack=SlackConfig.of(settings), lease=timedelta(seconds=settings.lease_seconds))
