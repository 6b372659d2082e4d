from __future__ import annotations

from bot.conversation import Advice
from bot.render.titles import UNTITLED, decision_title
from bot.slack.render.views import decision_line
from tests.helpers.render import record_for


def test_a_named_decision_keeps_its_title_and_an_untitled_one_is_described(advice: Advice) -> None:
    named = record_for(advice, title="Email summaries")
    assert decision_title(named) == "Email summaries"
    assert decision_line(named).startswith("*Email summaries*\nProprietary model via API · 2026-03-04 ·")
    for stored in (UNTITLED, " "):
        untitled = record_for(advice, title=stored)
        untitled = untitled.model_copy(update={"facts": untitled.facts.model_copy(update={"name": None})})
        described = decision_title(untitled, dated=False)
        assert described.startswith("60M tokens/month") and UNTITLED not in described
        assert decision_title(untitled) == f"{described} (2026-03-04)"
        line = decision_line(untitled)
        assert line.startswith(f"*{described} (2026-03-04)*\n") and line.count("2026-03-04") == 1
