"""data_residency: where the workload's data is allowed to go."""

from __future__ import annotations

import re

from bot.extraction.model import HINT, HINT_FROM_NEGATION
from bot.extraction.rules import Rule, any_of, one_of, rule, stated_outright

FACT = "data_residency"
IN_HOUSE, APPROVED, ANYWHERE = "in_house_only", "approved_vendors", "unrestricted"
REGULATED = "regulated data mentioned"

# A region is a boundary an approved vendor can respect with a regional endpoint; our own
# premises or network are a boundary only self-hosting can respect.
_REGIONS = r"(?:the\s+)?" + one_of(
    r"eu", r"e\.u\.", "european union", "europe", "eea", "country", "region", "germany", "france", "uk",
    "united kingdom", "us", "usa", "united states", "canada", "switzerland", "australia", "india", "japan",
    "singapore", "brazil", "our region", r"(?:eu|us|uk)[- ]region",
)  # fmt: skip
_OUR_PLACES = one_of(
    "dc", "dcs", r"data\s?cent(?:er|re)s?", "datacenters?", "network", "premises", "prem", "building",
    r"infra(?:structure)?", "servers?", "hardware", "machines", "boxes", "vpc", "firewall", "walls",
    "four walls", "environment", "cloud account", "aws account", "gcp project", "azure tenant", "account",
    "tenant", "company", r"org(?:anization)?", "perimeter", "control", "systems?", "house", "k8s cluster",
    "cluster",
)  # fmt: skip
_OURS = any_of(
    rf"(?:our|the|your|their)\s+(?:own\s+)?(?:company'?s?\s+)?(?:[a-z]+\s+)?{_OUR_PLACES}",
    r"on[- ]?prem(?:ise)?s?", r"on[- ]premises?", r"in[- ]house", r"internal(?:ly)?", r"air[- ]?gapped",
)  # fmt: skip
_PLACE = rf"(?:{_OURS}|{_REGIONS})"
# "latency sensitive" and "time-sensitive" say nothing about the data.
_NOT_ABOUT_DATA = "".join(
    f"(?<!{word}[- ])"
    for word in ("latency", "latancy", "lantency", "time", "cost", "price", "case", "context")
)


def _by_place(match: re.Match[str]) -> str:
    return APPROVED if re.fullmatch(_REGIONS, match["place"]) else IN_HOUSE


_STAY = one_of(
    "stay", "stays", "staying", "remain", "remains", "be kept", "kept",
    r"keep (?:it|this|them|everything|all data|data|the data|our data)", "be stored", "stored",
    "be processed", "processed", "be hosted", "hosted", "run", "runs", "running", "live", "lives", "reside",
    "resides", "be", "sit", "sits",
)  # fmt: skip
_MUST_NOT = one_of(
    "can't", "cant", "cannot", "can not", "can never", "must not", "mustn't", "mustnt", "may not",
    "shouldn't", "shouldnt", "should not", "never", "doesn't", "doesnt", "does not", "won't", "wont",
    "will not", "isn't allowed to", "is not allowed to", "not allowed to", "nothing", "no data",
)  # fmt: skip
_LEAVE = one_of(
    "leave", "leaves", "go outside", "goes outside", "exit", r"be sent (?:outside|out of)", "cross",
    "move outside",
)  # fmt: skip
_SEND = one_of(
    "send", "sent", "sending", "share", "shared", "upload", "uploaded", "transmit", "transmitted", "go",
    "goes", "leave", "leaves", "expose", "exposed",
)  # fmt: skip
_AWAY = one_of(
    "outside", "externally", r"off[- ]?prem(?:ise)?s?", r"third[- ]part(?:y|ies)", r"to (?:a |any )?vendors?",
    r"to (?:a |any )?providers?", r"external(?:ly)?", "to the cloud", "the internet",
    r"out of (?:the|our) (?:building|network)", r"to (?:openai|open ai|anthropic|chatgpt|gemini|azure|bedrock"
    r"|google|aws|cohere)\b",
)  # fmt: skip
_EXTERNAL = (
    r"(?:external|third[- ]party|3rd[- ]party|cloud|outside|public|vendor|saas)\s+"
    r"(?:llm\s+|ai\s+|model\s+)?(?:apis?|vendors?|providers?|services?|llms?)"
)
_VENDORS = one_of(
    "openai", "open ai", "anthropic", "claude", r"gpt-?\w*", "chatgpt", "azure(?: openai)?", "aws bedrock",
    "bedrock", "vertex(?: ai)?", "gemini", "cohere", "mistral(?:'s)? api", "the vendor", "vendors?",
    "providers?", "external apis?", r"third[- ]party apis?", "cloud apis?", "hosted apis?", "the api",
    "an api", "apis",
)  # fmt: skip
_FINE = (
    r"(?:totally\s+|perfectly\s+|also\s+|probably\s+)?(?:fine|ok|okay|allowed|acceptable|permitted|approved)"
)
_IS = r"(?:is|are|would be|should be|'s)"
# "no PII", "isn't sensitive", "doesn't contain any PHI"; not "can't send PII to them".
_DATA_DENIAL = (
    r"(?:\b(?:no|not|without|zero|nothing|none|never|free of)|n't|\bnot\s+(?:contain|have|include|involve)"
    r"|n't\s+(?:contain|contains|have|has|include|includes|involve|involves|touch|store|hold|process|handle"
    r"|see|use))\s+(?:(?:any|real|actual|really|very|that|particularly|especially|super|much|so|at all|here"
    r"|there|in it|in here|in there|is|are|was|were|'s)\s+)*$"
)

RULES: tuple[Rule, ...] = (
    stated_outright(FACT),
    # Denials first: "doesn't have to stay in-house" must not be read as "stay in-house".
    rule(FACT, rf"\b(?:{_MUST_NOT}|(?:nothing|no data)\s+(?:can|may|should|will|must|is allowed to))\s+"
               rf"(?:ever\s+)?{_LEAVE}\s+(?:of\s+)?(?P<place>{_PLACE})", _by_place,
         self_negating=True),
    rule(FACT, rf"\b{_MUST_NOT}\s+(?:be\s+)?{_SEND}\b[^.;!?\n,]{{0,30}}?\b{_AWAY}", IN_HOUSE,
         self_negating=True),
    rule(FACT, rf"\b{_STAY}\s+(?:fully\s+|entirely\s+|strictly\s+|only\s+|100%\s+)?"
               rf"(?:in|on|inside|within|behind)?\s*(?P<place>{_PLACE})"
               r"(?!\s+(?:ml|team|expertise|talent|models?|engineers?|staff|folks|tool|tooling|solution|gpus?"
               r"|hardware)\b)",
         _by_place, negated=APPROVED, negated_strength=HINT_FROM_NEGATION),
    rule(FACT, any_of(r"\b(?:on[- ]?prem(?:ise)?s?|on[- ]premises?|in[- ]house|self[- ]host(?:ed|ing)?)"
                      r"\s+only\b",
                      r"\bonly\s+(?:on[- ]?prem(?:ise)?s?|self[- ]host(?:ed|ing)?|in[- ]house)\b",
                      r"\b(?:must|has to|have to|needs? to|required to)\s+(?:be\s+)?self[- ]host(?:ed)?\b"),
         IN_HOUSE, negated=APPROVED, negated_strength=HINT_FROM_NEGATION),
    rule(FACT, r"\bair[- ]?gap(?:ped)?\b", IN_HOUSE),
    rule(FACT, r"\b(?:classified|top secret|itar)\b", IN_HOUSE, HINT),
    rule(FACT, rf"\b{_EXTERNAL}\b", None, negated=IN_HOUSE, unless_after=rf"\s+{_IS}\s+{_FINE}"),
    rule(FACT, any_of(r"\b(?:can|may|could)\s+go\s+anywhere\b", r"\banywhere is fine\b",
                      r"\b(?:any|whatever)\s+(?:vendor|provider|api|cloud|llm|model provider)\s+"
                      r"(?:is|are|would be|works)\s+(?:fine|ok|okay)\b",
                      r"\b(?:don't|do not|doesn't|does not)\s+(?:really\s+)?(?:care|matter)\s+where\b",
                      r"\bno restrictions?\b(?!\s+on\s+(?:latency|speed|quality|time|budget|cost))",
                      r"\bunrestricted\b", r"\bnot restricted\b"),
         ANYWHERE, self_negating=True),
    # "data can leave, it's fine": allowed out with no condition attached.
    rule(FACT, any_of(r"\b(?:data|it|everything|they|this|that|the content)\s+(?:can|may|is allowed to"
                      r"|are allowed to|is free to|can safely)\s+(?:leave|go out(?:side)?"
                      r"|be sent out(?:side)?|leave the (?:building|company|network|premises))\b",
                      r"\b(?:fine|ok|okay|allowed)\s+for\s+(?:the\s+|our\s+)?(?:data|it)\s+to\s+leave\b"),
         ANYWHERE,
         unless_after=r"[^.;!?\n]{0,40}?\b(?:only|approved|dpa|baa|vendors? (?:we|with|under)|as long as"
                      r"|provided|if|under|unless|eu|us|uk|region|encrypted|anonymi[sz]ed|redacted)\b"),
    # Approved vendors: agreements, allow-lists and regional endpoints.
    rule(FACT, r"\bhipaa[- ](?:compliant|eligible|certified|ready)\s+(?:vendors?|providers?|apis?|services?"
               r"|clouds?|endpoints?|offerings?|deployments?)\b", APPROVED),
    rule(FACT, any_of(r"\b(?:approved|whitelisted|white-listed|allow[- ]?listed|sanctioned|vetted"
                      r"|authori[sz]ed)\s+(?:llm\s+|ai\s+|cloud\s+|third[- ]party\s+)?(?:vendors?|providers?"
                      r"|suppliers?|apis?|services?|clouds?|partners?|third[- ]parties|endpoints?)\b",
                      r"\b(?:vendors?|providers?|apis?|services?)\s+(?:on|from|in)\s+(?:our|the)\s+"
                      r"(?:approved|allow|white)[- ]?list\b"),
         APPROVED),
    rule(FACT, r"\b(?:is|are|has been|have been|got|was|were|'s)\s+(?:already\s+|now\s+|fully\s+)?"
               r"(?:approved|whitelisted|allow[- ]?listed|signed off|cleared|vetted)\b", APPROVED),
    rule(FACT, r"\b(?:legal|security|infosec|compliance|procurement|ciso|it|our dpo)\s+"
               r"(?:has\s+|have\s+|already\s+)?(?:approved|signed off on|cleared|ok'd|okayed|blessed"
               r"|whitelisted)\b",
         APPROVED),
    rule(FACT, r"\b(?:dpa|baa|data processing agreement|data processing addendum"
               r"|business associate agreement)s?\b", APPROVED, negated=None),
    rule(FACT, r"\b(?:zero[- ]data[- ]retention|zdr|no[- ]training (?:clause|agreement|terms)"
               r"|enterprise (?:agreement|contract|tier|plan|terms))\b", APPROVED),
    rule(FACT, any_of(r"\b(?:eu|us|uk|in[- ]region|regional|european)[- ](?:regions?|endpoints?"
                      r"|data ?cent(?:er|re)s?|hosting|hosted|only|data residency|deployments?)\b",
                      r"\b(?:eu|european union|europe|eea)\s+only\b",
                      r"\bdata residency in (?:the )?(?:eu|us|uk|europe|germany|canada)\b"),
         APPROVED),
    rule(FACT, any_of(rf"\b{_VENDORS}(?:\s+api)?\s+{_IS}\s+{_FINE}\b",
                      rf"\b(?:send(?:ing)?|us(?:e|ing)|call(?:ing)?|going through|rout(?:e|ing))\b"
                      rf"[^.;!?\n,]{{0,25}}?\b{_VENDORS}\b[^.;!?\n,]{{0,15}}?\b{_IS}\s+{_FINE}\b",
                      rf"\b(?:can|may|are allowed to|allowed to|ok to|okay to|fine to)\s+"
                      rf"(?:use|call|send (?:it|data|this|everything) to)\s+{_VENDORS}\b"),
         APPROVED, negated=None),
    rule(FACT, r"\b(?:data|it|everything|they|them|files|records)\s+(?:stays?\s+|is kept\s+|kept\s+)?"
               r"(?:in[- ]house|on[- ]?prem(?:ise)?s?|on[- ]premises)\b", IN_HOUSE, negated=APPROVED,
         negated_strength=HINT_FROM_NEGATION),
    rule(FACT, rf"\b(?:can|may|could|is allowed to|are allowed to|is ok to|is fine to)\s+"
               rf"(?:go|be sent|be processed|be hosted|flow|run)\s+(?:to|by|in|on|through|via)\s+"
               rf"{_VENDORS}\b",
         APPROVED, negated=None),
    # Regulation is not residency: HIPAA allows a vendor under a BAA, GDPR a processor under a DPA.
    # Alone, such words are a reason to ask where the data may go, not an answer.
    rule(FACT, r"\b(?:hipaa|gdpr|soc ?2|pci(?:[- ]dss)?|ferpa|glba|ccpa|phi"
               r"|patient (?:data|records|information|info|notes|messages)"
               r"|medical records|health records|health data|ehr|emr|clinical notes"
               r"|protected health information)\b",
         None, negated=ANYWHERE, negated_strength=HINT, denied_by=_DATA_DENIAL, cue=REGULATED),
    # Unrestricted: nothing sensitive, public data, anything goes.
    rule(FACT, r"\b(?:data|it|content|everything|this|that|info|information|text|reviews|documents|docs"
               r"|posts|comments|articles|listings|pages|filings|papers|sources|inputs|texts|transcripts|they"
               r"|those|these|emails|tickets|records)(?:'s|'re|\s+is|\s+are)\s+"
               r"(?:all\s+|already\s+|entirely\s+|fully\s+|basically\s+|just\s+)*public(?:ly available)?\b"
               r"(?![- ](?:facing|company|sector|cloud|endpoint|api))",
         ANYWHERE, negated=None),
    rule(FACT, any_of(r"\b(?:public(?:ly available)?|open|synthetic|dummy|fake|test)\s+"
                      r"(?:data|info(?:rmation)?|content|docs|documents|websites?|web ?pages|sources"
                      r"|datasets?|text|sites?|pages|blog)\b",
                      r"\bpublicly available\b"),
         ANYWHERE, negated=None),
    rule(FACT, rf"\b{_NOT_ABOUT_DATA}(?:sensitive|sensitve|senstive|confidential|private|proprietary"
               r"|regulated)\b"
               r"(?!\s+(?:to|about|cloud|endpoints?|deployment|instance|network|preview|beta|link)\b)",
         None, negated=ANYWHERE, denied_by=_DATA_DENIAL),
    rule(FACT, r"\b(?:pii|personal (?:data|info(?:rmation)?)|personally identifiable|customer data|user data"
               r"|private data|regulated data)\b",
         None, negated=ANYWHERE, denied_by=_DATA_DENIAL,
         unless_after=r"\s+(?:ever\s+)?(?:leaves?|can|may|goes|is sent|should|must|will)\b"),
    rule(FACT, r"\b(?:data\s+)?(?:residency|sovereignty|compliance|privacy|regulatory|security)\s+"
               r"(?:requirements?|constraints?|concerns?|restrictions?|rules?|issues?)\b",
         None, negated=ANYWHERE),
)  # fmt: skip

RULES = (
    *RULES,
    rule(FACT, r"\b(?:has|have|must|needs?|got)\s+to\s+(?:stay|remain|be kept)\s+on\s+(?:[a-z]+\s+)?"
               r"(?:servers?|machines|hardware|network|infrastructure|premises|cluster)\b", IN_HOUSE),
)
