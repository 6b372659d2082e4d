"""`llm-advisor chat`: the conversation in a terminal, interactive or replayed from a script."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import UserError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services import Services


def _services(settings: Settings) -> Services:
    from bot.commands.knowledge import index_location, index_progress
    from bot.services import build_services

    with index_progress(index_location(settings)) as progress:
        services = build_services(settings, progress=progress)
    if not services.knowledge.available:
        typer.echo(f"warning: {services.knowledge.problem}; answers come without sources.", err=True)
    return services


STYLES = {"question": "cyan", "advice": "bold", "notice": "yellow", "noted": "green"}


def _say(services: Services, key: str, line: str, styled: bool = False) -> None:
    from bot.render.conversation_text import render_reply

    for reply in services.conversations.handle(key, line, user=getpass.getuser()):
        text = render_reply(reply)
        if styled:
            from rich.console import Console
            from rich.text import Text

            Console().print(Text(text, style=STYLES.get(reply.kind, "")), "")
        else:
            typer.echo(text)
            typer.echo("")


def _say_json(services: Services, key: str, line: str) -> None:
    from bot.conversation.snapshot import take_snapshot
    from bot.render.conversation_text import render_reply

    replies, state = services.conversations.respond(key, line, user=getpass.getuser())
    snapshot = take_snapshot(line, replies, [render_reply(reply) for reply in replies], state)
    typer.echo(snapshot.model_dump_json())


def _interactive(services: Services, key: str, history: Path) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    typer.echo("llm-advisor: describe an LLM workload; `help` lists commands, Ctrl-D quits.\n")
    while True:
        try:
            line = session.prompt("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if line.strip().lower() in ("quit", "exit"):
            return
        _say(services, key, line, styled=True)


def chat(
    ctx: typer.Context,
    script: Annotated[Path | None, typer.Option(
        "--script", help="Replay these lines (one message per line) and print the dialogue.")] = None,
    session: Annotated[str, typer.Option(help="Conversation name; the same name resumes it.")] = "default",
    new: Annotated[bool, typer.Option("--new", help="Forget this session's facts first.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object per message: the replies and what is understood.")
    ] = False,
) -> None:
    """Talk to the advisor in the terminal. Conversations persist and resume by session name."""
    settings: Settings = ctx.obj
    lines: list[str] = []
    if script is not None:
        try:
            text = sys.stdin.read() if str(script) == "-" else script.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{script}: cannot read ({exc})") from None
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    elif as_json and sys.stdin.isatty():
        raise UserError("--json needs messages from --script or piped on stdin")
    services = _services(settings)
    key = f"cli:{session}"
    if new or script is not None:
        services.conversations.reset(key)
    if script is not None:
        for line in lines:
            if as_json:
                _say_json(services, key, line)
                continue
            typer.echo(f"you> {line}")
            _say(services, key, line)
        return
    stored = services.conversations.load(key)
    if stored.current.facts or stored.earlier:
        typer.echo(f"Continuing session '{session}' ({len(stored.current.facts)} facts known; "
                   "`restart` starts over).", err=True)
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if as_json:
                _say_json(services, key, line.rstrip("\n"))
            else:
                _say(services, key, line.rstrip("\n"))
        return
    _interactive(services, key, settings.data_dir / "chat_history")


def register(app: typer.Typer) -> None:
    app.command()(chat)
