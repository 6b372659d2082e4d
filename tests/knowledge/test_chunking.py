from __future__ import annotations

from pathlib import Path

from knowledge.blocks import refers_back, units
from knowledge.chunking import CHUNKING, MAX_CHARS, chunk_document
from knowledge.documents import load_document
from knowledge.ingest import ingest
from knowledge.vector_index import open_client, open_collection
from tests.helpers.knowledge import CountingEmbedder, write_guide

_ITEMS = [f"- Step {n}: check the {n}th control and write down who signed it off;" for n in range(40)]
_TABLE = ["| Vendor | Region | Contract |", "|---|---|---|",
          *[f"| Vendor {n} | eu-west-{n} | DPA signed in 20{n:02d} |" for n in range(30)]]
_LONG = "Prose that only fills space before the list begins, sentence after sentence. " * 12


def _document(tmp_path: Path) -> Path:
    body = "\n".join([
        "## Controls", "", "### Before launch", "", _LONG, "",
        "Every launch goes through these steps:", "", *_ITEMS, "", _LONG, "",
        "The vendors we use:", "", *_TABLE, "", _LONG,
    ])
    return write_guide(tmp_path / "ours", "launch-rules", body)


def test_chunks_never_split_a_list_or_a_table_and_keep_the_heading_path(tmp_path: Path) -> None:
    path = _document(tmp_path)
    chunks = chunk_document(load_document(path, path.parent))
    assert len(chunks) > 2, "the section is long enough to need several chunks"
    assert all(c.section == "Controls › Before launch" for c in chunks)
    with_list = [c for c in chunks if "Step 0:" in c.text]
    assert len(with_list) == 1 and all(item in with_list[0].text for item in _ITEMS)
    assert "Every launch goes through these steps:" in with_list[0].text, "the lead-in stays with its list"
    with_table = [c for c in chunks if "| Vendor |" in c.text]
    assert len(with_table) == 1 and all(row in with_table[0].text for row in _TABLE)
    assert all(len(c.text) <= MAX_CHARS for c in chunks if c not in with_list + with_table)
    assert all(c.metadata()["chunking"] == CHUNKING for c in chunks)


def test_units_read_list_items_and_table_rows_as_written(tmp_path: Path) -> None:
    text = "Triggers include:\n\n- the score falls below a threshold;\n- the output fails; or\n\n" \
           "| GPU | Price per hour |\n|---|---|\n| **H100** | $2.50 |"
    found = units(text)
    assert [(u.kind, u.shown) for u in found[1:]] == [
        ("item", "the score falls below a threshold"), ("item", "the output fails"),
        ("row", "H100: $2.50")]
    assert found[3].text == "H100 - Price per hour: $2.50", "a row is matched with its column name"


def test_refers_back_knows_pronouns_and_connectives() -> None:
    assert refers_back("But for a team with little experience, it turns a staffing problem into a bill.")
    assert refers_back("For these, the hosted API range is usually acceptable.")
    assert refers_back("Data still leaves your infrastructure, so it does not satisfy in-house rules.")
    assert not refers_back("Managed hosting of open models is the relief valve for a small team.")
    assert not refers_back("A plan that counts the GPUs but not the people will look cheap.")


def test_an_index_chunked_by_an_earlier_version_is_rechunked_on_the_next_ingest(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "alpha", "## A\n\nOur GPUs sit in Frankfurt.\n\n- one;\n- two")
    collection = open_collection(open_client(tmp_path / "index"), embedder.name)
    ingest(collection, embedder, [folder])
    stored = collection.get(include=["metadatas"])
    collection.update(ids=stored["ids"],
                      metadatas=[{**meta, "chunking": "1"} for meta in stored["metadatas"]])

    report = ingest(collection, embedder, [folder])

    assert (report.changed, report.unchanged) == (1, 0)
    after = collection.get(include=["metadatas"])
    assert {meta["chunking"] for meta in after["metadatas"]} == {CHUNKING}
    assert ingest(collection, embedder, [folder]).unchanged == 1, "then it is current again"
