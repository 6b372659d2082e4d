"""Intent before facts: hypotheticals, questions about the decision, tentative statements,
skipping, the optional questions, quiet updates and the hints a message gives without stating."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import wording
from bot.conversation import Engine
from bot.conversation.intent import classify
from scoring import load_policy
from tests.helpers.dialogue import Dialogue, advice_of, kinds
from tests.helpers.prices import pinned_prices

ADVISED = ("support bot over public docs, about 8M tokens a month, general questions, "
           "no ML engineers, interactive")
ENGINE = Engine(load_policy(), None, prices=pinned_prices())


@pytest.fixture
def talk() -> Dialogue:
    return Dialogue(ENGINE)


def _advised(talk: Dialogue) -> dict[str, object]:
    replies = talk.say(ADVISED)
    while talk.state.stage != "advised":
        assert replies[-1].kind == "question", kinds(replies)
        replies = talk.say("skip")
    return dict(talk.facts())


@pytest.mark.parametrize(("text", "fact", "shown"), [
    ("hmm what if we got way more volume, like 2B tokens/month", "monthly_tokens", "2B tokens/month"),
    ("what if we had 10x traffic", "monthly_tokens", "80M tokens/month"),
    ("what about 3x the volume?", "monthly_tokens", "24M tokens/month"),
    ("suppose we doubled the traffic", "monthly_tokens", "16M tokens/month"),
    ("what if we hired two ML engineers", "ml_expertise", "strong"),
    ("what if latency were relaxed", "latency", "relaxed"),
    ("what if quality is standard", "quality_bar", "standard"),
    ("3x the volume, would that change it?", "monthly_tokens", "24M tokens/month"),
])
def test_hypotheticals_answer_without_changing_facts(talk: Dialogue, text: str, fact: str,
                                                     shown: str) -> None:
    before = _advised(talk)
    replies = talk.say(text)
    assert kinds(replies)[-1] == "what_if", [r.text for r in replies]
    reply = replies[-1]
    assert shown in reply.text
    assert "Your recorded facts are unchanged" in reply.text
    assert reply.advice is not None and reply.advice.what_if is not None
    assert fact in reply.advice.what_if
    assert talk.facts() == before


def test_what_would_change_this_lists_the_flip_points(talk: Dialogue) -> None:
    _advised(talk)
    result = talk.state.last_result
    assert result is not None and result.flip_points
    replies = talk.say("what would change this?")
    assert replies[0].kind == "answer"
    for flip in result.flip_points:
        line = wording.flip_point(flip)
        assert line[1:] in replies[0].text


def test_why_not_names_what_argues_against_and_the_route(talk: Dialogue) -> None:
    _advised(talk)
    text = talk.say("why not self-host?")[0].text
    assert text.startswith("Why not self-hosted open-weight model")
    assert "What argues against it:" in text
    assert "Task specialisation (general" in text
    assert "Cheaper of the API and self-hosting at this volume: the API" in text


def test_is_a_volume_enough_answers_at_that_volume(talk: Dialogue) -> None:
    before = _advised(talk)
    text = talk.say("is 500M enough to self-host?")[0].text
    assert text.startswith("At 500M tokens/month, all else as you've told me:")
    assert "break-even" in text
    assert talk.facts() == before


@pytest.mark.parametrize("text", ["maybe 2-3M a day?", "500k tokens a day?"])
def test_a_statement_ending_in_a_question_mark_is_facts(talk: Dialogue, text: str) -> None:
    replies = talk.say(text)
    assert replies[0].kind == "noted"
    assert "monthly_tokens" in talk.facts()


def test_a_tentative_change_is_asked_about_not_recorded(talk: Dialogue) -> None:
    before = _advised(talk)
    replies = talk.say("we might get 2B tokens a month")
    assert replies[-1].kind == "question"
    assert replies[-1].text == "Should I record 2B tokens/month as a fact, or was that a what-if?"
    assert talk.facts() == before
    assert talk.say("just a what-if")[-1].kind == "what_if"
    assert talk.facts() == before
    talk.say("we might get 2B tokens a month")
    talk.say("record it")
    assert talk.facts()["monthly_tokens"] == 2_000_000_000


@pytest.mark.parametrize("adopt", ["record that", "ok record that", "let's go with that",
                                   "make that the plan", "Sure, record it."])
def test_adopting_a_what_if_records_its_change(talk: Dialogue, adopt: str) -> None:
    before = _advised(talk)
    assert talk.say("what if volume tripled?")[-1].kind == "what_if"
    assert talk.facts() == before
    replies = talk.say(adopt)
    assert talk.facts() == before | {"monthly_tokens": 24_000_000}
    assert talk.state.current.facts["monthly_tokens"].evidence == "tripled"
    assert talk.state.pending is None
    assert "I couldn't find workload facts" not in " ".join(r.text for r in replies)


def test_a_figure_given_when_adopting_a_what_if_is_the_one_recorded(talk: Dialogue) -> None:
    before = _advised(talk)
    talk.say("what if volume tripled?")
    talk.say("ok record that, we expect 120M by next year")
    assert talk.facts() == before | {"monthly_tokens": 120_000_000}
    assert talk.state.current.facts["monthly_tokens"].evidence == "we expect 120M by next year"


def test_a_what_if_is_not_recorded_by_a_later_unrelated_message(talk: Dialogue) -> None:
    before = _advised(talk)
    talk.say("what if latency were relaxed")
    talk.say("yes")
    talk.say("record that")
    assert talk.facts() == before
    assert talk.state.pending is None


def test_a_what_if_is_not_carried_to_the_next_use_case(talk: Dialogue) -> None:
    _advised(talk)
    talk.say("what if volume tripled?")
    talk.say("add use case billing")
    talk.say("record that")
    assert "monthly_tokens" not in talk.facts()


def test_a_question_asked_twice_is_rephrased_then_skipped(talk: Dialogue) -> None:
    talk.say("about 50M tokens a month")
    first = talk.state.asked
    assert first is not None
    second = talk.say("hmm")[-1]
    assert second.kind == "question" and talk.state.asked == first
    assert second.text.startswith("Put another way") and "skip" in second.text
    third = talk.say("hmm")
    assert talk.state.asked != first
    assert first in talk.state.skipped
    assert "twice" in " ".join(r.text for r in third)


def test_dont_know_skips_and_the_answer_says_how_it_depends(talk: Dialogue) -> None:
    talk.say("general summaries of public news, 80M tokens a month, interactive")
    while talk.state.asked != "ml_expertise":
        talk.say("skip") if talk.state.asked else pytest.fail("ML skill never asked")
    replies = talk.say("don't know")
    assert "ml_expertise" in talk.state.skipped
    assert replies[0].text.startswith("OK, I'll go on without ml engineering skill")


def test_quality_bar_is_asked_when_it_can_change_the_answer(talk: Dialogue) -> None:
    talk.say("our own product codes and jargon, approved vendors under a DPA, 3M tokens a day, "
             "3 ML engineers who run models in prod, interactive")
    assert talk.state.stage == "advised", "the answer comes first"
    assert talk.state.asked == "quality_bar"
    replies = talk.say("standard is fine")
    assert talk.facts()["quality_bar"] == "standard"
    assert replies[-1].kind == "update" or talk.state.asked == "time_to_market"
    talk.say("standard is fine")
    assert talk.state.asked != "quality_bar", "an optional fact is asked once"


def test_after_the_first_answer_a_change_gets_a_short_update(talk: Dialogue) -> None:
    _advised(talk)
    replies = talk.say("actually 20M tokens a month")
    update = replies[-1]
    assert update.kind == "update"
    assert update.text.startswith("Recommendation unchanged:") or update.text.startswith(
        "Recommendation now:")
    assert len(update.text.splitlines()) <= 5
    assert "`details`" in update.text
    full = advice_of(talk.say("details"))
    assert full.kind == "advice" and full.advice is not None


def test_regulated_words_lead_to_one_explained_residency_question(talk: Dialogue) -> None:
    replies = talk.say("we're HIPAA covered")
    assert "data_residency" not in talk.facts()
    assert talk.state.asked == "data_residency"
    text = replies[-1].text
    assert text.startswith("You mentioned HIPAA.")
    assert "In-house only" in text and "Approved vendors" in text and "Unrestricted" in text
    talk.say("we have a BAA with Azure")
    assert talk.facts()["data_residency"] == "approved_vendors"


def test_a_range_that_changes_the_answer_is_asked_about(talk: Dialogue) -> None:
    talk.say("general questions, public data, no ML engineers, latency critical")
    replies = talk.say("between 20M and 40B tokens a month")
    assert "monthly_tokens" not in talk.facts()
    assert replies[-1].kind == "question" and "the answer changes" in replies[-1].text
    talk.say(replies[-1].quick_answers[1].value)
    assert talk.facts()["monthly_tokens"] == 40_000_000_000


def test_a_range_with_one_answer_uses_its_midpoint(talk: Dialogue) -> None:
    _advised(talk)
    replies = talk.say("actually between 20M and 40M tokens a month")
    assert any("the same anywhere from 20M to 40M" in r.text for r in replies)
    assert talk.facts()["monthly_tokens"] == 30_000_000


def test_a_count_and_a_size_in_separate_messages_are_combined(talk: Dialogue) -> None:
    talk.say("public data, general questions")
    replies = talk.say("about 300 questions a day")
    assert "tokens is each question" in replies[-1].text
    talk.say("each is around 2k tokens")
    assert talk.facts()["monthly_tokens"] == 300 * 30 * 2000


def test_a_vague_amount_is_an_estimate_to_confirm(talk: Dialogue) -> None:
    talk.say("public data, general questions")
    replies = talk.say("few hundred reports a day, 5k tokens each")
    assert "monthly_tokens" not in talk.facts()
    assert "Is that about right?" in replies[-1].text
    talk.say("yes")
    assert talk.facts()["monthly_tokens"] == 45_000_000


@pytest.mark.parametrize(("text", "kind"), [
    ("what would change this?", "about_decision"),
    ("why not an API?", "about_decision"),
    ("is 20M enough to self-host?", "about_decision"),
    ("why does latency matter?", "side_question"),
    ("if we hired an ML engineer", "hypothetical"),
    ("if we self-host it'd be an 8B on A100s", "facts"),
])
def test_intent_is_decided_before_facts(text: str, kind: str) -> None:
    assert classify(text, states_facts=False).kind == kind


_OPENINGS = st.sampled_from(["what if", "hmm what if", "suppose", "what about", "imagine",
                             "ok so what if", "hypothetically", "say we"])
_CHANGES = st.sampled_from([
    "we got 2B tokens/month", "10x traffic", "half the volume", "latency were critical",
    "we hired 3 ML engineers", "the data had to stay in-house", "quality is standard",
    "it was a niche task", "500M tokens a month", "we need it live in 2 weeks",
    "30% more tokens", "no ML people at all", "approved vendors only"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=_OPENINGS, change=_CHANGES)
def test_no_hypothetical_changes_a_stored_fact(opening: str, change: str) -> None:
    talk = Dialogue(ENGINE)
    before = _advised(talk)
    talk.say(f"{opening} {change}")
    assert talk.facts() == before


def test_a_reply_with_other_facts_does_not_count_as_not_understanding(talk: Dialogue) -> None:
    talk.say("about 50M tokens a month")
    assert talk.state.asked == "data_residency"
    again = talk.say("general stuff, no ML people")[-1]
    assert talk.state.asked == "data_residency" and talk.state.asked_times == 1
    assert not again.text.startswith("Put another way")


def test_flip_points_before_the_answer_name_the_unknown_facts_once(talk: Dialogue) -> None:
    talk.say("roughly 40k emails a month, maybe 1.5k tokens each?")
    text = talk.say("what would change this?")[0].text
    assert text.startswith("On what I know so far:\n")
    assert text.count("task specialisation") == 1 and "Still unknown" in text
