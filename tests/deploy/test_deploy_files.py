"""The deployment files under deploy/, parsed and cross-checked against each other and the code.

Nothing here builds an image or starts a container: no Docker engine or cluster is needed. What
these tests catch is drift and typos: an environment variable the app does not read, ports or
health paths that disagree between the Dockerfile, compose, nginx and Kubernetes, a Secret
referenced under another name, a CLI subcommand or option that does not exist.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "docker-compose.yml"
NGINX = DEPLOY / "nginx.conf"
CONSTRAINTS = DEPLOY / "constraints.txt"
DOCKERIGNORE = ROOT / ".dockerignore"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
KUSTOMIZATION = K8S / "kustomization.yaml"

HEALTH_PATH = "/healthz"
EVENTS_PATH = "/slack/events"
TORCH_PIN = "torch==2.13.0"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PLACEHOLDER = "REPLACE-ME"

NON_APP_VARIABLES = frozenset({
    "PATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "OMP_NUM_THREADS",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
})
"""Variables the deployment may set that are not the app's settings (libraries, pip, images)."""
NON_APP_PREFIXES = ("PIP_",)

POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})


# ---- the code's side -------------------------------------------------------------------------


@cache
def settings_variables() -> frozenset[str]:
    """Every environment variable `bot.settings.Settings` reads, from its fields' aliases."""
    from pydantic import AliasChoices, AliasPath

    from bot.settings import Settings

    prefix = Settings.model_config.get("env_prefix") or ""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        for choice in choices:
            if choice is None:
                names.add(f"{prefix}{field.alias or field_name}")
            elif isinstance(choice, str):
                names.add(choice)
            elif isinstance(choice, AliasPath) and isinstance(choice.path[0], str):
                names.add(choice.path[0])
    if not Settings.model_config.get("case_sensitive", False):
        names = {name.upper() for name in names}
    return frozenset(names)


def unknown_variables(names: set[str]) -> set[str]:
    """The names that are neither app settings nor allowed non-app variables."""
    from bot.settings import Settings

    fold = (lambda name: name) if Settings.model_config.get("case_sensitive", False) else str.upper
    return {name for name in names
            if fold(name) not in settings_variables() and name not in NON_APP_VARIABLES
            and not name.startswith(NON_APP_PREFIXES)}


@cache
def console_scripts() -> frozenset[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return frozenset(project.get("scripts", {}))


@cache
def cli_commands() -> dict[str, Any]:
    """The CLI's subcommands by name, as click commands (to inspect their options).

    A fresh Typer app receives what `bot.cli.app` declares itself plus everything
    `bot.commands.register_all` attaches, so the shared app is not registered twice."""
    import typer
    import typer.main

    import bot.cli
    from bot.commands import register_all

    app = typer.Typer()
    app.registered_commands.extend(bot.cli.app.registered_commands)
    app.registered_groups.extend(bot.cli.app.registered_groups)
    register_all(app)
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def chromadb_pin() -> str:
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        name, _, version = line.strip().partition("==")
        if name.strip().lower() == "chromadb":
            return version.strip()
    raise AssertionError("deploy/constraints.txt pins no chromadb version")


# ---- Dockerfile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    stage: int
    keyword: str
    args: str


@cache
def dockerfile() -> tuple[Instruction, ...]:
    """Logical instructions (continuations joined, comments dropped), numbered by stage."""
    logical: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends inside a line continuation"
    instructions = []
    stage = -1
    for entry in logical:
        keyword, _, args = entry.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(stage, keyword, args.strip()))
    return tuple(instructions)


def final_stage() -> list[Instruction]:
    last = max(i.stage for i in dockerfile())
    return [i for i in dockerfile() if i.stage == last]


def tokens(args: str) -> list[str]:
    """An exec-form (JSON) or shell-form command as a list of words."""
    if args.lstrip().startswith("["):
        value = json.loads(args)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
        return value
    return shlex.split(args)


def simple_commands(args: str) -> list[list[str]]:
    """A shell-form RUN split into its simple commands at &&, || and ;."""
    commands: list[list[str]] = [[]]
    lexer = shlex.shlex(args, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    for word in lexer:
        if word in ("&&", "||", ";", "|"):
            commands.append([])
        else:
            commands[-1].append(word)
    return [command for command in commands if command]


def only(keyword: str, stage: list[Instruction] | None = None) -> list[Instruction]:
    return [i for i in (stage if stage is not None else dockerfile()) if i.keyword == keyword]


def env_assignments(args: str) -> dict[str, str]:
    words = shlex.split(args)
    if "=" not in words[0]:  # legacy form: ENV NAME value
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def dockerfile_cmd() -> list[str]:
    cmds = only("CMD", final_stage())
    assert cmds, "the final stage has no CMD"
    return tokens(cmds[-1].args)


def dockerfile_healthcheck() -> list[str]:
    checks = only("HEALTHCHECK", final_stage())
    assert checks, "the final stage has no HEALTHCHECK"
    parts = re.split(r"(?:^|\s)CMD\s+", checks[-1].args, maxsplit=1)
    assert len(parts) == 2, f"HEALTHCHECK without CMD: {checks[-1].args}"
    return tokens(parts[1])


# ---- compose, nginx and Kubernetes -----------------------------------------------------------


def yaml_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


@cache
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]  # type: ignore[no-any-return]


def app_services() -> dict[str, dict[str, Any]]:
    """The compose services built from deploy/Dockerfile."""
    found = {}
    for name, service in services().items():
        build = service.get("build")
        if isinstance(build, dict):
            built = (COMPOSE.parent / build.get("context", ".")).resolve() / build.get(
                "dockerfile", "Dockerfile")
            if built == DOCKERFILE.resolve():
                found[name] = service
    return found


def service_command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def bot_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in app_services().items() if "serve" in service_command(s)[1:2]}


def service_environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, None) for item in env)
        return {key: value for key, value in pairs}
    return {key: None if value is None else str(value) for key, value in env.items()}


def healthcheck_command(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    return list(test[1:]) if test[0] == "CMD" else list(test)


def container_port(mapping: Any) -> int:
    if isinstance(mapping, dict):
        return int(mapping["target"])
    return int(str(mapping).split("/")[0].rsplit(":", 1)[-1])


@cache
def nginx() -> str:
    text = re.sub(r"#[^\n]*", "", NGINX.read_text(encoding="utf-8"))
    assert text.count("{") == text.count("}"), "nginx.conf has unbalanced braces"
    return text


def nginx_upstreams() -> dict[str, list[str]]:
    return {name: re.findall(r"^\s*server\s+([^\s;]+)", body, re.MULTILINE)
            for name, body in re.findall(r"\bupstream\s+(\S+)\s*\{([^}]*)\}", nginx())}


def nginx_locations() -> dict[str, str]:
    return dict(re.findall(r"\blocation\s+(?:=\s*)?(\S+)\s*\{([^}]*)\}", nginx()))


@cache
def k8s_documents() -> tuple[tuple[Path, dict[str, Any]], ...]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is not None and path != KUSTOMIZATION:
                docs.append((path, doc))
    return tuple(docs)


def k8s(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in k8s_documents() if doc.get("kind") == kind]


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    kind = doc.get("kind")
    if kind in POD_TEMPLATE_KINDS:
        return doc["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    if kind == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    if kind == "Pod":
        return doc["spec"]  # type: ignore[no-any-return]
    return None


def pod_containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(doc) or {}
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def k8s_app_image() -> str:
    """The image name kustomization.yaml rewrites: the app's own image."""
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    names = {image["name"] for image in kustomization.get("images", [])}
    assert len(names) == 1, f"kustomization.yaml should rewrite exactly the app image: {names}"
    return names.pop()  # type: ignore[no-any-return]


def image_name(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    return image[: len(image) - len(last)] + last.split(":", 1)[0].split("@", 1)[0]


def k8s_app_containers() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(owning document, container) for every container running the app image."""
    for _, doc in k8s_documents():
        for container in pod_containers(doc):
            if image_name(container["image"]) == k8s_app_image():
                yield doc, container


def container_command(container: dict[str, Any]) -> list[str]:
    return [*container.get("command", []), *container.get("args", [])]


def bot_deployment() -> dict[str, Any]:
    found = [doc for doc in k8s("Deployment")
             if any("serve" in container_command(c)[1:2] for c in pod_containers(doc))]
    assert len(found) == 1, "expected exactly one Deployment running `serve`"
    return found[0]


def bot_container() -> dict[str, Any]:
    found = [c for c in pod_containers(bot_deployment()) if "serve" in container_command(c)[1:2]]
    assert len(found) == 1
    return found[0]


def resolve_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    assert port in named, f"port name {port!r} is not declared by container {container['name']}"
    return int(named[port])


def option(words: list[str], name: str) -> str | None:
    for index, word in enumerate(words):
        if word == name and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def quantity(value: str | int) -> float:
    """A Kubernetes memory quantity in bytes."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
             "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value))
    assert match and match.group(2) in ("", *units), f"not a memory quantity: {value}"
    return float(match.group(1)) * units.get(match.group(2), 1)


def labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


# ---- every file parses -------------------------------------------------------------------------


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_yaml_file_parses(path: Path) -> None:
    docs = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
    assert docs, f"{path} holds no document"
    assert all(isinstance(doc, dict) for doc in docs)


def test_the_deployment_files_exist() -> None:
    expected = ["namespace.yaml", "secret.example.yaml", "configmap.yaml", "deployment.yaml",
                "service.yaml", "ingest-job.yaml", "chroma.yaml", "kustomization.yaml"]
    missing = [name for name in expected if not (K8S / name).is_file()]
    assert not missing, missing
    for path in (DOCKERFILE, COMPOSE, NGINX, DOCKERIGNORE):
        assert path.is_file(), path


# ---- environment variables -------------------------------------------------------------------


def dockerfile_variables() -> dict[str, set[str]]:
    return {f"Dockerfile ENV (stage {i.stage})": set(env_assignments(i.args))
            for i in only("ENV")}


def compose_variables() -> dict[str, set[str]]:
    found = {f"compose {name}.environment": set(service_environment(service))
             for name, service in services().items()}
    # ${NAME} interpolated from the shell or the --env-file must be real names too.
    found["compose ${...}"] = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)",
                                             COMPOSE.read_text(encoding="utf-8")))
    return found


def k8s_variables() -> dict[str, set[str]]:
    sources = {(doc["kind"], doc["metadata"]["name"]): doc
               for doc in [*k8s("ConfigMap"), *k8s("Secret")]}
    found: dict[str, set[str]] = {}
    for path, doc in k8s_documents():
        for container in pod_containers(doc):
            where = f"{path.name} {doc['kind']}/{doc['metadata']['name']} {container['name']}"
            found[f"{where} env"] = {entry["name"] for entry in container.get("env", [])}
            for ref in container.get("envFrom", []):
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in ref:
                        source = sources.get((kind, ref[key]["name"]))
                        assert source is not None, f"{where}: no {kind} named {ref[key]['name']}"
                        keys = {*source.get("data", {}), *source.get("stringData", {})}
                        found[f"{where} envFrom {kind}/{ref[key]['name']}"] = keys
    for doc in [*k8s("ConfigMap"), *k8s("Secret")]:
        found[f"{doc['kind']}/{doc['metadata']['name']}"] = {
            *doc.get("data", {}), *doc.get("stringData", {})}
    return found


def test_every_environment_variable_is_a_setting_or_an_allowed_non_app_variable() -> None:
    sources = {**dockerfile_variables(), **compose_variables(), **k8s_variables()}
    assert sum(len(names) for names in sources.values()) > 10, "no variables were found"
    wrong = {where: sorted(unknown_variables(names)) for where, names in sources.items()}
    wrong = {where: names for where, names in wrong.items() if names}
    assert not wrong, (f"not read by bot.settings.Settings and not in NON_APP_VARIABLES: {wrong}; "
                       f"the app reads {sorted(settings_variables())}")


def test_the_variable_check_catches_a_typo() -> None:
    assert {"SLACK_SIGNING_SECRET", "DATABASE_URL", "CHROMA_URL"} <= settings_variables()
    assert unknown_variables({"SLACK_SIGNNG_SECRET", "SLACK_SIGNING_SECRET", "PIP_NO_CACHE_DIR"}) == {
        "SLACK_SIGNNG_SECRET"}


# ---- the Dockerfile --------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    froms = only("FROM")
    assert len(froms) >= 2, "expected a build stage and a runtime stage"
    args = {key: value for i in only("ARG") if i.stage == -1
            for key, value in [i.args.split("=", 1)] if "=" in i.args}
    for instruction in froms:
        base = instruction.args.split()[0]
        base = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), base)
        assert base == "python:3.11-slim", instruction.args
    stages = {i.args.split()[-1].lower() for i in froms if " as " in i.args.lower()}
    copied_from = {m.group(1).lower() for i in only("COPY", final_stage())
                   for m in [re.search(r"--from=(\S+)", i.args)] if m}
    assert copied_from and copied_from <= stages, "the runtime stage copies nothing from a build stage"


def test_dockerfile_installs_cpu_torch_before_the_project() -> None:
    runs = [(index, i) for index, i in enumerate(dockerfile()) if i.keyword == "RUN"]
    torch = [(index, i) for index, i in runs if TORCH_PIN in i.args.split()]
    project = [(index, i) for index, i in runs
               if "-c deploy/constraints.txt" in i.args and re.search(r"\sinstall\s.*\s\.(\s|$)", i.args)]
    assert len(torch) == 1 and len(project) == 1, "expected one torch install and one project install"
    (torch_at, torch_run), (project_at, project_run) = torch[0], project[0]
    assert torch_at < project_at and torch_run.stage == project_run.stage
    assert f"--index-url {TORCH_CPU_INDEX}" in torch_run.args
    copied = " ".join(i.args for i in only("COPY"))
    assert "deploy/constraints.txt" in copied


def test_dockerfile_runs_offline_as_a_non_root_user_with_a_health_check() -> None:
    stage = final_stage()
    env: dict[str, str] = {}
    for i in only("ENV", stage):
        env.update(env_assignments(i.args))
    assert env.get("HF_HUB_OFFLINE") == "1" and env.get("TRANSFORMERS_OFFLINE") == "1"
    users = only("USER", stage)
    assert users, "the image runs as root"
    user = users[-1].args.split(":")[0]
    assert user not in ("root", "0")
    assert stage.index(users[-1]) < stage.index(only("CMD", stage)[-1])
    health = dockerfile_healthcheck()
    assert health[:2] == ["python", "-c"] and "urllib" in health[2], (
        "python:3.11-slim has no curl: check with python's urllib")


def test_dockerfile_builds_the_index_into_the_data_dir_as_the_app_user() -> None:
    stage = final_stage()
    ingest = [i for i in only("RUN", stage)
              if any(c[:1] and c[0] in console_scripts() and c[1:2] == ["ingest"]
                     for c in simple_commands(i.args))]
    assert len(ingest) == 1, "the final stage should run `llm-advisor ingest` once at build time"
    at = stage.index(ingest[0])
    assert stage.index(only("USER", stage)[-1]) < at, "ingest must run as the app user"
    env: dict[str, str] = {}
    for i in stage[:at]:
        if i.keyword == "ENV":
            env.update(env_assignments(i.args))
    data_dir = env.get("ADVISOR_DATA_DIR")
    assert data_dir == "/data"
    user = only("USER", stage)[-1].args.split(":")[0]
    assert any(re.search(rf"chown\s+\S*{user}\S*\s+{data_dir}(\s|$)", i.args)
               for i in only("RUN", stage)), f"{data_dir} should belong to {user}"


# ---- ports and paths agree -------------------------------------------------------------------


def serve_port() -> int:
    cmd = dockerfile_cmd()
    assert cmd[:2] == ["llm-advisor", "serve"], cmd
    assert option(cmd, "--host") == "0.0.0.0"
    port = option(cmd, "--port")
    assert port is not None and port.isdigit(), cmd
    return int(port)


def url_in(words: list[str]) -> Any:
    urls = re.findall(r"https?://[^\s'\"]+", " ".join(words))
    assert len(urls) == 1, f"expected one URL in {words}"
    return urlparse(urls[0])


def test_ports_agree_everywhere() -> None:
    port = serve_port()
    exposed = [int(p.split("/")[0]) for i in only("EXPOSE", final_stage()) for p in i.args.split()]
    assert exposed == [port]
    assert url_in(dockerfile_healthcheck()).port == port

    bots = bot_services()
    assert set(bots) == {"bot-1", "bot-2"}
    for name, service in bots.items():
        command = service_command(service)
        assert option(command, "--port") == str(port), name
        assert option(command, "--host") == "0.0.0.0", name
        published = [*service.get("expose", []), *service.get("ports", [])]
        assert published and all(container_port(p) == port for p in published), name
        assert url_in(healthcheck_command(service)).port == port, name

    servers = [server for members in nginx_upstreams().values() for server in members]
    assert sorted(servers) == sorted(f"{name}:{port}" for name in bots)
    listen = {int(p) for p in re.findall(r"^\s*listen\s+(?:[\d.]+:)?(\d+)", nginx(), re.MULTILINE)}
    lb_ports = {container_port(p) for p in services()["lb"].get("ports", [])}
    assert lb_ports and lb_ports == listen

    container = bot_container()
    command = container_command(container)
    assert option(command, "--port") == str(port)
    assert port in [p["containerPort"] for p in container["ports"]]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if probe in container:
            assert resolve_port(container, container[probe]["httpGet"]["port"]) == port, probe
    annotations = bot_deployment()["spec"]["template"]["metadata"].get("annotations", {})
    if "prometheus.io/port" in annotations:
        assert annotations["prometheus.io/port"] == str(port)
    for service in k8s("Service"):
        selector = service["spec"]["selector"]
        if labels_match(selector, bot_deployment()["spec"]["template"]["metadata"]["labels"]):
            for entry in service["spec"]["ports"]:
                assert resolve_port(container, entry["targetPort"]) == port
                assert entry["port"] == 80


def test_health_and_event_paths() -> None:
    assert url_in(dockerfile_healthcheck()).path == HEALTH_PATH
    for name, service in bot_services().items():
        assert url_in(healthcheck_command(service)).path == HEALTH_PATH, name
    container = bot_container()
    assert "readinessProbe" in container and "livenessProbe" in container
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if probe in container:
            assert container[probe]["httpGet"]["path"] == HEALTH_PATH, probe
    locations = nginx_locations()
    assert EVENTS_PATH in locations
    upstreams = set(nginx_upstreams())
    for path in (EVENTS_PATH, HEALTH_PATH):
        passes = re.findall(r"proxy_pass\s+http://([^\s;/]+)", locations.get(path, ""))
        assert passes and set(passes) <= upstreams, f"nginx does not forward {path} to the bots"
    forwarded = {path for path, body in locations.items() if "proxy_pass" in body}
    assert forwarded == {EVENTS_PATH, HEALTH_PATH}, "only the Slack endpoint and health go to the bots"


# ---- compose ---------------------------------------------------------------------------------


def test_compose_wires_postgres_chroma_ingest_bots_and_lb() -> None:
    svc = services()
    assert {"postgres", "chroma", "ingest", "bot-1", "bot-2", "lb"} <= set(svc)
    assert svc["postgres"]["image"].split(":")[0] == "postgres"
    assert svc["postgres"]["image"].split(":")[1].split(".")[0] == "16"
    pg = service_environment(svc["postgres"])
    assert "pg_isready" in " ".join(healthcheck_command(svc["postgres"]))
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in svc["postgres"]["volumes"])

    chroma_command = service_command(svc["chroma"])
    assert chroma_command[0] == "run" and option(chroma_command, "--path") == "/data"
    assert option(chroma_command, "--host") == "0.0.0.0"
    chroma_port = int(option(chroma_command, "--port") or 0)
    assert any(str(v).endswith(":/data") for v in svc["chroma"]["volumes"])

    images = {service["image"] for service in app_services().values()}
    assert len(images) == 1, f"the app services should share one image: {images}"
    assert service_command(svc["ingest"])[1:] == ["ingest"]
    assert svc["ingest"].get("restart") == "no"
    assert svc["ingest"]["depends_on"]["chroma"]["condition"] == "service_healthy"

    for name, service in bot_services().items():
        env = service_environment(service)
        database = urlparse(env["DATABASE_URL"] or "")
        assert database.scheme == "postgresql+psycopg" and database.hostname == "postgres", name
        assert (database.username, database.password, database.path.lstrip("/")) == (
            pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"]), name
        assert database.port == 5432, name
        chroma = urlparse(env["CHROMA_URL"] or "")
        assert (chroma.hostname, chroma.port) == ("chroma", chroma_port), name
        for secret in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
            assert re.fullmatch(rf"\$\{{{secret}(:?[?-].*)?\}}", env[secret] or ""), (
                f"{name}: {secret} should come from the shell or the env file, not the compose file")
        assert "SLACK_APP_TOKEN" not in env, f"{name}: Socket Mode would replace HTTP"
        conditions = {dep: spec["condition"] for dep, spec in service["depends_on"].items()}
        assert conditions["postgres"] == "service_healthy" and conditions["chroma"] == "service_healthy"
        assert conditions["ingest"] == "service_completed_successfully"
    lb = svc["lb"]
    assert lb["image"].split(":")[0] == "nginx"
    mounts = [str(v).split(":") for v in lb["volumes"]]
    assert any((COMPOSE.parent / src).resolve() == NGINX.resolve() and dst == "/etc/nginx/nginx.conf"
               for src, dst, *_ in mounts)
    assert set(lb["depends_on"]) == set(bot_services())


def test_compose_health_conditions_have_health_checks() -> None:
    for name, service in services().items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in services(), f"{name} depends on unknown {dependency}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services()[dependency], (
                    f"{name} waits for {dependency} to be healthy, which has no healthcheck")


def test_chroma_server_image_matches_the_pinned_client() -> None:
    version = chromadb_pin()
    images = [services()["chroma"]["image"]]
    images += [c["image"] for _, doc in k8s_documents() for c in pod_containers(doc)
               if image_name(c["image"]) == "chromadb/chroma"]
    assert len(images) >= 2
    assert all(image == f"chromadb/chroma:{version}" for image in images), (images, version)


# ---- Kubernetes ------------------------------------------------------------------------------


def test_k8s_deployment_runs_two_non_root_replicas_with_probes_and_resources() -> None:
    deployment = bot_deployment()
    assert deployment["spec"]["replicas"] == 2
    container = bot_container()
    assert container["readinessProbe"]["httpGet"]["path"] == HEALTH_PATH
    spec = pod_spec(deployment) or {}
    pod_security = spec.get("securityContext", {})
    security = {**pod_security, **container.get("securityContext", {})}
    assert security.get("runAsNonRoot") is True and security.get("runAsUser", 0) != 0
    assert security.get("allowPrivilegeEscalation") is False
    resources = container["resources"]
    requested, limit = quantity(resources["requests"]["memory"]), quantity(resources["limits"]["memory"])
    assert 800e6 <= requested <= limit, "sized for a replica of about 800 MB resident"
    assert "cpu" in resources["requests"]
    if security.get("readOnlyRootFilesystem"):
        mounted = {m["mountPath"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounted, "gunicorn and tempfile need a writable /tmp"


def test_k8s_deployment_references_the_example_secret_and_the_configmap() -> None:
    secret_names = {doc["metadata"]["name"] for doc in yaml.safe_load_all(
        SECRET_EXAMPLE.read_text(encoding="utf-8")) if doc and doc.get("kind") == "Secret"}
    assert len(secret_names) == 1
    refs = bot_container()["envFrom"]
    assert {r["secretRef"]["name"] for r in refs if "secretRef" in r} == secret_names
    configmaps = {doc["metadata"]["name"] for doc in k8s("ConfigMap")}
    assert {r["configMapRef"]["name"] for r in refs if "configMapRef" in r} <= configmaps


def test_k8s_secret_example_holds_placeholders_only() -> None:
    (secret,) = [doc for doc in yaml.safe_load_all(SECRET_EXAMPLE.read_text(encoding="utf-8")) if doc]
    values = {**secret.get("stringData", {}), **secret.get("data", {})}
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"} <= set(values)
    assert all(PLACEHOLDER in str(value) for value in values.values()), values


def test_k8s_ingest_job_and_every_app_command_use_the_app_image() -> None:
    jobs = [doc for doc in k8s("Job")
            if any(container_command(c)[1:] == ["ingest"] for c in pod_containers(doc))]
    assert len(jobs) == 1, "expected one Job running `llm-advisor ingest`"
    containers = list(k8s_app_containers())
    owners = {doc["kind"] for doc, _ in containers}
    assert {"Deployment", "Job"} <= owners
    assert len({c["image"] for _, c in containers}) == 1, "the app containers should share one image"


def test_k8s_chroma_url_points_at_the_chroma_service() -> None:
    urls = {doc["data"]["CHROMA_URL"] for doc in k8s("ConfigMap") if "CHROMA_URL" in doc.get("data", {})}
    assert len(urls) == 1
    url = urlparse(urls.pop())
    ports = {(s["metadata"]["name"], p["port"]) for s in k8s("Service") for p in s["spec"]["ports"]}
    assert (url.hostname, url.port) in ports, f"CHROMA_URL {url.geturl()} names no Service port"


def test_k8s_selectors_match_their_pods() -> None:
    workloads = [doc for _, doc in k8s_documents() if doc.get("kind") in POD_TEMPLATE_KINDS - {"Job"}]
    for doc in workloads:
        labels = doc["spec"]["template"]["metadata"]["labels"]
        assert labels_match(doc["spec"]["selector"]["matchLabels"], labels), doc["metadata"]["name"]
    pod_labels = [doc["spec"]["template"]["metadata"]["labels"] for doc in workloads]
    for doc in [*k8s("Service"), *k8s("PodDisruptionBudget")]:
        spec = doc["spec"]
        selector = spec["selector"].get("matchLabels", spec["selector"])
        matched = [labels for labels in pod_labels if labels_match(selector, labels)]
        assert len(matched) == 1, f"{doc['kind']}/{doc['metadata']['name']} selects {len(matched)} workloads"


def test_k8s_everything_lives_in_the_namespace() -> None:
    (namespace,) = [doc["metadata"]["name"] for doc in k8s("Namespace")]
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    assert kustomization.get("namespace") == namespace
    for path, doc in k8s_documents():
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == namespace, f"{path.name} {doc['kind']}"


def test_kustomization_lists_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {KUSTOMIZATION.name}
    assert SECRET_EXAMPLE.name not in listed, "applying the example would overwrite the real Secret"
    assert listed == present - {SECRET_EXAMPLE.name}
    app_images = {image_name(c["image"]) for _, c in k8s_app_containers()}
    assert app_images == {k8s_app_image()}


# ---- the CLI the files invoke ----------------------------------------------------------------


def app_invocations() -> list[tuple[str, list[str]]]:
    """Every command line of the app: Dockerfile CMD and RUNs, compose and Kubernetes commands."""
    found = [("Dockerfile CMD", dockerfile_cmd())]
    for i in only("RUN", final_stage()):
        found += [("Dockerfile RUN", c) for c in simple_commands(i.args)
                  if c[0] not in ("groupadd", "useradd", "mkdir", "chown", "python", "pip")]
    found += [(f"compose {name}", service_command(s)) for name, s in app_services().items()]
    found += [(f"k8s {doc['kind']}/{doc['metadata']['name']}", container_command(c))
              for doc, c in k8s_app_containers()]
    return found


def test_console_script_and_subcommands_exist() -> None:
    commands = cli_commands()
    invocations = app_invocations()
    assert len(invocations) >= 5
    used = set()
    for where, words in invocations:
        assert words and words[0] in console_scripts(), f"{where}: {words[:1]} is not in [project.scripts]"
        assert len(words) > 1 and words[1] in commands, (
            f"{where}: `{words[0]} {words[1:2]}` is not a subcommand; there are {sorted(commands)}")
        options = {opt for param in commands[words[1]].params for opt in param.opts}
        given = {word.split("=", 1)[0] for word in words[2:] if word.startswith("-")}
        assert given <= options, f"{where}: unknown options {given - options} for {words[1]}"
        used.add(words[1])
    assert {"serve", "ingest"} <= used


# ---- .dockerignore ---------------------------------------------------------------------------


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip().lstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Docker's rules, roughly: patterns are relative to the context root (`**/` at any depth), a
    match on a parent folder excludes what it holds, and the last matching pattern wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        variants = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(prefix, variant) for prefix in prefixes for variant in variants):
            result = not negate
    return result


def test_dockerignore_keeps_secrets_and_clutter_out_but_not_the_sources() -> None:
    for path in (".env", ".venv", ".git", ".pytest_cache", "bot/__pycache__", "tests"):
        assert ignored(path), f".dockerignore lets {path} into the build context"
    sources = [word for i in only("COPY") if "--from=" not in i.args for word in shlex.split(i.args)[:-1]
               if not word.startswith("--")]
    assert sources
    for source in sources:
        assert not ignored(source.rstrip("/")), f".dockerignore drops {source}, which the Dockerfile copies"
        assert (ROOT / source).exists(), source


def test_the_eval_set_is_package_data_that_reaches_the_image() -> None:
    """`llm-advisor eval` reads its default questions from the installed package."""
    from knowledge.evaluate import packaged_eval_set

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["knowledge"]
    assert any(fnmatch.fnmatchcase("eval_set.json", pattern) for pattern in patterns)
    assert packaged_eval_set().is_file()
    assert Path(str(packaged_eval_set())) == ROOT / "knowledge" / "eval_set.json"
    assert not ignored("knowledge/eval_set.json")


# ---- the Slack app manifests -----------------------------------------------------------------

MANIFESTS = (DEPLOY / "slack-manifest.yaml", DEPLOY / "slack-manifest-socket-mode.yaml")
HTTP_ONLY_KEYS = frozenset({"url", "request_url", "message_menu_options_url", "socket_mode_enabled"})
"""What Socket Mode leaves out or turns off: the public URLs."""
SCOPE_USES: dict[str, tuple[str, ...]] = {
    "commands": ("command:/llm-advisor",),
    "chat:write": ("api:chat.postMessage", "api:chat.update", "api:chat.postEphemeral",
                   "api:assistant.threads.setStatus"),
    "chat:write.public": ("api:chat.postMessage",),
    "im:write": ("api:conversations.open",),
    "app_mentions:read": ("event:app_mention",),
    "channels:history": ("event:message.channels",),
    "groups:history": ("event:message.groups",),
    "im:history": ("event:message.im",),
    "mpim:history": ("event:message.mpim",),
    "pins:write": ("api:pins.add",),
    "files:write": ("api:files_upload_v2",),
    "assistant:write": ("api:assistant.threads.setSuggestedPrompts",
                        "api:assistant.threads.setTitle", "event:assistant_thread_started"),
}
"""Each scope the bot may ask for and what uses it: a Web API method the code calls, an event
it subscribes to, or its slash command. A scope nothing uses should not be asked for."""
EVENT_SCOPES: dict[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "app_home_opened": None,
    "assistant_thread_started": "assistant:write",
    "assistant_thread_context_changed": "assistant:write",
}
"""The scope Slack requires before it sends each event (None: none needed)."""


@cache
def manifest(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def without_http_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_http_keys(v) for k, v in value.items() if k not in HTTP_ONLY_KEYS}
    if isinstance(value, list):
        return [without_http_keys(v) for v in value]
    return value


def bot_scopes(path: Path) -> list[str]:
    return list(manifest(path)["oauth_config"]["scopes"]["bot"])


def bot_events(path: Path) -> list[str]:
    return list(manifest(path)["settings"]["event_subscriptions"]["bot_events"])


@cache
def bot_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "bot").rglob("*.py")))


def test_both_manifests_describe_the_same_app_but_for_urls() -> None:
    http, socket = (manifest(path) for path in MANIFESTS)
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert without_http_keys(http) == without_http_keys(socket)
    for path in MANIFESTS:
        assert len(set(bot_scopes(path))) == len(bot_scopes(path)), f"{path.name} repeats a scope"
        assert len(set(bot_events(path))) == len(bot_events(path)), f"{path.name} repeats an event"


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_scope_asked_for_is_used(path: Path) -> None:
    from bot.slack import ids

    commands = {entry["command"] for entry in manifest(path)["features"].get("slash_commands", [])}
    for scope in bot_scopes(path):
        assert scope in SCOPE_USES, f"{path.name}: what uses {scope}? Add it to SCOPE_USES"
        for use in SCOPE_USES[scope]:
            kind, _, name = use.partition(":")
            if kind == "event":
                assert name in bot_events(path), f"{path.name}: {scope} is for {name}, not subscribed"
            elif kind == "command":
                assert name == ids.COMMAND and name in commands, f"{path.name}: no {name} command"
            else:
                assert f'"{name}"' in bot_source() or f".{name}(" in bot_source(), (
                    f"{path.name}: {scope} is for {name}, which the bot never calls")


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_event_subscribed_has_its_scope(path: Path) -> None:
    for event in bot_events(path):
        assert event in EVENT_SCOPES, f"{path.name}: which scope does {event} need?"
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in bot_scopes(path), f"{path.name}: {event} needs {needed}"


def test_the_ai_app_pane_offers_the_prompts_the_bot_sets() -> None:
    from bot.slack.assistant import SUGGESTED_PROMPTS

    for path in MANIFESTS:
        view = manifest(path)["features"]["assistant_view"]
        assert view["assistant_description"].strip()
        offered = [(p["title"], p["message"]) for p in view["suggested_prompts"]]
        assert offered == [(p.title, p.message) for p in SUGGESTED_PROMPTS], path.name
        assert 1 <= len(offered) <= 4


def _subscribed_event(name: str) -> dict[str, Any]:
    """An event of each subscription, as Slack would send it."""
    from tests.bot.slack.fakes import payloads

    channel_types = {"message.channels": ("C1", "channel"), "message.groups": ("G1", "group"),
                     "message.im": ("D1", "im"), "message.mpim": ("G2", "mpim")}
    if name in channel_types:
        channel, channel_type = channel_types[name]
        return payloads.message("about 3M tokens a day", channel=channel, channel_type=channel_type)
    builders = {
        "app_mention": lambda: payloads.app_mention(f"{payloads.BOT_MENTION} hi"),
        "app_home_opened": payloads.app_home_opened,
        "assistant_thread_started": payloads.assistant_thread_started,
        "assistant_thread_context_changed": payloads.assistant_thread_context_changed,
    }
    assert name in builders, f"no sample event for {name}"
    return builders[name]()


def test_every_event_subscribed_reaches_a_listener() -> None:
    """Bolt answers 404 to an event no listener (or the assistant) takes."""
    from unittest.mock import MagicMock

    from slack_bolt import App, BoltRequest
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    from bot.slack import listeners
    from tests.bot.slack.fakes import payloads
    from tests.bot.slack.fakes.signing import event_body

    def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-unused",
                               bot_user_id="UBOT", bot_id="BBOT")

    app = App(signing_secret="unused", authorize=authorize, raise_error_for_unhandled_request=False,
              client=WebClient(base_url="http://127.0.0.1:9/"))
    listeners.register(app, MagicMock())
    events = {event for path in MANIFESTS for event in bot_events(path)}
    bodies = {event: event_body(_subscribed_event(event)) for event in events}
    bodies["assistant thread message"] = event_body(payloads.assistant_message("hi", "1712345678.000100"))
    bodies["an event nobody takes"] = event_body({"type": "reaction_added", "event_ts": "1.0"})
    answered = {name: app.dispatch(BoltRequest(body=body, mode="socket_mode")).status
                for name, body in bodies.items()}
    assert answered.pop("an event nobody takes") == 404
    assert answered == dict.fromkeys(answered, 200)
