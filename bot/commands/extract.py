"""`llm-advisor extract TEXT`: show the workload facts one message states, and the words behind them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import UserError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.extraction import Extraction


def render(result: Extraction) -> str:
    """A readable list: one line per fact with its evidence, then conflicts, rejected values, ranges,
    estimates, cues, a lone half of a volume, a period correction and which facts were corrections."""
    if result.is_empty():
        return "No workload facts found in that message."
    lines = []
    for fact, value in result.stated().items():
        line = f'{fact}: {_shown(value)}  (from "{result.evidence.get(fact, "")}")'
        if fact in result.derivations:
            line += f"\n    = {result.derivations[fact]}"
        lines.append(line)
    lines += [f"{fact}: conflicting values {', '.join(values)}" for fact, values in result.conflicts.items()]
    lines += [f"{fact}: not used, {reason}" for fact, reason in result.rejected.items()]
    lines += [f"{fact}: stated as a range, {found.low:,} to {found.high:,}"
              for fact, found in result.ranges.items()]
    lines += [f'{fact}: about {_shown(guess.value)}, to confirm  (from "{guess.words}")'
              f"\n    = {guess.derivation}" for fact, guess in result.estimates.items()]
    lines += [f"{fact}: not stated; {cue}" for fact, cue in result.cues.items()]
    if result.volume_parts is not None and result.volume_parts.monthly_tokens() is None:
        lines.append(f"volume, one half stated: {result.volume_parts.derivation()} "
                     f"(from \"{result.volume_parts.words}\")")
    if result.period_correction is not None:
        lines.append(f"volume period corrected to per {result.period_correction.period} "
                     f"(from \"{result.period_correction.words}\")")
    if result.corrected:
        lines.append(f"corrected: {', '.join(result.corrected)}")
    return "\n".join(lines)


def _shown(value: str | int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}" if isinstance(value, float) else value


def as_json(result: Extraction) -> str:
    """`{"facts", "evidence", "derivations", "conflicts", "cues", "estimates", "ranges", "volume_parts"}`,
    in that order; the last four are empty (or null) when the message gives none."""
    parts = result.volume_parts
    document = {
        "facts": result.stated(),
        "evidence": result.evidence,
        "derivations": result.derivations,
        "conflicts": result.conflicts,
        "cues": result.cues,
        "estimates": {fact: guess.model_dump(mode="json") for fact, guess in result.estimates.items()},
        "ranges": {fact: found.model_dump(mode="json") for fact, found in result.ranges.items()},
        "volume_parts": None if parts is None else {**parts.model_dump(mode="json"), "words": parts.words},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def register(app: typer.Typer) -> None:
    """Add the `extract` command to the app."""

    @app.command("extract")
    def extract_command(
        ctx: typer.Context,
        text: Annotated[str, typer.Argument(help="One chat message, in quotes.")],
        json_output: Annotated[
            bool, typer.Option("--json", help="Print facts and evidence as JSON.")
        ] = False,
    ) -> None:
        """Show the workload facts a message states, with the words that support each one."""
        if not text.strip():
            raise UserError("the message is empty; pass the text to read in quotes")
        from bot.extraction import extract
        from bot.prices import load_catalog
        from scoring import load_policy

        settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
        policy = load_policy(settings.policy_file)
        result = extract(text, load_catalog(policy, settings.prices_dir), policy)
        typer.echo(as_json(result) if json_output else render(result))
