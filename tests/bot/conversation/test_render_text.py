from __future__ import annotations

from bot.conversation import Engine, Reply
from bot.render.conversation_text import render_reply
from knowledge import KnowledgeBase
from scoring import load_policy
from tests.helpers.dialogue import Dialogue, advice_of


def test_render_advice_shows_factors_cost_flips_and_numbered_sources(guide_kb: KnowledgeBase) -> None:
    dialogue = Dialogue(Engine(load_policy(), guide_kb))
    replies = dialogue.say("public data, generic email summaries, 60M tokens a month, "
                           "one data scientist, chat UI")
    text = render_reply(advice_of(replies))
    assert text.startswith("Recommendation: ")
    assert "Why (positive favours self-hosting):" in text
    # Unrestricted data, a general task: 70B on two H100 against claude-sonnet-4-5 at $6.60 per 1M.
    assert "Cost: API (claude-sonnet-4-5) $" in text and "self-hosted 70B open model in FP8" in text
    assert "Computed break-even: 2.6B tokens/month; the framework's rule of thumb is 50M" in text
    assert "What would change it:" in text and "tokens/month" in text
    assert "Sources:\n  [1] " in text
    assert "[1]" in text.split("Sources:")[0], "claims carry their citation numbers"


def test_render_question_numbers_quick_answers() -> None:
    dialogue = Dialogue(Engine(load_policy(), None))
    question = dialogue.say("hi")[-1]
    assert render_reply(question).endswith(
        "[1] Must stay in-house  [2] Approved vendors only  [3] Anywhere, not sensitive")


def test_render_plain_reply_is_its_text() -> None:
    assert render_reply(Reply(kind="notice", text="Hello")) == "Hello"
