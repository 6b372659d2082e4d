"""An optional language-model fallback for messages the extraction rules cannot read.

Off by default: llm-advisor needs no LLM. When `ADVISOR_LLM_MODEL` names a LangChain chat model
("provider:model", as `init_chat_model` takes it), messages that yield no facts under the rules
are sent to it, and its JSON answer is validated by the same pydantic model as everything else.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.conversation.commands import looks_like_question
from bot.extraction import Extraction, extract
from bot.extraction.model import STATED_FACTS
from scoring import WorkloadFacts

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)
EVIDENCE = "(read by the language model)"
MIN_CHARS = 12

INSTRUCTIONS = (
    "You read one chat message about an LLM workload and report only the facts it states. "
    "Leave a field null unless the message clearly states it; never guess. monthly_tokens is "
    "input plus output tokens per month as an integer (convert per day x30, per week x52/12). "
    "Numbers that are not token volumes (people, milliseconds, GPUs, prices) are not volumes.\n"
    "{format_instructions}\n\nMessage: {message}"
)


def answer_schema() -> dict[str, Any]:
    """`WorkloadFacts`' JSON schema cut down to the facts a message can state."""
    schema = WorkloadFacts.model_json_schema()
    return {"description": schema.get("description", ""),
            "properties": {fact: schema["properties"][fact] for fact in STATED_FACTS},
            "$defs": schema.get("$defs", {})}


def read_answer(answer: object) -> WorkloadFacts:
    """The model's parsed JSON answer as facts: what a message can state, nothing else.

    Raises `pydantic.ValidationError` for a value `WorkloadFacts` refuses or an answer that is
    not a JSON object.
    """
    if isinstance(answer, dict):
        answer = {fact: value for fact, value in answer.items() if fact in STATED_FACTS}
    return WorkloadFacts.model_validate(answer)


class LLMFallbackExtractor:
    """Rules first; the model only for plain statements the rules found nothing in."""

    def __init__(self, model: BaseChatModel, rules: Callable[[str], Extraction] = extract) -> None:
        from langchain_core.output_parsers import JsonOutputParser
        from langchain_core.output_parsers.format_instructions import JSON_FORMAT_INSTRUCTIONS
        from langchain_core.prompts import PromptTemplate

        schema = json.dumps(answer_schema(), ensure_ascii=False)
        prompt = PromptTemplate.from_template(INSTRUCTIONS).partial(
            format_instructions=JSON_FORMAT_INSTRUCTIONS.format(schema=schema))
        self.chain: Any = prompt | model | JsonOutputParser()
        self.rules = rules

    def __call__(self, text: str) -> Extraction:
        result = self.rules(text)
        if not result.is_empty():
            return result
        if len(text.strip()) < MIN_CHARS or looks_like_question(text):
            return result
        try:
            facts = read_answer(self.chain.invoke({"message": text}))
        except ValidationError as exc:
            log.info("language model answer rejected: %s", exc.errors()[0]["msg"])
            return result
        except Exception as exc:  # the fallback must never break a conversation
            log.warning("language model fallback failed: %s", type(exc).__name__)
            return result
        return Extraction(facts=facts, evidence=dict.fromkeys(facts.model_dump(exclude_none=True),
                                                              EVIDENCE))


def load_fallback(model_name: str, rules: Callable[[str], Extraction] = extract
                  ) -> LLMFallbackExtractor | None:
    """The fallback for `model_name` after `rules`, or None (logged) if its provider package is
    missing."""
    from langchain.chat_models import init_chat_model

    try:
        return LLMFallbackExtractor(init_chat_model(model_name, temperature=0), rules)
    except Exception as exc:  # an optional helper: any provider failure leaves the rules alone
        log.warning("ADVISOR_LLM_MODEL=%s unavailable (%s); using the rules alone",
                    model_name, exc)
        return None
