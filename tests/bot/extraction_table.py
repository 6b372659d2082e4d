"""Phrasings engineers use in Slack, and the complete set of facts each one states.

Each row lists every fact the message should yield, so a wrongly extracted extra fact fails
as surely as a missed one. Volumes follow the extractor's documented conversions: 30 days a
month, 52/12 weeks a month, 12 months a year, 24 hours a day.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    id: str
    message: str
    facts: dict[str, str | int | float]


IN, APPROVED, ANY = "in_house_only", "approved_vendors", "unrestricted"

RESIDENCY = [
    Case("dc-cant-leave", "Customer data can't leave our DC.", {"data_residency": IN}),
    Case("stay-on-prem", "everything must stay on-prem, no exceptions", {"data_residency": IN}),
    Case("inside-vpc", "the data has to stay inside our VPC", {"data_residency": IN}),
    Case("air-gapped", "we're an air-gapped shop, think defence contractor", {"data_residency": IN}),
    Case("hipaa-alone", "It's patient data, HIPAA applies.", {}),  # a cue to ask, not a constraint
    Case(
        "phi-with-baa", "PHI involved, but Azure OpenAI under our BAA is fine", {"data_residency": APPROVED}
    ),
    Case("gdpr-eu-only", "GDPR, EU region only", {"data_residency": APPROVED}),
    Case("dpa", "we have a DPA with the vendor", {"data_residency": APPROVED}),
    Case("approved-only", "approved providers only", {"data_residency": APPROVED}),
    Case("azure-approved", "Azure OpenAI is approved by security", {"data_residency": APPROVED}),
    Case("public-nothing-sensitive", "public data, nothing sensitive", {"data_residency": ANY}),
    Case("no-pii", "there's no PII in there", {"data_residency": ANY}),
    Case("anywhere", "data can go anywhere tbh", {"data_residency": ANY}),
    Case("not-in-house", "The data does NOT have to stay in house.", {"data_residency": APPROVED}),
    Case("not-sensitive", "It's not sensitive at all", {"data_residency": ANY}),
    Case("correction-approved", "no, approved vendors are fine", {"data_residency": APPROVED}),
    Case("nothing-leaves", "nothing leaves our network, period.", {"data_residency": IN}),
    Case("no-third-party", "we can't use any third-party APIs for this", {"data_residency": IN}),
    Case("legal-signed-off", "legal signed off on Bedrock last month", {"data_residency": APPROVED}),
    Case("region-germany", "It must be hosted in Germany for this client", {"data_residency": APPROVED}),
    Case("synthetic-any-provider", "Any provider is fine, it's all synthetic data", {"data_residency": ANY}),
    Case(
        "confidential-building", "confidential contracts, must not leave the building", {"data_residency": IN}
    ),
    Case("cant-typo", "data cant leave our datacenter", {"data_residency": IN}),
    Case("no-pii-phi-confidential", "no PII, no PHI, nothing confidential", {"data_residency": ANY}),
    Case("on-prem-only-typo", "on prem only", {"data_residency": IN}),
    Case("hipaa-eligible-vendor", "has to run on a HIPAA-eligible service", {"data_residency": APPROVED}),
    Case("zdr", "OpenAI with zero data retention is our standard", {"data_residency": APPROVED}),
    Case("no-residency-reqs", "We don't have any data residency requirements", {"data_residency": ANY}),
    Case("stays-aws-account", "all of it stays in our AWS account", {"data_residency": IN}),
    Case("openai-fine", "sending it to OpenAI is fine", {"data_residency": APPROVED}),
]

VOLUME = [
    Case("per-day", "about 3M tokens a day", {"monthly_tokens": 90_000_000}),
    Case("per-month-slash", "~50M tokens/month", {"monthly_tokens": 50_000_000}),
    Case("decimal-per-day", "1.5M tokens per day", {"monthly_tokens": 45_000_000}),
    Case("commas-per-week", "2,000,000 tokens a week", {"monthly_tokens": 8_666_667}),
    Case("per-year", "we burn roughly 1.2B tokens a year", {"monthly_tokens": 100_000_000}),
    Case("requests-x-tokens", "20k requests a day at ~1.5k tokens each", {"monthly_tokens": 900_000_000}),
    Case("per-hour", "100k tokens per hour", {"monthly_tokens": 72_000_000}),
    Case("rps", "10 rps, ~800 tokens per request", {"monthly_tokens": 20_736_000_000}),
    Case("million-monthly", "about 5 million tokens monthly", {"monthly_tokens": 5_000_000}),
    Case("actually-bare", "actually 20M", {"monthly_tokens": 20_000_000}),
    Case("range", "it's more like 2-3M tokens a day", {"monthly_tokens": 75_000_000}),
    Case(
        "people-x-tickets",
        "500 support agents each handle about 40 tickets a day, ~2k tokens per ticket",
        {"monthly_tokens": 1_200_000_000},
    ),
    Case(
        "item-then-rate", "Each request is ~1.5k tokens and we get 20k a day", {"monthly_tokens": 900_000_000}
    ),
    Case(
        "input-output-totals",
        "30M input tokens and 10M output tokens a month",
        {"monthly_tokens": 40_000_000},
    ),
    Case(
        "input-output-per-call",
        "1k input + 500 output tokens per call, 50k calls/day",
        {"monthly_tokens": 2_250_000_000},
    ),
    Case("mil-daily", "3 mil tokens daily", {"monthly_tokens": 90_000_000}),
    Case("tok-abbrev", "3M tok/day", {"monthly_tokens": 90_000_000}),
    Case("across-users", "roughly 400k tokens a day across all users", {"monthly_tokens": 12_000_000}),
    Case("volume-colon", "Volume: ~120M tokens per month, growing slowly", {"monthly_tokens": 120_000_000}),
    Case("bare-per-mo", "we're at 50M/mo", {"monthly_tokens": 50_000_000}),
    Case("docs-x-tokens", "5k docs/day x 4k tokens", {"monthly_tokens": 600_000_000}),
    Case("tokens-per-month-colon", "tokens per month: roughly 80M", {"monthly_tokens": 80_000_000}),
    Case("consistent-restatement", "3M tokens a day, so ~90M a month", {"monthly_tokens": 90_000_000}),
    Case(
        "requests-per-month",
        "we expect ~2 million requests per month with 1,200 tokens per request",
        {"monthly_tokens": 2_400_000_000},
    ),
    Case(
        "docs-each-100k",
        "We process 50 documents per day, each around 100k tokens",
        {"monthly_tokens": 150_000_000},
    ),
    Case("typo-tokns", "~3M tokns/day", {"monthly_tokens": 90_000_000}),
    Case("gpt4-at-volume", "GPT-4 at 3M tokens a day", {"monthly_tokens": 90_000_000}),
    Case("correction-not-2m", "sorry, I meant 20M tokens a month, not 2M", {"monthly_tokens": 20_000_000}),
    Case(
        "two-sentences",
        "We get about 20k tickets a day. Each one is roughly 2k tokens.",
        {"monthly_tokens": 1_200_000_000},
    ),
    Case("business-days", "around 1M tokens per business day", {"monthly_tokens": 22_000_000}),
    Case("word-million", "a million tokens a week, give or take", {"monthly_tokens": 4_333_333}),
    Case(
        "daily-requests-adjective",
        "30k daily requests, prompts average 1k tokens",
        {"monthly_tokens": 900_000_000},
    ),
    Case(
        "no-period-plain",
        "We're looking at about 40M tokens in total per month",
        {"monthly_tokens": 40_000_000},
    ),
]

NOT_VOLUMES = [
    Case("engineers-gpus", "we have 100 engineers and 2 GPUs", {}),
    Case("7b-model", "we'd run a 7B model, maybe a 70B later", {}),
    Case("price-per-million", "pricing is $3 per million tokens", {"api_price_per_mtok": 3.0}),
    Case("price-per-1m", "they charge $0.50 per 1M tokens", {"api_price_per_mtok": 0.5}),
    Case("uptime-http", "uptime 99.9%, we saw some HTTP 500s", {}),
    Case("version-date", "v2.1 shipped on 2024-05-01 (ticket #4521)", {}),
    Case("team-sizes", "We have 100 engineers and a 5-person platform team", {}),
    Case("70b-gpus", "Running Llama-3-70B would need 4 GPUs", {}),
    Case("headcount", "We have 12,000 employees", {}),
    Case("money-per-month", "We pay about $20k a month to OpenAI right now", {}),
    Case("concurrent-users", "The bot needs to handle 200 concurrent users", {}),
    Case("budget", "Budget is $5k/month", {}),
    Case("context-window", "a context window of 128k tokens is plenty", {}),
    Case("batch-of-docs", "first batch of 500 documents", {}),
    Case("people-weeks", "5 people, 2 weeks of runway on this", {}),
    Case("dollars-per-m", "GPT-4o is $5/1M input tokens", {}),
    Case("gpt-versions", "comparing gpt-3.5-turbo, GPT-4 and Llama 3.1 8B", {}),
]

EXPERTISE = [
    Case("ml-platform-team", "we have an ML platform team", {"ml_expertise": "strong"}),
    Case("mles-in-prod", "3 ML engineers who run models in prod", {"ml_expertise": "strong"}),
    Case("one-data-scientist", "there's one data scientist on the team", {"ml_expertise": "some"}),
    Case("played-with-hf", "a couple of folks have played with Hugging Face", {"ml_expertise": "some"}),
    Case("nobody-deployed", "nobody has deployed a model", {"ml_expertise": "none"}),
    Case("no-ml-team", "no ML team", {"ml_expertise": "none"}),
    Case("all-web-devs", "we're all web devs", {"ml_expertise": "none"}),
    Case("no-team-but-ds", "no ML team, but we have one data scientist", {"ml_expertise": "some"}),
    Case("two-mles", "We've got two MLEs", {"ml_expertise": "strong"}),
    Case(
        "mlops-serves-llama",
        "our MLOps team already serves Llama 3 on our own GPUs",
        {"ml_expertise": "strong"},
    ),
    Case("zero-ml", "We have zero ML experience", {"ml_expertise": "none"}),
    Case(
        "backend-nobody-touched",
        "team of 4 backend engineers, nobody has touched ML",
        {"ml_expertise": "none"},
    ),
    Case("fine-tuned-bert", "we fine-tuned BERT a couple years ago", {"ml_expertise": "some"}),
    Case("junior-mle", "one junior ML engineer", {"ml_expertise": "some"}),
    Case("dont-typo", "we dont have an ML team", {"ml_expertise": "none"}),
    Case(
        "tinkered-ollama",
        "nobody here knows ML; a couple of folks tinkered with ollama",
        {"ml_expertise": "some"},
    ),
    Case(
        "shipped-to-prod",
        "We don't have data scientists but our backend team has shipped a fine-tuned model to prod",
        {"ml_expertise": "strong"},
    ),
    Case("strong-ml-background", "the team has a strong ML background", {"ml_expertise": "strong"}),
    Case("no-ml-experience", "honestly no ML experience on the team", {"ml_expertise": "none"}),
]

LATENCY = [
    Case("under-200ms", "needs to respond in under 200 ms", {"latency": "critical"}),
    Case("1-2s-fine", "1-2 s is fine", {"latency": "interactive"}),
    Case("few-seconds", "a few seconds is fine", {"latency": "interactive"}),
    Case("realtime-voice", "real-time voice assistant", {"latency": "critical"}),
    Case("autocomplete", "autocomplete in the IDE", {"latency": "critical"}),
    Case("chat-ui", "it's a chat UI for our support team", {"latency": "interactive"}),
    Case("nightly-batch", "nightly batch job", {"latency": "relaxed"}),
    Case("async-nobody-waits", "runs async, nobody waits on it", {"latency": "relaxed"}),
    Case("overnight", "overnight is fine", {"latency": "relaxed"}),
    Case("not-real-time", "doesn't need to be real-time", {"latency": "relaxed"}),
    Case("not-latency-sensitive", "not latency sensitive", {"latency": "relaxed"}),
    Case("p95-500ms", "p95 latency must be below 500ms", {"latency": "interactive"}),
    Case("within-30s", "responses within 30 seconds are ok", {"latency": "relaxed"}),
    Case("chat-not-realtime", "chat UI, but it doesn't need to be real-time", {"latency": "interactive"}),
    Case("latency-doesnt-matter", "latency doesn't matter much", {"latency": "relaxed"}),
    Case("near-real-time", "near real-time dashboards", {"latency": "interactive"}),
    Case("sub-100", "target sub-100 ms", {"latency": "critical"}),
    Case("realtime-isnt-needed", "realtime isn't needed", {"latency": "relaxed"}),
    Case("sub-second", "sub-second responses please", {"latency": "interactive"}),
    Case("explicit-relaxed", "scratch that: latency is relaxed, it's a nightly job", {"latency": "relaxed"}),
    Case("sla-p99", "Our SLA is 99.95% and p99 is 800ms", {"latency": "interactive"}),
    Case("realtime-voicebot-typo", "realtime voice bot", {"latency": "critical"}),
    Case("latency-sensitive-typo", "it's not latancy sensitve", {"latency": "relaxed"}),
    Case("within-an-hour", "results within an hour are fine", {"latency": "relaxed"}),
]

SPECIALIZATION = [
    Case("own-templates", "output has to follow our own templates", {"specialization": "niche"}),
    Case("internal-codes", "lots of internal codes and jargon", {"specialization": "niche"}),
    Case("own-categories", "tag incoming support emails with our ~200 internal categories",
         {"specialization": "moderate"}),
    Case("own-ticket-types", "route them to our 12 ticket types", {"specialization": "moderate"}),
    Case("generic-categories", "the categories are generic", {}),
    Case("contract-clauses", "it has to understand our contract clauses", {"specialization": "niche"}),
    Case("icd10", "map clinician notes to ICD-10 codes", {"specialization": "niche"}),
    Case("part-numbers", "proprietary part numbers everywhere", {"specialization": "niche"}),
    Case("somewhat", "somewhat domain-specific", {"specialization": "moderate"}),
    Case("general-writing", "general writing help for the sales team", {"specialization": "general"}),
    Case("email-summaries", "summaries of emails", {"specialization": "general"}),
    Case(
        "generic-chatbot",
        "generic chatbot for the website",
        {"specialization": "general", "latency": "interactive"},
    ),
    Case("not-domain-specific", "it's not domain-specific", {"specialization": "general"}),
    Case("some-jargon", "some industry jargon but mostly plain English", {"specialization": "moderate"}),
    Case(
        "highly-specialized",
        "the vocabulary is highly specialized (chip design)",
        {"specialization": "niche"},
    ),
    Case("specialized-model", "we're thinking of a specialized model", {}),
    Case("nothing-special", "nothing specialized, just customer emails", {"specialization": "general"}),
]

PRIORITIES = [
    Case("best-legal", "needs to be the best, it goes to legal review", {"quality_bar": "peak"}),
    Case("cant-afford", "we can't afford mistakes here", {"quality_bar": "peak"}),
    Case("good-enough", "good enough is fine, rough drafts are ok", {"quality_bar": "standard"}),
    Case("not-perfect", "doesn't need to be perfect", {"quality_bar": "standard"}),
    Case("human-reviews", "a human reviews everything anyway", {"quality_bar": "standard"}),
    Case("accuracy-critical", "accuracy is critical", {"quality_bar": "peak"}),
    Case(
        "not-best-model",
        "it doesn't have to be the best model, good enough is fine",
        {"quality_bar": "standard"},
    ),
    Case("next-week", "need it next week", {"time_to_market": "urgent"}),
    Case("asap", "ASAP please", {"time_to_market": "urgent"}),
    Case("demo-friday", "demo on Friday", {"time_to_market": "urgent"}),
    Case("no-rush", "no rush", {"time_to_market": "normal"}),
    Case("next-quarter", "sometime next quarter", {"time_to_market": "normal"}),
    Case("launch-3-months", "we'd like to launch in 3 months", {"time_to_market": "normal"}),
    Case("not-urgent", "This is NOT urgent", {"time_to_market": "normal"}),
    Case("launching-q3", "launching in Q3", {"time_to_market": "normal"}),
    Case("two-weeks", "5 people, need it in 2 weeks", {"time_to_market": "urgent"}),
    Case(
        "explicit-fields",
        "latency: relaxed, quality_bar: peak",
        {"latency": "relaxed", "quality_bar": "peak"},
    ),
    Case("forecast-not-deadline", "we expect volume to double by next year", {}),
]

NOTHING = [
    Case("emoji", "\U0001f680\U0001f680\U0001f680", {}),
    Case("spanish", "Los datos no pueden salir de nuestro centro de datos", {}),
    Case("japanese", "\u30c7\u30fc\u30bf\u306f\u793e\u5916\u306b\u51fa\u305b\u307e\u305b\u3093", {}),
    Case("question-hipaa", "Is HIPAA a problem if we use OpenAI?", {}),
    Case("question-tokens", "how many tokens do we need?", {}),
    Case("what-if", "what if we hit 500M tokens?", {}),
    Case("hedged-realtime", "not sure if it needs to be real-time", {}),
    Case("small-talk", "thanks, that's super helpful! will circle back", {}),
    Case("speed-typo", "needs to be realy fast", {}),
]

SLACK_MESSAGES = [
    Case(
        "support-bot",
        "Hey! We're building a support chatbot. ~20k conversations/day, avg 1.5k tokens each. Data is "
        "customer PII so it can't leave our VPC. Team is 5 web devs, no ML folks. Need something by end of "
        "next week.",
        {
            "monthly_tokens": 900_000_000,
            "data_residency": IN,
            "ml_expertise": "none",
            "latency": "interactive",
            "time_to_market": "urgent",
        },
    ),
    Case(
        "legal-contracts",
        "quick q: legal team wants to summarize contracts and flag non-standard clauses against our clause "
        "library. ~300 contracts a week, maybe 20k tokens each. Everything has to stay on-prem (client "
        "confidentiality). We have 2 ML engineers. Accuracy is critical, no rush though.",
        {
            "monthly_tokens": 26_000_000,
            "data_residency": IN,
            "specialization": "niche",
            "ml_expertise": "strong",
            "quality_bar": "peak",
            "time_to_market": "normal",
        },
    ),
    Case(
        "marketing-drafts",
        "Marketing wants a tool for blog post drafts. Maybe 2M tokens a month. Public info only, rough "
        "drafts are fine, whenever.",
        {
            "monthly_tokens": 2_000_000,
            "specialization": "general",
            "data_residency": ANY,
            "quality_bar": "standard",
        },
    ),
    Case(
        "dsl-autocomplete",
        "We need autocomplete for our internal DSL in the IDE, latency has to be under 100ms, ~500 devs each "
        "triggering ~200 completions a day at ~300 tokens.",
        {"latency": "critical", "specialization": "niche", "monthly_tokens": 900_000_000},
    ),
    Case(
        "log-ingest",
        "ops summary: we ingest ~40M tokens/day of logs, nightly, nobody waits on it. We have an MLOps team "
        "of 6.",
        {"monthly_tokens": 1_200_000_000, "latency": "relaxed", "ml_expertise": "strong"},
    ),
    Case(
        "voice-agent",
        "voice agent for the call center, needs <300ms, data stays in our AWS account, we have a data "
        "scientist or two",
        {"latency": "critical", "data_residency": IN, "ml_expertise": "some"},
    ),
    Case(
        "helpdesk-bullets",
        "Use case: internal IT helpdesk bot\n- ~8k tickets/day, each ~1k tokens in + 400 out\n- data: "
        "employee info, must stay in our Azure tenant\n- team: 2 data scientists, no one has deployed an "
        "LLM\n- UX: answers in a few seconds are fine\n- timeline: pilot next quarter",
        {
            "monthly_tokens": 336_000_000,
            "data_residency": IN,
            "ml_expertise": "some",
            "latency": "interactive",
            "time_to_market": "normal",
        },
    ),
    Case(
        "startup-demo",
        "We're a 3-person startup, all full-stack devs. Want to add summaries of support tickets to our "
        "app. Maybe 500 tickets a day, 2k tokens each. Data's not sensitive. Need it for a demo on Friday!",
        {
            "ml_expertise": "none",
            "specialization": "general",
            "monthly_tokens": 30_000_000,
            "data_residency": ANY,
            "time_to_market": "urgent",
        },
    ),
    Case(
        "insurance-claims",
        "We're processing insurance claims: ~1M claims/month, each maybe 3k tokens. Claims include PHI. We "
        "can use AWS Bedrock (HIPAA eligible, BAA signed). Our 4-person ML team runs SageMaker endpoints "
        "in production. Quality matters a lot, turnaround can be hours.",
        {
            "monthly_tokens": 3_000_000_000,
            "data_residency": APPROVED,
            "ml_expertise": "strong",
            "quality_bar": "peak",
            "latency": "relaxed",
        },
    ),
    Case(
        "eu-bank",
        "Context: EU bank, GDPR applies, we can only use EU-hosted endpoints from approved vendors. Around "
        "15M tokens per week. It's a chat assistant for relationship managers, a couple of seconds is ok. "
        "Uses our internal product codes everywhere.",
        {
            "data_residency": APPROVED,
            "monthly_tokens": 65_000_000,
            "latency": "interactive",
            "specialization": "niche",
        },
    ),
    Case(
        "research-team",
        "We're the applied research group: 8 ML engineers, we've deployed our own models to production "
        "for years. Workload is batch classification of scientific abstracts, ~2B tokens a month, nothing "
        "sensitive. Highest quality possible please.",
        {
            "ml_expertise": "strong",
            "latency": "relaxed",
            "monthly_tokens": 2_000_000_000,
            "data_residency": ANY,
            "quality_bar": "peak",
        },
    ),
    Case(
        "conflicting-latency-two-workloads",
        "Two things: a nightly batch summarizer and a real-time voice bot.",
        {},
    ),
    Case(
        "email-triage",
        "email triage for sales: general business writing, about 10k emails a week at ~700 tokens each, "
        "async is fine, no rush, no ML people here",
        {
            "specialization": "general",
            "monthly_tokens": 30_333_333,
            "latency": "relaxed",
            "time_to_market": "normal",
            "ml_expertise": "none",
        },
    ),
    Case(
        "clinical-notes",
        "clinical notes -> ICD-10 coding assistant. PHI obviously, nothing can leave the hospital network. "
        "Coders use it interactively; a couple of seconds is fine. Can't afford mistakes.",
        {"specialization": "niche", "data_residency": IN, "latency": "interactive", "quality_bar": "peak"},
    ),
    Case(
        "correction-thread",
        "oops, correction: it's 5M tokens a day, not 5M a month",
        {"monthly_tokens": 150_000_000},
    ),
    Case(
        "hedged-vendor",
        "not sure whether Azure OpenAI is approved yet; we do about 1M tokens/day",
        {"monthly_tokens": 30_000_000},
    ),
]

MORE_PHRASINGS = [
    Case(
        "azure-data-remain-within",
        "We're on Azure and the data has to remain within our tenant. ~600k tokens/day.",
        {"data_residency": IN, "monthly_tokens": 18_000_000},
    ),
    Case(
        "sensitive-hr-docs-must",
        "Sensitive HR docs \u2014 must not be sent to any external service.",
        {"data_residency": IN},
    ),
    Case(
        "only-vendors-approved-list",
        "Only vendors on our approved list can touch this data.",
        {"data_residency": APPROVED},
    ),
    Case(
        "legal-says-openai-enterprise",
        "Legal says OpenAI's enterprise tier is fine since it has no-training terms.",
        {"data_residency": APPROVED},
    ),
    Case(
        "data-already-public-website",
        "Data is already public on our website, so no concerns there.",
        {"data_residency": ANY},
    ),
    Case(
        "financial-records-sox-scope",
        "financial records, SOX scope, must stay in our own data center",
        {"data_residency": IN},
    ),
    Case(
        "canadian-company-data-stay",
        "we're a Canadian company, data has to stay in Canada",
        {"data_residency": APPROVED},
    ),
    Case("no-restrictions-where-data", "No restrictions on where the data goes.", {"data_residency": ANY}),
    Case(
        "need-about-250-million",
        "We need about 250 million tokens every month.",
        {"monthly_tokens": 250_000_000},
    ),
    Case(
        "peak-50-req-average",
        "Peak is 50 req/s; average prompt+completion ~1200 tokens.",
        {"monthly_tokens": 155_520_000_000},
    ),
    Case(
        "each-summary-request-roughly",
        "Each summary request is roughly 3k tokens, and we expect 2k of them per day.",
        {"monthly_tokens": 180_000_000},
    ),
    Case(
        "do-10b-tokens-month",
        "We do ~10B tokens/month across all products",
        {"monthly_tokens": 10_000_000_000},
    ),
    Case("job-processes-2tb-dataset", "The job processes a 2TB dataset once", {}),
    Case("tokens-5m-day", "Tokens: ~5M/day", {"monthly_tokens": 150_000_000}),
    Case("usage-around-0-5m", "usage is around 0.5M tokens daily", {"monthly_tokens": 15_000_000}),
    Case(
        "15k-calls-per-day",
        "15k calls per day to the LLM, ~2.5k tokens per call",
        {"monthly_tokens": 1_125_000_000},
    ),
    Case("4-h100s-30-engineers", "We have 4 H100s and 30 engineers", {}),
    Case("13b-variant-did-fine", "the 13B variant did fine in our eval, 85% accuracy", {}),
    Case("think-100-requests-day", "I think 100 requests a day, tops.", {}),
    Case(
        "ve-had-team-ml",
        "We've had a team of ML researchers training and serving models for 5 years.",
        {"ml_expertise": "strong"},
    ),
    Case("ml-experience-none", "ML experience: none", {"ml_expertise": "none"}),
    Case("run-vllm-prod-two", "we run vLLM in prod for two other products", {"ml_expertise": "strong"}),
    Case("latency-budget-2-seconds", "Latency budget is 2 seconds end to end.", {"latency": "interactive"}),
    Case(
        "nobody-sitting-there-waiting",
        "Nobody's sitting there waiting; results land in a dashboard the next morning.",
        {"latency": "relaxed"},
    ),
    Case("powers-type-ahead-search", "It powers type-ahead search suggestions", {"latency": "critical"}),
    Case(
        "users-chat-app-should",
        "Users chat with it in our app, so it should feel snappy",
        {"latency": "interactive"},
    ),
    Case("can-live-5-10", "We can live with 5-10 second responses.", {"latency": "interactive"}),
    Case(
        "weekly-reports-generated-over",
        "weekly reports, generated over the weekend",
        {"latency": "relaxed"},
    ),
    Case("output-must-use-product", "Output must use our product terminology", {"specialization": "niche"}),
    Case(
        "generic-q-over-public",
        "Generic Q&A over public docs",
        {"specialization": "general", "data_residency": ANY},
    ),
    Case(
        "pretty-standard-customer-support",
        "Pretty standard customer support stuff, nothing exotic",
        {"specialization": "general"},
    ),
    Case(
        "fine-if-wrong-sometimes",
        "It's fine if it's wrong sometimes, a human approves every reply",
        {"quality_bar": "standard"},
    ),
    Case("targeting-end-q2", "We're targeting end of Q2", {"time_to_market": "normal"}),
    Case("leadership-wants-live-10", "Leadership wants this live in 10 days", {"time_to_market": "urgent"}),
    Case("there-no-hard-deadline", "There's no hard deadline", {"time_to_market": "normal"}),
    Case("board-demo-monday", "the board demo is Monday", {"time_to_market": "urgent"}),
    Case("2-weeks-ship-an", "We have 2 weeks to ship an MVP", {"time_to_market": "urgent"}),
    Case("can-get-running-by", "can we get this running by Friday?", {}),
    Case("llama-3-1-8b", "Llama 3.1 8B at 4-bit needs ~6GB", {}),
    Case("90-requests-under-500", "90% of requests are under 500 tokens", {}),
    Case("throughput-300-tokens-per", "Throughput is ~300 tokens/s per GPU", {}),
    Case(
        "seeing-2k-3k-tokens",
        "We're seeing 2k-3k tokens per conversation and ~5k conversations a week",
        {"monthly_tokens": 54_166_667},
    ),
    Case("rag-corpus-300m-tokens", "our RAG corpus is 300M tokens", {}),
    Case("no-gpus-no-one", "we have no GPUs and no one who has run a model server", {"ml_expertise": "none"}),
    Case(
        "assistant-drafts-replies-agents",
        "The assistant drafts replies that agents edit before sending, so quality can be average",
        {"quality_bar": "standard"},
    ),
    Case(
        "must-hipaa-compliant-can",
        "must be HIPAA compliant; we can't send PHI to OpenAI",
        {"data_residency": IN},
    ),
    Case(
        "everything-already-s3-bedrock",
        "everything is already in S3 and Bedrock is allowed",
        {"data_residency": APPROVED},
    ),
    Case(
        "traffic-1-2m-requests",
        "traffic is 1.2M requests/month, ~900 tokens each",
        {"monthly_tokens": 1_080_000_000},
    ),
    Case(
        "data-not-confidential-latency",
        "the data's not confidential and latency isn't a concern",
        {"data_residency": ANY, "latency": "relaxed"},
    ),
    Case(
        "2-ml-engineers-pm",
        "We're 2 ML engineers and a PM; we've fine-tuned and served Mistral before",
        {"ml_expertise": "strong"},
    ),
    Case(
        "llm-advisor-following-up",
        "hey @llm-advisor, following up from standup. We're evaluating whether to move our doc-QA feature "
        "off GPT-4. Current bill is around $12k/month. Traffic is ~4M tokens per day and growing 10% MoM. "
        "Security has approved OpenAI and Anthropic under our enterprise agreements. We have one ML "
        "engineer (me). Latency: users expect answers in 2-3 seconds.",
        {
            "monthly_tokens": 120_000_000,
            "data_residency": APPROVED,
            "ml_expertise": "some",
            "latency": "interactive",
        },
    ),
    Case(
        "question-about-meeting-notes",
        "Question about the meeting-notes summarizer: it runs after each meeting ends, so a couple of "
        "minutes delay is totally fine. Meetings are ~45 min, transcripts ~8k tokens, we have about 1,500 "
        "meetings per week. Notes can contain confidential customer stuff, but our Azure OpenAI instance "
        "is approved for that.",
        {
            "latency": "relaxed",
            "monthly_tokens": 52_000_000,
            "data_residency": APPROVED,
            "specialization": "general",
        },
    ),
    Case(
        "context-40-person-fintech",
        "For context: we're a 40-person fintech. 6 backend engineers, zero ML. Data is card transactions "
        "(PCI), must stay in our VPC. We'd need the categorizer to tag ~2M transactions/day, each ~150 "
        "tokens. Batch is fine.",
        {"ml_expertise": "none", "data_residency": IN, "monthly_tokens": 9_000_000_000, "latency": "relaxed"},
    ),
    Case(
        "platform-team-k8s-terraform",
        "I'm on the platform team (k8s, Terraform, no ML background). Someone asked me to figure out the "
        "LLM setup for the code-review bot. PRs average 600 lines. ~300 PRs a day. Dunno the token count "
        "tbh.",
        {"ml_expertise": "none"},
    ),
    Case(
        "translation-pipeline-10-languages",
        "Re: the translation pipeline \u2014 10 languages, 500k words/day. Target is next-day delivery, "
        "and the output is reviewed by human translators anyway. Content is marketing material that ends "
        "up on our public site.",
        {"latency": "relaxed", "quality_bar": "standard", "data_residency": ANY},
    ),
    Case(
        "got-burned-last-time",
        "We got burned last time: the model hallucinated a refund policy. This time accuracy is "
        "non-negotiable. Customer-facing chat, so responses need to start streaming within 1s.",
        {"quality_bar": "peak", "latency": "interactive"},
    ),
    Case(
        "see-https-wiki-example",
        "See https://wiki.example.com/llm-plan?id=42&v=3 for details. Summary: 7 data scientists, 2 MLEs, "
        "deploying to our on-prem GPU cluster is routine for us.",
        {"ml_expertise": "strong"},
    ),
    Case(
        "numbers-p50-1-2s",
        "Numbers: p50 1.2s, p99 4s on the current API. That's fine for us. ~25k chats/day, ~3k tokens each "
        "including the system prompt.",
        {"latency": "interactive", "monthly_tokens": 2_250_000_000},
    ),
    Case(
        "there-any-issue-sending",
        "Is there any issue with sending PII to Bedrock? We're in us-east-1.",
        {},
    ),
    Case("lol-no-don-t", "lol no, we don't need real-time, it's a weekly digest", {"latency": "relaxed"}),
    Case(
        "volume-800k-tok-day",
        "Ok so: volume ~ 800k tok/day, data = public docs, team = 3 MLEs, latency = whatever, quality = "
        "best possible, deadline = end of next week",
        {
            "monthly_tokens": 24_000_000,
            "data_residency": ANY,
            "ml_expertise": "strong",
            "quality_bar": "peak",
            "time_to_market": "urgent",
        },
    ),
    Case(
        "max-tokens-4096-temperature",
        "```\nmax_tokens: 4096\ntemperature: 0.2\n```\nthat's our current config",
        {},
    ),
    Case(
        "eng-team-250-people",
        "our eng team is 250 people across 12 squads; the pilot squad has 6 devs",
        {},
    ),
    Case("growing-from-20m-60m", "We're growing from 20M to 60M tokens a month over the year", {}),
    Case(
        "users-type-question-wait",
        "users type a question and wait for the answer, so ~1-3s feels right",
        {"latency": "interactive"},
    ),
    Case(
        "nothing-here-regulated-internal",
        "Nothing here is regulated, it's internal engineering docs",
        {"data_residency": ANY},
    ),
    Case("can-t-go-external", "can't go to external APIs, security won't allow it", {"data_residency": IN}),
    Case(
        "an-internal-hackathon-demo",
        "it's for an internal hackathon demo on Thursday, quality doesn't matter much",
        {"time_to_market": "urgent", "quality_bar": "standard"},
    ),
    Case("k8s-cluster-3-nodes", "Our k8s cluster has 3 nodes with 2 A100s each", {}),
    Case("last-quarter-shipped-4", "Last quarter we shipped 4 features and closed 120 tickets", {}),
    Case("can-you-explain-why", "Can you explain why latency matters for the recommendation?", {}),
    Case(
        "read-self-hosting-cheaper",
        "I read that self-hosting is cheaper above 1B tokens/month, is that right?",
        {},
    ),
    Case("model-card-says-8k", "The model card says 8k context, 4k output max.", {}),
    Case("fine-tuning-50k-examples", "Fine-tuning on 50k examples took 6 hours on one GPU", {}),
    Case(
        "slack-channel-400-members",
        "We have a Slack channel with 400 members asking questions all day",
        {},
    ),
    Case(
        "prompts-long-around-6k",
        "Our prompts are long, around 6k tokens, mostly retrieved context; we expect ~40k queries a day.",
        {"monthly_tokens": 7_200_000_000},
    ),
    Case(
        "currently-800-mo-gpt",
        "Currently ~$800/mo on GPT-4o-mini for roughly 1.6B tokens/mo.",
        {"monthly_tokens": 1_600_000_000},
    ),
    Case(
        "d-like-results-same",
        "We'd like results the same day, but not necessarily within minutes.",
        {"latency": "relaxed"},
    ),
    Case(
        "an-internal-tool-50",
        "It's an internal tool, 50 users, each maybe 20 questions a day, ~1k tokens per question.",
        {"monthly_tokens": 30_000_000},
    ),
    Case(
        "anything-under-500ms-fine",
        "Anything under 500ms is fine for the classifier",
        {"latency": "interactive"},
    ),
    Case(
        "customers-eu-promised-them",
        "Customers are in the EU and we promised them EU data residency",
        {"data_residency": APPROVED},
    ),
    Case("not-allowed-use-any", "we are not allowed to use any cloud LLM providers", {"data_residency": IN}),
    Case(
        "use-openai-as-long",
        "It's OK to use OpenAI as long as we strip PII first",
        {"data_residency": APPROVED},
    ),
    Case(
        "don-t-need-perfect",
        "We don't need it to be perfect; a human checks every output",
        {"quality_bar": "standard"},
    ),
    Case(
        "two-us-trained-small",
        "Two of us have trained small PyTorch models, nothing in production though",
        {"ml_expertise": "some"},
    ),
    Case(
        "data-science-team-12",
        "Our data science team of 12 trains and deploys models weekly",
        {"ml_expertise": "strong"},
    ),
    Case(
        "terminology-very-specific-semiconductor",
        "The terminology is very specific to semiconductor manufacturing",
        {"specialization": "niche"},
    ),
    Case(
        "mostly-generic-customer-service",
        "Mostly generic customer service questions",
        {"specialization": "general"},
    ),
    Case(
        "need-poc-done-3",
        "We need the POC done in 3 weeks for the exec review",
        {"time_to_market": "urgent"},
    ),
    Case("timeline-flexible-probably-h2", "Timeline is flexible, probably H2", {"time_to_market": "normal"}),
    Case("3k-rpm-at-peak", "3k RPM at peak, 500 tokens each", {"monthly_tokens": 64_800_000_000}),
    Case(
        "generate-about-50-reports",
        "We generate about 50 reports a night, each ~20k tokens",
        {"monthly_tokens": 30_000_000, "latency": "relaxed"},
    ),
    Case(
        "volume-small-maybe-100k",
        "Volume is small, maybe 100k tokens a month",
        {"monthly_tokens": 100_000},
    ),
    Case("migrated-postgres-16-last", "We migrated to Postgres 16 last week and it took 3 days", {}),
    Case("p99-search-api-regressed", "Our p99 for the search API regressed to 900ms after the deploy", {}),
    Case("pr-2-345-lines", "The PR has 2,345 lines changed across 48 files", {}),
    Case("out-next-week-ping", "I'm out next week, ping Sam for anything urgent", {}),
    Case("tried-real-time-api", "We tried the real-time API from OpenAI but it was flaky", {}),
    Case("there-10-discount-if", "There's a 10% discount if we commit to 1B tokens", {}),
    Case("test-suite-runs-1", "The test suite runs 1,200 tests in about 4 minutes", {}),
    Case("please-summarize-thread-me", "Please summarize this thread for me", {}),
    Case("call-rotation-6-engineers", "our on-call rotation has 6 engineers", {}),
    Case("gpu-node-costs-2", "The GPU node costs $2.50/hour on-demand", {}),
    Case("fyi-demo-went-well", "FYI the demo went well, thanks all!", {}),
    Case("latency-great-far-150ms", "latency is great so far, ~150ms p50", {"latency": "critical"}),
    Case(
        "healthcare-startup-all-inputs",
        "We're a healthcare startup; all inputs are patient messages (PHI). Need a BAA-covered provider or "
        "self-host.",
        {"data_residency": APPROVED},
    ),
    Case(
        "get-roughly-1k-support",
        "we get roughly 1k support emails per day and each reply draft is ~400 tokens in+out",
        {"monthly_tokens": 12_000_000},
    ),
    Case(
        "throughput-5-million-tokens",
        "Throughput: 5 million tokens an hour at peak, much lower overnight",
        {"monthly_tokens": 3_600_000_000, "latency": "relaxed"},
    ),
    Case(
        "team-knows-kubernetes-inside",
        "The team knows Kubernetes inside out but has never served a model",
        {"ml_expertise": "none"},
    ),
    Case("hired-first-ml-engineer", "We hired our first ML engineer last month", {"ml_expertise": "some"}),
    Case(
        "ml-folks-busy-fraud",
        "our ML folks are busy on fraud models, so realistically nobody can help with this",
        {"ml_expertise": "some"},
    ),
    Case(
        "users-lawyers-outputs-go",
        "the users are lawyers and the outputs go into court filings, so zero tolerance for hallucinations",
        {"quality_bar": "peak"},
    ),
    Case(
        "answers-need-cite-internal",
        "answers need to cite our internal policy codes (e.g. HR-204, FIN-17)",
        {"specialization": "niche"},
    ),
    Case(
        "responses-under-2-seconds",
        "responses under 2 seconds, but honestly 5s would be ok",
        {"latency": "interactive"},
    ),
    Case("don-t-care-about", "don't care about speed, it's a nightly ETL step", {"latency": "relaxed"}),
    Case(
        "no-deadline-really-exploratory",
        "no deadline really, this is exploratory",
        {"time_to_market": "normal"},
    ),
    Case(
        "must-run-prem-because",
        "it must run on-prem because of a contract with our biggest customer",
        {"data_residency": IN},
    ),
]

# Answers as people give them to the bot's questions, and the plain statements near them that
# must keep their reading (or stay unread).
ANSWERS_IN_PASSING = [
    Case("know-internal-frameworks", "it needs to know our internal frameworks pretty well",
         {"specialization": "moderate"}),
    Case("understand-internal-apis", "it has to understand our internal APIs",
         {"specialization": "moderate"}),
    Case("follow-house-style", "it should follow our house style", {"specialization": "moderate"}),
    Case("not-know-internal-tools", "it doesn't need to know our internal tools",
         {"specialization": "general"}),
    Case("know-internal-jargon", "it needs to know our internal jargon", {"specialization": "niche"}),
    Case("company-specific-jargon", "lots of company-specific jargon", {"specialization": "niche"}),
    Case("team-knows-our-stack", "we know our stack really well", {}),
    Case("bot-calls-internal-apis", "the bot calls our internal APIs", {}),
    Case("matches-users-to-products", "a recommender that matches users to our products", {}),
    Case("customers-understand-products", "so customers understand our products better", {}),
    Case("platform-team-runs-gpus", "we have a platform team of 3 who run k8s and GPUs already",
         {"ml_expertise": "some"}),
    Case("infra-team-gpu-clusters", "our infra team runs GPU clusters", {"ml_expertise": "some"}),
    Case("operate-gpu-cluster", "we operate a GPU cluster", {"ml_expertise": "some"}),
    Case("run-models-in-prod", "we run models in prod", {"ml_expertise": "strong"}),
    Case("app-runs-on-k8s", "the app, which runs on kubernetes, gets 10M tokens a month",
         {"monthly_tokens": 10_000_000}),
    Case("we-run-on-k8s", "we run on k8s", {}),
    Case("run-models-on-k8s", "we run our models on k8s in prod", {"ml_expertise": "strong"}),
    Case("nobody-done-ml", "nobody here has done ML", {"ml_expertise": "none"}),
    Case("data-can-leave", "data can leave, it's fine", {"data_residency": ANY}),
    Case("fine-for-data-to-leave", "it's fine for the data to leave", {"data_residency": ANY}),
    Case("data-can-leave-approved", "data can leave but only to approved vendors",
         {"data_residency": APPROVED}),
    Case("data-can-leave-if", "data can leave the building if it's anonymised", {}),
    Case("data-cant-leave", "data can't leave", {}),
    Case("quality-bar-moderate", "quality bar is moderate", {"quality_bar": "standard"}),
    Case("moderate-quality-bar", "a moderate quality bar", {"quality_bar": "standard"}),
    Case("quality-bar-high", "the quality bar is high", {"quality_bar": "peak"}),
    Case("high-quality-output", "high quality output", {}),
]


CASES: list[Case] = [
    *ANSWERS_IN_PASSING,
    *RESIDENCY,
    *VOLUME,
    *NOT_VOLUMES,
    *EXPERTISE,
    *LATENCY,
    *SPECIALIZATION,
    *PRIORITIES,
    *NOTHING,
    *SLACK_MESSAGES,
    *MORE_PHRASINGS,
]
