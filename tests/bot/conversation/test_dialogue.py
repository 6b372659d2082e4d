"""Whole conversations, from first message to cited recommendation."""

from __future__ import annotations

from bot import wording
from bot.conversation import ConversationState, Engine
from scoring import load_policy
from tests.helpers.dialogue import Dialogue, advice_of, kinds


def test_dialogue_gathers_facts_and_ends_in_cited_advice(dialogue: Dialogue) -> None:
    first = dialogue.say("we're building a support ticket classifier, ~3M tokens a day")
    assert first[0].kind == "noted"
    assert "90M tokens/month (3M/day x 30 days)" in first[0].text
    assert first[-1].kind == "question" and first[-1].quick_answers
    dialogue.say("approved vendors under our DPA are fine")
    dialogue.say("the tickets are full of our internal product codes and jargon")
    dialogue.say("3 ML engineers who run models in prod")
    replies = dialogue.say("interactive, a second or two is fine")
    assert replies[-1].kind == "question" and dialogue.state.asked == "time_to_market", (
        "time to market can still change this answer, so it is asked after the answer")
    advice = advice_of(replies).advice
    assert advice is not None
    assert advice.result.recommendation == "open_source"
    assert advice.sources and not advice.without_sources
    cited = [factor for factor in advice.factors if factor.citation]
    assert len(cited) == len(advice.factors), "every deciding factor cites a passage"
    numbers = {source.number for source in advice.sources}
    assert {factor.citation for factor in cited} <= numbers
    assert advice.index_version
    assert dialogue.state.stage == "advised"
    assert dialogue.state.last_result is not None


def test_dialogue_corrections_replace_facts_and_say_so(dialogue: Dialogue) -> None:
    dialogue.say("patient data can't leave our DC, about 3M tokens a day")
    replies = dialogue.say("actually 20M")
    assert "Updated: Monthly token volume: 20M tokens/month" in replies[0].text
    assert "was 90M tokens/month" in replies[0].text
    dialogue.say("no, approved vendors are fine")
    assert dialogue.facts()["data_residency"] == "approved_vendors"
    assert dialogue.facts()["monthly_tokens"] == 20_000_000


def test_dialogue_conflict_is_asked_not_guessed(dialogue: Dialogue) -> None:
    replies = dialogue.say("patient data can't leave our DC but sending it to OpenAI is fine")
    question = replies[-1]
    assert question.kind == "question" and "two things" in question.text
    assert "data_residency" not in dialogue.facts()
    assert len(question.quick_answers) == 2
    dialogue.say(question.quick_answers[0].value)
    assert dialogue.facts()["data_residency"] == "in_house_only"


def test_dialogue_side_question_is_answered_then_resumes(dialogue: Dialogue) -> None:
    dialogue.say("about 50M tokens a month of general summaries")
    asked = dialogue.state.asked
    before = dict(dialogue.facts())
    replies = dialogue.say("why does latency matter?")
    assert kinds(replies) == ["answer", "question"]
    answer = replies[0].answer
    assert answer is not None and answer.found and answer.sources
    assert "[1]" in answer.text
    assert replies[1].text.startswith("Back to where we were")
    assert dialogue.state.asked == asked and dialogue.facts() == before


def test_dialogue_stops_asking_once_the_answer_cannot_change(dialogue: Dialogue) -> None:
    replies = dialogue.say("public data, nothing sensitive. generic email summaries, ~2M tokens a month")
    advice = advice_of(replies).advice
    assert advice is not None
    assert advice.result.recommendation == "proprietary"
    assert set(advice.unasked) == {"ml_expertise", "latency"}


def test_dialogue_quick_answers_digits_and_bare_words_answer_the_question(dialogue: Dialogue) -> None:
    replies = dialogue.say("hello")
    assert replies[-1].kind == "question"
    asked = dialogue.state.asked
    assert asked == "data_residency"
    dialogue.say(replies[-1].quick_answers[1].value)
    assert dialogue.facts()["data_residency"] == "approved_vendors"
    next_fact = dialogue.state.asked
    assert next_fact is not None
    dialogue.say("1")
    assert next_fact in dialogue.facts()


def test_dialogue_bare_volume_answers_the_volume_question(dialogue: Dialogue) -> None:
    dialogue.say("approved vendors only, niche legal templates, one data scientist on the team")
    while dialogue.state.asked not in (None, "monthly_tokens"):
        dialogue.say("3")
    assert dialogue.state.asked == "monthly_tokens"
    dialogue.say("80M")
    assert dialogue.facts()["monthly_tokens"] == 80_000_000


def test_dialogue_restart_status_and_help(dialogue: Dialogue) -> None:
    dialogue.say("approved vendors only, about 10M tokens a month")
    status = dialogue.say("status")[0]
    assert status.kind == "status" and "approved vendors only" in status.text
    assert "Still missing:" in status.text and "task specialisation" in status.text
    assert dialogue.say("help")[0].kind == "help"
    replies = dialogue.say("restart")
    assert dialogue.facts() == {}
    assert replies[0].text.startswith("Starting over")


def test_dialogue_what_if_rescored_without_changing_facts(dialogue: Dialogue) -> None:
    dialogue.say("approved vendors only, general summaries, 10M tokens a month, no ML team, "
                 "a few seconds is fine")
    before = dialogue.state.model_copy(deep=True)
    replies = dialogue.say("what if 5B tokens/month")
    advice = advice_of(replies).advice
    assert advice is not None and advice.what_if == {"monthly_tokens": 5_000_000_000}
    assert wording.what_if(advice.what_if) == "What if 5B tokens/month"
    assert advice.result.cost.monthly_tokens == 5_000_000_000
    assert dialogue.state.current.workload() == before.current.workload()
    assert dialogue.state.last_result == before.last_result
    unreadable = dialogue.say("what if banana")
    assert unreadable[0].kind == "notice" and "couldn't read a change" in unreadable[0].text


def test_dialogue_add_use_case_builds_a_hybrid_portfolio(dialogue: Dialogue) -> None:
    dialogue.say("contract analysis: approved vendors only, general reasoning, 2M tokens a month, "
                 "3 ML engineers running models in prod, batch is fine, needs the best quality")
    replies = dialogue.say("add use case ticket triage")
    assert "Saved" in replies[0].text
    assert dialogue.facts() == {"ml_expertise": "strong"}, "team facts carry over"
    replies = dialogue.say("approved vendors only, our internal ticket codes, 900M tokens a month, "
                           "interactive")
    advice = advice_of(replies).advice
    assert advice is not None
    assert advice.result.kind == "portfolio" and advice.result.recommendation == "hybrid"
    assert [case.recommendation for case in advice.result.use_cases] == ["proprietary", "open_source"]


def test_dialogue_without_guidance_advises_without_sources() -> None:
    dialogue = Dialogue(Engine(load_policy(), None))
    replies = dialogue.say("public data, generic email summaries, 2M tokens a month")
    advice = advice_of(replies).advice
    assert advice is not None and advice.without_sources and advice.sources == []
    answer = dialogue.say("why does latency matter?")[0]
    assert "unavailable" in answer.text


def test_dialogue_state_round_trips_through_json(dialogue: Dialogue) -> None:
    dialogue.say("patient data can't leave our DC, 3M tokens a day")
    restored = ConversationState.model_validate_json(dialogue.state.model_dump_json())
    assert restored == dialogue.state
