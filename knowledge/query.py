"""Query normalisation: engineers' shorthand mapped onto the vocabulary the guides use."""

from __future__ import annotations

import re

# (pattern, what the guides call it). Matching is case-insensitive on word boundaries.
_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"gpt[-\w.]*|chatgpt|claude|openai|anthropic|gemini|closed[- ]source|closed models?",
     "proprietary model API vendor"),
    (r"llama|mistral|mixtral|qwen|deepseek|gemma|open[- ]?source|oss models?",
     "open-weight model"),
    (r"self[- ]?host(?:ing|ed)?|host(?:ing)? (?:it )?ourselves|run (?:it )?ourselves|"
     r"our own (?:boxes|servers|gpus|hardware|infra)|on[- ]?prem(?:ise)?s?",
     "self-hosting own infrastructure"),
    (r"ttft", "time to first token latency"),
    (r"fine[- ]?tun(?:e|ing|ed)|lora|qlora", "fine-tuning"),
    (r"tok(?:en)?s?/(?:mo|month)|tokens a month|tokens per month|/mo\b", "monthly token volume"),
    (r"tokens? (?:a|per) day|tok/day|/day\b", "daily token volume"),
    (r"dc|data ?cent(?:er|re)|vpc|air[- ]?gapped", "data centre infrastructure"),
    (r"hipaa|phi|gdpr|pii|soc ?2|compliance|regulator\w*", "regulated data residency"),
    (r"ml ?eng\w*|mle|mlops|ml team|data scientists?", "ML engineering skills"),
    (r"cheaper|pricier|expensive|cost\w*|\$", "cost"),
    (r"latency|laggy|slow|fast|snappy|ms\b|milliseconds?", "latency"),
    (r"spiky|bursty|unpredictable|seasonal", "variable unpredictable workload"),
    (r"together|fireworks|groq|replicate|bedrock|vertex", "managed hosting provider"),
    (r"adr|write-?up|decision record", "decision record"),
    (r"both|mix(?:ed|ing)?|split|rout(?:e|ing)|which (?:ones?|use cases?|workloads?|parts?)",
     "hybrid: which work goes where"),
    (r"when does it make sense|when (?:should|would) we|in what situations|good fit|worth it",
     "when it is the better fit"),
)
_COMPILED = tuple((re.compile(rf"\b(?:{pattern})", re.IGNORECASE), words)
                  for pattern, words in _SYNONYMS)


def expand_query(query: str) -> str:
    """The query plus the guides' own words for any shorthand it uses."""
    additions: list[str] = []
    for pattern, words in _COMPILED:
        if pattern.search(query) and words not in additions:
            additions.append(words)
    return f"{query} ({'; '.join(additions)})" if additions else query
