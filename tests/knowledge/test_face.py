"""The package face: light to import, and every public name is the object it promises."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.paths import ROOT


def test_face_names_stay_functions_whatever_was_imported_first() -> None:
    script = (
        "import sys\n"
        "import knowledge\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'chromadb', 'langchain_core', 'sentence_transformers'}\n"
        "assert not heavy, heavy\n"
        "import knowledge.evaluate, knowledge.base, knowledge.retrieval\n"
        "from knowledge import KnowledgeBase, Passage, evaluate, load_eval_set\n"
        "assert callable(evaluate) and callable(load_eval_set)\n"
        "assert isinstance(KnowledgeBase, type) and isinstance(Passage, type)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
