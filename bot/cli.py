"""The `llm-advisor` command line. Settings are read here, once, and passed down."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.settings import Settings

app = typer.Typer(
    name="llm-advisor",
    help="Advice on proprietary APIs vs self-hosted open models, per LLM workload.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class UserError(Exception):
    """A problem with what the user gave us; printed as one line, exit status 2."""


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.callback()
def _root(ctx: typer.Context) -> None:
    ctx.obj = Settings()


@app.command()
def recommend(
    ctx: typer.Context,
    facts: Annotated[
        str, typer.Option("--facts", "-f", help="JSON file with the workload facts, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Recommendation as JSON.")] = False,
    policy_file: Annotated[
        str | None, typer.Option("--policy", help="Policy TOML (default: ADVISOR_POLICY_FILE).")
    ] = None,
) -> None:
    """Score a workload (or a portfolio of them) and explain the recommendation."""
    from bot.commands.recommend import run_recommend

    settings: Settings = ctx.obj
    try:
        output = run_recommend(facts, as_json, policy_file or settings.policy_file)
    except UserError as error:
        raise fail(str(error)) from None
    typer.echo(output)


def _register_optional_commands() -> None:
    from bot.commands import register_all

    register_all(app)


def main() -> None:
    _register_optional_commands()
    app(prog_name="llm-advisor")


if __name__ == "__main__":  # pragma: no cover
    main()
