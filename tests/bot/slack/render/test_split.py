from __future__ import annotations

import re

from bot.conversation import Advice, Reply
from bot.render.advice_rows import advice_rows
from bot.slack import ids
from bot.slack.render import advice_messages, reply_messages
from bot.slack.render.blocks import split_line, text_sections
from tests.helpers.render import (
    CITATION,
    KEY,
    FakeGuidance,
    SlackApi,
    buttons,
    portfolio_advice,
    texts,
)

FILLER = ("This rationale goes on at length about throughput, utilisation, staffing and risk, "
          "so that the message has to be split. ")


def huge_advice() -> Advice:
    """Forty sources with 2,500-character passages and factor rationales of ~2,000 characters."""
    advice = portfolio_advice(12, FakeGuidance(text_chars=2500, title="A rather long guide title"))
    assert len(advice.sources) >= 40, len(advice.sources)
    factors = [f.model_copy(update={"rationale": f.rationale + " " + FILLER * 18})
               for f in advice.factors]
    return advice.model_copy(update={"factors": factors, "sources": advice.sources[:40]})


def test_advice_messages_huge_advice_splits_into_valid_messages(slack_api: SlackApi) -> None:
    messages = advice_messages(huge_advice(), KEY)
    assert len(messages) > 1
    slack_api.post(messages)
    assert messages[0].blocks[0]["type"] == "header"
    for number, message in enumerate(messages[1:], start=2):
        assert f"part {number} of {len(messages)}" in message.text
        assert message.blocks[0]["type"] == "context"


def test_advice_messages_huge_advice_keeps_buttons_on_last_message_only() -> None:
    messages = advice_messages(huge_advice(), KEY)
    assert all(not buttons(m.blocks) for m in messages[:-1])
    assert [b["action_id"] for b in buttons(messages[-1].blocks)] == [
        ids.PIN_DECISION, ids.WHAT_IF, ids.START_OVER]


def test_advice_messages_huge_advice_never_splits_a_citation() -> None:
    advice = huge_advice()
    messages = advice_messages(advice, KEY)
    sections = [t for m in messages for t in texts(m.blocks)]
    for text in sections:
        assert not re.search(r"\[\d*$", text) and not re.match(r"^\d*\]", text), text[-40:]
    listed = [int(n) for text in sections for n in re.findall(r"^\[(\d+)\] \*", text, re.M)]
    assert listed == list(range(1, 41))
    for factor in advice_rows(advice).factors:
        assert factor.citation is not None
        line = f"*{factor.label}*: {factor.value} — {factor.rationale} [{factor.citation}]"
        assert any(line in text for text in sections), line[:60]


def test_reply_messages_long_plain_reply_splits_on_line_boundaries(slack_api: SlackApi) -> None:
    lines = [f"Line {i}: " + "word " * 60 + f"[{i}]" for i in range(200)]
    messages = reply_messages(Reply(kind="status", text="\n".join(lines)), KEY)
    assert len(messages) > 1
    slack_api.post(messages)
    joined = "\n".join(t for m in messages for t in texts(m.blocks) if not t.startswith("_Continued"))
    assert [int(n) for n in CITATION.findall(joined)] == list(range(200))


def test_split_line_cuts_between_words_and_never_inside_a_marker() -> None:
    assert split_line("a" * 2998 + "[12]", 3000) == ["a" * 2998, "[12]"]
    assert split_line("a" * 2990 + "[12]" + "b" * 10, 3000) == ["a" * 2990 + "[12]" + "b" * 6, "b" * 4]
    assert split_line("a" * 2997 + "&amp;", 3000) == ["a" * 2997, "&amp;"]
    words = split_line("word " * 1000 + "[7]", 3000)
    assert all(len(p) <= 3000 for p in words) and words[-1].endswith("[7]")


def test_text_sections_drop_blank_lines_only_sections() -> None:
    assert text_sections(["", "  "]) == []
    assert len(text_sections(["x" * 2000, "y" * 2000])) == 2
