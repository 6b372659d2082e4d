"""`llm-advisor serve` (Slack, HTTP or Socket Mode) and `llm-advisor start` (Slack or terminal)."""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Annotated

import typer

from bot.errors import UserError
from bot.settings import Settings

GIL_SWITCH_SECONDS = 0.001


MALLOC_ARENAS = 2
"""glibc gives each busy thread its own heap arena; with some 24 threads the freed memory
they each hold adds up, so the serving process keeps to a couple."""
MALLOC_MMAP_THRESHOLD = 1 << 20
"""Blocks of this size and up (the model's activations) are mapped and unmapped on their own
instead of fragmenting the heap: building the index leaves about 65 MB less behind, for about a
third more time spent building, and queries take as long as before (measured)."""


def _tune_malloc() -> None:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(name)
        libc.mallopt(-8, MALLOC_ARENAS)  # M_ARENA_MAX
        libc.mallopt(-3, MALLOC_MMAP_THRESHOLD)  # M_MMAP_THRESHOLD, which also stops it adapting


def _limit_model_threads(threads: int) -> None:
    """Cap torch's intra-op threads in this process. With other requests busy on the cores, a
    second encode thread mostly waits for a core and makes the encode slower, not faster."""
    import torch

    torch.set_num_threads(threads)


PREPARE_TIMEOUT = 1800.0
"""Seconds a first start may spend building the index before serving without it."""


def _prepare_guidance(settings: Settings) -> None:
    """Build the index and save the compiled query encoder in a child `llm-advisor ingest`,
    when the encoder is not saved yet (a first start on a fresh data directory).

    The embedding model, and the libraries that load it, then live and die in that child: the
    server only loads the saved encoder, some 250 MB less to keep resident for its lifetime. If
    the child fails, the server carries on and the work is done in-process as before.
    """
    import resource
    import subprocess

    from knowledge import SAVED_ENCODER

    if (settings.encoder_dir / SAVED_ENCODER).is_file():
        return
    log = logging.getLogger(__name__)
    log.info("preparing the guidance index and query encoder in a child process")
    try:
        done = subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], capture_output=True,
                              text=True, timeout=PREPARE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("could not prepare the guidance in a child process: %s", exc)
        return
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    if done.returncode != 0:
        log.warning("preparing the guidance failed (exit status %s): %s", done.returncode,
                    lines[-1] if lines else "no output")
        return
    # The child's peak memory (KiB on Linux) tells operators what a first start needs.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    log.info("guidance prepared: %s", next((line for line in reversed(lines)
                                            if line.startswith("Ingest:")), "done"),
             extra={"peak_rss_mb": round(peak / 1024)})


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1, max=65535, help="HTTP port.")] = 3000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    threads: Annotated[int, typer.Option(min=1, max=64, help="Request threads.")] = 8,
    model_threads: Annotated[int, typer.Option(
        min=1, max=64, help="Threads one embedding encode may use. Requests already run in "
                            "parallel, so 1 keeps encodes from fighting them for the cores.")] = 1,
) -> None:
    """Run the Slack bot: HTTP mode at POST /slack/events (GET /healthz, GET /metrics), or Socket
    Mode when SLACK_APP_TOKEN is set. Logs are JSON lines unless ADVISOR_LOG_FORMAT=text."""
    settings: Settings = ctx.obj
    from bot.observability.logs import configure_logging

    configure_logging(settings.log_format or "json", settings.log_level, settings.secrets)
    # Acks must not wait behind CPU-bound turns in other threads: hand the GIL over more often.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    _tune_malloc()
    if settings.slack_bot_token is None:
        raise UserError("SLACK_BOT_TOKEN is not set (environment or .env); without Slack, use "
                    "`llm-advisor chat`")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise UserError("SLACK_SIGNING_SECRET is not set; HTTP mode verifies every request with it")

    from bot.observability.metrics import Metrics

    metrics = Metrics()

    def build() -> tuple[object, object]:
        from bot.services import build_services
        from bot.slack.app import build_app
        from bot.slack.sweeper import Sweeper

        _prepare_guidance(settings)  # a first start builds the index, with every core
        services = build_services(settings)
        services.knowledge.warm_up()  # before readiness, not on the first question
        _limit_model_threads(model_threads)
        app = build_app(services, metrics=metrics)
        assert app.advisor is not None
        Sweeper(app.advisor.delivery, every=services.lease.total_seconds() / 2).start()
        return app, services

    if settings.slack_app_token is not None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        app, _ = build()
        typer.echo("llm-advisor: Socket Mode", err=True)
        handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())  # type: ignore[arg-type]
        handler.start()  # type: ignore[no-untyped-call]
        return
    from bot.slack.server import run_gunicorn

    typer.echo(f"llm-advisor: serving Slack events on http://{host}:{port}/slack/events "
               "(GET /healthz, GET /metrics)", err=True)
    run_gunicorn(build, host, port, threads, metrics)  # type: ignore[arg-type]


def start(ctx: typer.Context) -> None:
    """Run the Slack bot when Slack tokens are configured, else the terminal conversation."""
    settings: Settings = ctx.obj
    if settings.slack_bot_token is not None:
        serve(ctx)
        return
    from bot.commands.chat import chat

    typer.echo("No SLACK_BOT_TOKEN configured: starting the terminal conversation.", err=True)
    chat(ctx, script=None, session="default", new=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(start)
