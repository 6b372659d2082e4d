"""`llm-advisor eval --dialogues`: labelled conversations through the terminal's engine."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.settings import Settings


def run_dialogue_eval(settings: Settings, path: Path | None, minimum: float | None) -> None:
    """Run the dialogues in `path` (default: the shipped set) on a fresh temporary store with
    the shipped policy and the pinned price catalog the labels were scored with; print each
    failure and the share right, and exit with status 1 below `minimum`."""
    from bot.evaluation import evaluate, fresh_service, load_dialogues, pinned_catalog
    from bot.services import build_engine, guidance
    from scoring import load_policy

    dialogues = load_dialogues(path)
    typer.echo("Loading the guidance index and the embedding model...", err=True)
    engine = build_engine(settings, load_policy(), pinned_catalog(), guidance(settings))
    with fresh_service(engine) as service:
        report = evaluate(service, dialogues)
    for result in report.results:
        if not result.passed:
            typer.echo(f"FAIL {result.id}: " + "; ".join(d.describe() for d in result.differences))
    causes = report.causes()
    if causes:
        typer.echo("Wrong most often: " + ", ".join(
            f"{what} ({count})" for what, count in causes.most_common()))
    typer.echo(f"Dialogues right: {report.passed}/{len(report.results)} ({report.share:.1%})")
    if minimum is not None and report.share < minimum:
        typer.echo(f"below the minimum of {minimum:.1%}", err=True)
        raise typer.Exit(code=1)
