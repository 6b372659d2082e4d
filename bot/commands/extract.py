"""`llm-advisor extract TEXT`: show the workload facts one message states, and the words behind them."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.errors import UserError
from bot.extraction import Extraction, extract
from bot.settings import Settings


def render(result: Extraction) -> str:
    """A readable list: one line per fact with its evidence, then conflicts and rejected values."""
    if result.is_empty():
        return "No workload facts found in that message."
    lines = []
    for fact, value in result.stated().items():
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}" if isinstance(value, float) \
            else value
        line = f'{fact}: {shown}  (from "{result.evidence.get(fact, "")}")'
        if fact in result.derivations:
            line += f"\n    = {result.derivations[fact]}"
        lines.append(line)
    lines += [f"{fact}: conflicting values {', '.join(values)}" for fact, values in result.conflicts.items()]
    lines += [f"{fact}: not used, {reason}" for fact, reason in result.rejected.items()]
    return "\n".join(lines)


def as_json(result: Extraction) -> str:
    """`{"facts": ..., "evidence": ..., "derivations": ..., "conflicts": ...}`, in that order."""
    document = {
        "facts": result.stated(),
        "evidence": result.evidence,
        "derivations": result.derivations,
        "conflicts": result.conflicts,
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
        from bot.prices import load_catalog
        from scoring import load_policy

        settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
        policy = load_policy(settings.policy_file)
        result = extract(text, load_catalog(policy, settings.prices_dir), policy)
        typer.echo(as_json(result) if json_output else render(result))
