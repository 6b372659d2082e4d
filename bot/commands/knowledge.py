"""`llm-advisor ingest`, `ask` and `eval`: the guidance index from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import UserError

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge import IngestReport, KnowledgeBase

PROGRESS_FROM = 32
"""Below this many chunks to embed an ingest is quick enough to need no progress bar."""


def index_location(settings: Settings) -> str:
    """Where the index lives, as a person would look for it."""
    return settings.chroma_url or str(settings.index_dir)


@contextmanager
def index_progress(where: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback for an index build: once there is enough to embed, one line saying
    where the index is built, then one bar of chunks embedded with the time left, on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  "chunks", TimeElapsedColumn(), "left", TimeRemainingColumn(), console=console,
                  transient=True) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_FROM:
                return
            if task is None:
                console.print(f"Building the guidance index in {where}; later runs reuse it.",
                              soft_wrap=True, highlight=False, markup=False)
                task = bar.add_task("Embedding the guides", total=total)
            bar.update(task, completed=done)

        yield progress


def run_ingest(kb: KnowledgeBase, where: str, folders: list[Path] | None = None) -> IngestReport:
    """Ingest with a progress bar on stderr when there is enough to embed."""
    with index_progress(where) as progress:
        return kb.ingest(folders or [], progress=progress)


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Extra folders of Markdown or text guidance (knowledge/guides is always included).")
    ] = None,
) -> None:
    """Build or update the guidance index, skipping unchanged documents."""
    from bot.services import open_knowledge

    kb = open_knowledge(ctx.obj)
    for path in paths or []:
        if not path.is_dir():
            raise UserError(f"{path}: not a folder")
    report = run_ingest(kb, index_location(ctx.obj), paths)
    for problem in report.problems:
        typer.echo(f"skipped: {problem}", err=True)
    # Servers started after this find the query encoder compiled and need not load the model.
    compile_queries = getattr(kb.embedder, "compile_queries", None)
    if compile_queries is not None and not compile_queries():
        typer.echo("note: the query encoder could not be compiled; queries use the model as it is",
                   err=True)
    typer.echo(f"Ingest: {report.summary()}; index version {report.version}")


def _ready(ctx: typer.Context) -> KnowledgeBase:
    from bot.services import open_knowledge

    kb = open_knowledge(ctx.obj)
    if kb.is_empty():
        report = run_ingest(kb, index_location(ctx.obj))
        typer.echo(f"Ingest: {report.summary()}", err=True)
    return kb


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about LLM deployment choices.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="How many passages to cite.")] = 3,
) -> None:
    """Answer a question from the guidance, citing the passages used."""
    if not question.strip():
        raise UserError("the question is empty; ask something like \"why does latency matter?\"")
    if len(question) > 2000:
        raise UserError("the question is longer than 2,000 characters; shorten it")
    answer = _ready(ctx).ask(question.strip(), k=k)
    if as_json:
        typer.echo(json.dumps(answer.as_json(), indent=2, ensure_ascii=False))
        return
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("\nSources:")
        for citation in answer.citations:
            p = citation.passage
            typer.echo(f"  [{citation.number}] {p.title} › {p.section} ({p.source})")


def evaluate(
    ctx: typer.Context,
    eval_set: Annotated[Path | None, typer.Option(
        "--set", help="Labelled questions (JSON), or with --dialogues labelled dialogues (YAML); "
                      "default: the set shipped with llm-advisor.")
    ] = None,
    dialogues: Annotated[bool, typer.Option(
        "--dialogues", help="Evaluate whole conversations instead of retrieval.")] = False,
    minimum: Annotated[float | None, typer.Option(
        "--min", min=0.0, max=1.0,
        help="With --dialogues: exit with status 1 when the share right is below this.")] = None,
) -> None:
    """Print recall@1/3/5 and MRR for dense, BM25 and hybrid retrieval on a labelled set; with
    --dialogues, the share of labelled conversations whose final facts and recommendation are
    right."""
    if dialogues:
        from bot.commands.dialogue_eval import run_dialogue_eval

        run_dialogue_eval(ctx.obj, eval_set, minimum)
        return
    if minimum is not None:
        raise UserError("--min applies to --dialogues only")
    from knowledge import evaluate, load_eval_set

    items = load_eval_set(eval_set)
    kb = _ready(ctx)
    header = f"{'mode':<8} {'recall@1':>9} {'recall@3':>9} {'recall@5':>9} {'MRR':>7}"
    typer.echo(f"{header}  ({len(items)} questions)")
    for scores in evaluate(kb.retriever, items):
        typer.echo(f"{scores.mode:<8} {scores.recall_at_1:>9.3f} {scores.recall_at_3:>9.3f} "
                   f"{scores.recall_at_5:>9.3f} {scores.mrr:>7.3f}")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(ask)
    app.command(name="eval")(evaluate)
