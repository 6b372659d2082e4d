"""The `llm-advisor` command line. Settings are read here, once, and passed down."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bot.settings import Settings

REPORTED = {"bot.errors": ("UserError",), "bot.store": ("StoreUnavailable",),
            "knowledge": ("KnowledgeError",), "scoring": ("PolicyError",)}
"""The errors a person can act on from their message alone (what they typed, a policy file, an
unreachable database or index), by the module that defines them. Anything else is a bug and
keeps its traceback."""


def is_reported(error: BaseException) -> bool:
    """Whether `error` is one the CLI prints as one line. A module not imported yet cannot have
    raised its errors, so none is imported just to check (an error stays quick to print)."""
    for module_name, names in REPORTED.items():
        module = sys.modules.get(module_name)
        if module is not None and isinstance(error, tuple(getattr(module, n) for n in names)):
            return True
    return False


class AdvisorGroup(TyperGroup):
    """The command group, printing every command's reportable error as one `error:` line on
    stderr with exit status 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:  # not swallowed: only a reported error stops here
            if not is_reported(error):
                raise
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=2) from None


app = typer.Typer(
    name="llm-advisor",
    help="Advice on proprietary APIs vs self-hosted open models, per LLM workload.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=AdvisorGroup,
)


@app.callback()
def _root(ctx: typer.Context) -> None:
    from pydantic import ValidationError

    from bot.settings import settings_problems

    try:
        ctx.obj = Settings()
    except ValidationError as error:
        for line in settings_problems(error):
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(code=2) from None


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
    typer.echo(run_recommend(facts, as_json, policy_file or settings.policy_file,
                             settings.prices_dir, settings.guide_folders))


def _register_optional_commands() -> None:
    from bot.commands import register_all

    register_all(app)


def main() -> None:
    _register_optional_commands()
    app(prog_name="llm-advisor")


if __name__ == "__main__":  # pragma: no cover
    main()
