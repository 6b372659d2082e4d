"""specialization: how far the workload's language is from what general models have read."""

from __future__ import annotations

import re

from bot.extraction.context import FLAGS, clause_before
from bot.extraction.model import HINT
from bot.extraction.rules import Rule, any_of, rule, stated_outright

FACT = "specialization"
GENERAL, MODERATE, NICHE = "general", "moderate", "niche"

# "somewhat domain-specific", "a bit of jargon": a softened niche statement is moderate.
_SOFTENER = re.compile(
    r"\b(?:somewhat|moderately|a bit|a little|some|fairly|kind of|sort of|kinda|partly|partially|slightly|"
    r"mildly|light|lightly|occasional|a few|mostly general|not very|not too|a touch of|semi)\W*(?:\w+\W+)?$",
    FLAGS,
)


def _unless_softened(match: re.Match[str]) -> str:
    before = clause_before(match.string, match.start())[-40:]
    return MODERATE if _SOFTENER.search(before) else NICHE


_OURS = r"(?:our|internal|in-house|proprietary|company|custom|bespoke|house|homegrown|home-grown|firm's|own)"
_THINGS = (
    r"(?:templates?|formats?|schemas?|codes|taxonomy|taxonomies|ontology|ontologies|terminology|jargon|"
    r"acronyms|abbreviations|lingo|vocabulary|dsl|query language|clause library|clauses|part numbers|"
    r"skus?|product codes|sku codes|nomenclature|coding system|coding scheme|rulebook|rule book|playbooks?|"
    r"shorthand|spec language|config language|billing codes|error codes)"
)
_SYSTEMS = (
    r"(?:frameworks?|apis?|libraries|library|sdks?|codebase|code base|code|repos?|repositories|tools|tooling"
    r"|services|systems|stack|platform|products?|processes|procedures|conventions|style guide|house style"
    r"|style|tone|docs|documentation|wiki|runbooks?|policies|business logic|workflows?|data model|tables)"
)
_KNOW = (
    r"(?:know|knows|knowing|knowledge|understand|understands|understanding|learn|learns|grasp|grok"
    r"|be familiar|familiar|familiarity|be aware|aware|be trained|trained|be fluent|fluent|speak|follow"
    r"|follows|stick to)"
)
# "we know our stack" is about the team, not the task.
_NOT_THE_TEAM = "".join(f"(?<!\\b{who}\\s)" for who in (
    "we", "i", "team", "they", "devs", "folks", "engineers", "everyone", "people", "you", "users",
    "customers", "clients"))
_STANDARD_CODES = (
    r"icd[- ]?(?:9|10|11)(?:[- ]cm|[- ]pcs)?|icd codes|cpt codes?|snomed(?:[- ]ct)?|loinc|hl7|fhir|hcpcs|"
    r"mesh terms|hs codes|naics|sic codes|cusip|isin|xbrl|edifact|x12|mil-spec|mil-std|iec 61131|"
    r"ladder logic|cobol|jcl|abap|plc code"
)
_DOMAIN = (
    r"(?:domain|industry|field|company|legal|medical|clinical|pharma|financial|scientific|engineering|"
    r"insurance|actuarial|regulatory|biotech|chemistry|aerospace|tax)"
)

RULES: tuple[Rule, ...] = (
    stated_outright(FACT),
    rule(FACT, any_of(r"\bnothing\s+(?:domain[- ]specific|speciali[sz]ed|special|niche|fancy|exotic"
                      r"|technical)\b",
                      r"\bno\s+(?:special|domain|speciali[sz]ed|niche|industry|technical)\s+(?:jargon|terminology"
                      r"|knowledge|vocabulary|language|terms)\b",
                      r"\bno jargon\b"),
         GENERAL, self_negating=True),
    rule(FACT, any_of(r"\b(?:some|a bit of|a little|light|moderate|modest|occasional|a few)\s+"
                      r"(?:domain|industry|technical|speciali[sz]ed|product|company)?\s*(?:knowledge|jargon|terminology|context"
                      r"|language|vocabulary|flavou?r|acronyms|terms|lingo)\b",
                      r"\bsemi[- ]speciali[sz]ed\b",
                      r"\bmoderately\s+(?:speciali[sz]ed|technical|niche|domain[- ]specific|specific)\b"),
         MODERATE),
    rule(FACT, r"\b(?:very|highly|extremely|super|really|quite|pretty|deeply|heavily|hyper)[- ]"
               r"(?:domain[- ]specific|speciali[sz]ed|niche|technical|esoteric|specific to)\b",
         NICHE, negated=MODERATE),
    rule(FACT, rf"\b{_OURS}\s+(?:own\s+)?(?:[a-z]+\s+)?{_THINGS}\b", _unless_softened, negated=GENERAL),
    # A label set of the team's own ("our ~200 internal categories") is told to the model in the
    # prompt: more than a general task, less than codes and jargon it has never seen.
    rule(FACT, rf"\b{_OURS}\s+(?:~\s*)?(?:\d[\d,.]*\s*k?\+?\s+)?(?:own\s+|internal\s+|custom\s+)?"
               rf"(?:categories|labels|label set|classes|intents|ticket types)\b",
         MODERATE, negated=GENERAL),
    # Knowing a team's own systems and ways is knowledge a general model lacks, but a lesser
    # distance than codes or jargon nobody outside has seen.
    rule(FACT, rf"{_NOT_THE_TEAM}\b{_KNOW}\s+(?:(?:about|with|of|in)\s+)?(?:all\s+|how\s+)?{_OURS}\s+"
               rf"(?:own\s+)?(?:[a-z]+\s+){{0,2}}?{_SYSTEMS}\b",
         MODERATE, negated=GENERAL),
    rule(FACT, rf"\b(?:{_STANDARD_CODES})\b", NICHE),
    rule(FACT, any_of(r"\b(?:contract|legal)\s+clauses?\b", r"\bpart numbers\b",
                      r"\bspecific to (?:our|the) (?:company|business|product|domain|industry|org"
                      r"|organi[sz]ation)\b"),
         _unless_softened),
    rule(FACT, rf"\b{_DOMAIN}[- ](?:specific\s+)?(?:jargon|terminology|lingo|vocabulary|acronyms|nomenclature"
               r"|shorthand)\b",
         _unless_softened, negated=GENERAL),
    rule(FACT, r"\bniche\b", _unless_softened, negated=GENERAL),
    rule(FACT, r"\b(?:domain[- ]specific|speciali[sz]ed|specialised|esoteric|obscure|arcane)\b",
         _unless_softened, HINT, negated=GENERAL,
         unless_after=r"\s+(?:models?|llms?|hardware|gpus?|team|vendors?|chips?|fine-?tun\w*|version)\b"),
    rule(FACT, any_of(r"\bgeneral[- ](?:purpose|writing|knowledge|questions?|q&a|chat|tasks?|text|content"
                      r"|assistant|business writing|english|language|domain|use|stuff)\b",
                      r"\bgeneric\s+(?:[a-z]+\s+){0,2}?(?:chat ?bot|assistant|tasks?|writing|content|q&a"
                      r"|questions?|text|use case|stuff)\b"),
         GENERAL),
    # A chat over a team's own documents: retrieval supplies the knowledge, a general model reads it.
    rule(FACT, any_of(r"\b(?:chat ?bot|assistant|q&a(?: bot)?|qa bot|bot|search|helpdesk|help desk)\s+"
                      r"(?:for|over|on|about|across|that answers questions (?:about|from|on))\s+"
                      r"(?:our|the|internal|company|product)\s+(?:own\s+|internal\s+|product\s+|company\s+)?(?:docs|documentation"
                      r"|wiki|knowledge base|kb|help center|help centre|handbook|policies|intranet|confluence"
                      r"|notion|faqs?)\b",
                      r"\b(?:docs|documentation|wiki|knowledge[- ]base|help[- ]cent(?:er|re))\s+"
                      r"(?:chat ?bot|bot|assistant|q&a|search)\b"),
         GENERAL, HINT),
    rule(FACT, any_of(r"\beveryday\s+(?:language|writing|english|questions|tasks)\b", r"\bplain\s+english\b",
                      r"\b(?:common|standard|normal|regular)\s+(?:english|business (?:english|writing))\b"),
         GENERAL, HINT),
    # Tasks general models do well on ordinary text.
    rule(FACT, any_of(r"\bsummar(?:i[sz](?:e|es|ed|ing|ation|ations)|y|ies)\s+(?:of\s+)?(?:the\s+|our\s+"
                      r"|customer\s+|internal\s+|incoming\s+|long\s+|support\s+)?(?:emails?|e-mails?|meetings?"
                      r"|meeting notes|articles?|news|threads?|slack threads?|messages|calls|transcripts"
                      r"|tickets?|reviews?|feedback)\b",
                      r"\b(?:email|e-mail|meeting|meeting[- ]notes?|news|article|thread|ticket|call"
                      r"|inbox)[- ]summar(?:y|ies|ization|isation|izer|iser|izing)\b",
                      r"\bmarketing\s+copy\b", r"\bblog\s+posts?\b", r"\bsocial media posts?\b",
                      r"\bproduct descriptions?\b", r"\bgrammar (?:fixes|checking|correction)\b",
                      r"\bproofreading\b", r"\brewrit(?:e|ing)\s+(?:emails?|text|copy)\b",
                      r"\bfaq (?:bot|answers)\b"),
         GENERAL, HINT),
)  # fmt: skip
