"""Modal submissions (the facts form and the what-if form) and the form's model search."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt import Ack, App

from bot.slack import ids, render
from bot.slack.advisor import SlackAdvisor
from bot.slack.ids import Place, Thread
from scoring import WorkloadFacts


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _first_submission(advisor: SlackAdvisor, view: dict[str, Any]) -> bool:
    """A form is acted on once, whichever replica its submission reaches."""
    return advisor.claim_once(f"submit:{view.get('id')}:{view.get('hash')}")


def register(app: App, advisor: SlackAdvisor) -> None:
    def read_facts(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        facts, errors = render.parse_facts_submission(view.get("state", {}).get("values", {}))
        model = facts.get("api_model")
        if model is not None and advisor.services.prices.find(str(model)) is None:
            # An option picked from an older catalog than the one now loaded.
            errors.setdefault(ids.INPUT_API_MODEL, "That model is no longer in the price catalog.")
        return facts, errors

    def check_facts(ack: Ack, view: dict[str, Any]) -> None:
        _, errors = read_facts(view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def submit_facts(body: dict[str, Any], view: dict[str, Any]) -> None:
        facts, errors = read_facts(view)
        if errors or not _first_submission(advisor, view):
            return
        user = str(body["user"]["id"])
        team = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        channel = _metadata(view).get("channel")
        advisor.start_from_facts(team, channel if isinstance(channel, str) else None, user,
                                 WorkloadFacts.model_validate(facts))

    def ack_what_if(ack: Ack, view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        change = str(values.get(ids.INPUT_WHAT_IF, {}).get(ids.INPUT_WHAT_IF, {}).get("value") or "")
        if not change.strip():
            ack(response_action="errors", errors={ids.INPUT_WHAT_IF: "Describe one change."})
        else:
            ack()

    def submit_what_if(body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        change = str(values.get(ids.INPUT_WHAT_IF, {}).get(ids.INPUT_WHAT_IF, {}).get("value") or "")
        metadata = _metadata(view)
        thread = Thread.from_key(str(metadata.get("key", "")))
        reply_ts = metadata.get("reply_ts", thread.reply_ts if thread else None)
        if not change.strip() or thread is None or not _first_submission(advisor, view):
            return
        place = Place(thread, reply_ts if isinstance(reply_ts, str) else None)
        advisor.command_in_thread(place, str(body["user"]["id"]), f"what if {change.strip()}",
                                  f"{time.time():.6f}")

    def api_model_options(ack: Ack, payload: dict[str, Any]) -> None:
        ack(options=render.model_options(advisor.services.prices, str(payload.get("value") or "")))

    app.view(ids.FACTS_MODAL)(ack=check_facts, lazy=[submit_facts])
    app.options(ids.INPUT_API_MODEL)(api_model_options)
    app.view(ids.WHAT_IF_MODAL)(ack=ack_what_if, lazy=[submit_what_if])
