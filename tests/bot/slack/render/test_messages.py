from __future__ import annotations

from bot.conversation import Advice, Engine, QuickAnswer, Reply
from bot.render.advice_rows import advice_rows
from bot.slack import ids
from bot.slack.render import advice_messages, reply_messages
from scoring import load_policy
from tests.helpers.render import (
    CITATION,
    DESCRIPTION,
    KEY,
    FakeGuidance,
    SlackApi,
    advice_from,
    buttons,
    portfolio_advice,
    say,
    texts,
)


def test_advice_messages_show_header_factors_cost_sources_and_buttons(advice: Advice,
                                                                      slack_api: SlackApi) -> None:
    messages = advice_messages(advice, KEY)
    slack_api.post(messages)
    assert len(messages) == 1
    blocks = messages[0].blocks
    rows = advice_rows(advice)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": rows.headline,
                                                    "emoji": True}}
    body = "\n".join(texts(blocks))
    assert f"policy llm-advisor default {advice.result.policy.version}" in body
    assert advice.result.policy.fingerprint in body
    top = rows.factors[0]
    assert f"{top.contribution:+.2f} *{top.label}*: {top.value} — {top.rationale} [{top.citation}]" \
        in body
    assert "API (claude-sonnet-4-5) $" in body and "Assumptions: " in body
    assert "Computed break-even: " in body
    assert "*What would change it*" in body and "→" in body
    assert "*Sources*\n[1] *Guide 1* › Section 1 — “Passage 1 about" in body
    assert [(b["action_id"], b["value"], b.get("style")) for b in buttons(blocks)] == [
        (ids.PIN_DECISION, KEY, "primary"), (ids.WHAT_IF, KEY, None), (ids.START_OVER, KEY, None)]
    assert messages[0].text == f"Recommendation: {rows.headline}"


def test_advice_messages_every_citation_has_a_numbered_source(advice: Advice) -> None:
    body = "\n".join(texts(advice_messages(advice, KEY)[0].blocks))
    claims, sources = body.split("*Sources*")
    cited = {int(n) for n in CITATION.findall(claims)}
    assert cited and cited == {s.number for s in advice.sources}
    assert all(f"[{n}] *Guide" in sources for n in cited)


def test_advice_messages_what_if_has_no_pin_button_and_says_hypothetical(engine: Engine,
                                                                          slack_api: SlackApi) -> None:
    advice = advice_from(say(engine, DESCRIPTION, "what if 500M tokens a month"))
    assert advice.what_if
    messages = advice_messages(advice, KEY)
    slack_api.post(messages)
    assert [b["action_id"] for b in buttons(messages[-1].blocks)] == [ids.WHAT_IF, ids.START_OVER]
    body = "\n".join(texts(messages[0].blocks))
    assert f"{advice_rows(advice).what_if}: hypothetical, your facts are unchanged" in body


def test_advice_messages_without_guidance_say_so(slack_api: SlackApi) -> None:
    advice = advice_from(say(Engine(load_policy(), None), DESCRIPTION))
    messages = advice_messages(advice, KEY)
    slack_api.post(messages)
    body = "\n".join(texts(messages[0].blocks))
    assert "Given without sources: the guidance index is unavailable" in body
    assert "*Sources*" not in body and not CITATION.search(body)


def test_advice_messages_portfolio_lists_use_cases(engine: Engine, slack_api: SlackApi) -> None:
    replies = say(engine, DESCRIPTION, "add use case claims coding",
                  "patient data in house, niche, 3B tokens a month, strong ML team, batch")
    advice = advice_from(replies)
    assert advice.result.kind == "portfolio"
    messages = advice_messages(advice, KEY)
    slack_api.post(messages)
    body = "\n".join(texts(messages[0].blocks))
    assert "*Use cases*" in body
    for case in advice.result.use_cases:
        assert f"• *{case.name}*: " in body
    assert "*Hard constraints*" in body


def test_reply_messages_question_has_one_button_per_quick_answer(engine: Engine, slack_api: SlackApi) -> None:
    question = say(engine, "hi there, we have an LLM idea")[-1]
    assert question.kind == "question" and question.quick_answers
    messages = reply_messages(question, KEY)
    slack_api.post(messages)
    assert question.text in texts(messages[0].blocks)[0]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons(messages[0].blocks)] == [
        (f"{ids.QUICK_ANSWER}:{i}", q.value, q.label) for i, q in enumerate(question.quick_answers)]


def test_reply_messages_question_long_labels_and_many_answers_fit(slack_api: SlackApi) -> None:
    answers = [QuickAnswer(label=f"Option {i} " + "very long label " * 10, value=f"set x {i}")
               for i in range(30)]
    messages = reply_messages(Reply(kind="question", text="Pick one", quick_answers=answers), KEY)
    slack_api.post(messages)
    found = buttons(messages[0].blocks)
    assert len(found) == 30 and all(len(b["text"]["text"]) <= 75 for b in found)
    assert found[29]["action_id"] == f"{ids.QUICK_ANSWER}:29"


def test_reply_messages_answer_lists_numbered_sources(slack_api: SlackApi) -> None:
    engine = Engine(load_policy(), FakeGuidance())
    answer = next(r for r in say(engine, "why does latency matter?") if r.kind == "answer")
    messages = reply_messages(answer, KEY)
    slack_api.post(messages)
    body = "\n".join(texts(messages[0].blocks))
    assert body.startswith("Latency matters for chat [1]; volume sets cost [2].")
    assert "*Sources*\n[1] *Guide 1* › Section 1\n[2] *Guide 2* › Section 2" in body


def test_reply_messages_other_kinds_are_escaped_sections(slack_api: SlackApi) -> None:
    reply = Reply(kind="notice", text="Noted: <script> & co <!channel>")
    messages = reply_messages(reply, KEY)
    slack_api.post(messages)
    assert messages[0].blocks == [{"type": "section", "text": {
        "type": "mrkdwn", "text": "Noted: &lt;script&gt; &amp; co &lt;!channel&gt;"}}]
    assert "<" not in messages[0].text


def test_reply_messages_every_engine_reply_fits(engine: Engine, slack_api: SlackApi) -> None:
    replies = say(engine, "hi", DESCRIPTION, "status", "help", "what if latency is critical",
                  "why does latency matter?", "restart", "   ", "x" * 5000)
    assert {r.kind for r in replies} >= {"question", "noted", "advice", "status", "help", "answer",
                                         "notice"}
    for reply in replies:
        slack_api.post(reply_messages(reply, KEY))


def test_advice_messages_escape_user_named_use_cases(slack_api: SlackApi) -> None:
    advice = portfolio_advice(3, FakeGuidance(title="<Guide> & co"), name="<script> & co")
    messages = advice_messages(advice, KEY)
    slack_api.post(messages)
    body = "\n".join(t for m in messages for t in texts(m.blocks))
    assert "*&lt;script&gt; &amp; co 0*" in body and "*&lt;Guide&gt; &amp; co 1*" in body
    assert "<script>" not in body and "<Guide>" not in body


def test_reply_messages_update_is_short_and_offers_the_full_answer(engine: Engine,
                                                                   slack_api: SlackApi) -> None:
    replies = say(engine, DESCRIPTION, "actually 900M tokens a month")
    update = [reply for reply in replies if reply.kind == "update"]
    assert update, [reply.kind for reply in replies]
    messages = reply_messages(update[-1], KEY)
    slack_api.post(messages)
    assert len(messages) == 1
    full = [b for b in buttons(messages[0].blocks) if b["value"] == "details"]
    assert full and full[0]["text"]["text"] == "Full answer"
    assert full[0]["action_id"].startswith(ids.QUICK_ANSWER)
    body = "\n".join(texts(messages[0].blocks))
    assert body.startswith("Recommendation ") and "*Sources*" not in body


def test_reply_messages_what_if_reply_is_short(engine: Engine, slack_api: SlackApi) -> None:
    replies = say(engine, DESCRIPTION, "hmm what if we got 2B tokens a month")
    what_if = [reply for reply in replies if reply.kind == "what_if"]
    assert what_if
    messages = reply_messages(what_if[-1], KEY)
    slack_api.post(messages)
    body = "\n".join(texts(messages[0].blocks))
    assert body.startswith("What if 2B tokens/month") and "Your recorded facts are unchanged" in body
