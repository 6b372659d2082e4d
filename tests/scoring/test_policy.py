from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from scoring import PolicyError, WorkloadFacts, load_policy, recommend
from scoring.policy import DEFAULT_POLICY_RESOURCE

DEFAULT_TEXT = (Path(__file__).resolve().parents[2] / "scoring" / DEFAULT_POLICY_RESOURCE).read_text()


def test_load_policy_default_has_framework_break_even() -> None:
    policy = load_policy()
    assert policy.volume.default_break_even_tokens == 50_000_000
    assert policy.fingerprint == load_policy().fingerprint


def test_load_policy_organisation_file_changes_the_answer(tmp_path: Path) -> None:
    # At the computed break-even of the default prices (11,278.60 / 6.6 x 1M) volume is neutral and
    # the score is the latency's +0.3: hybrid by default, open source from a 0.2 threshold.
    facts = WorkloadFacts(data_residency="unrestricted", specialization="moderate",
                          monthly_tokens=1_708_878_788, ml_expertise="some", latency="interactive")
    own = tmp_path / "ours.toml"
    own.write_text(DEFAULT_TEXT.replace("open_source_at = 1.0", "open_source_at = 0.2"))
    policy = load_policy(own)
    assert recommend(facts).recommendation == "hybrid"
    assert recommend(facts, policy).recommendation == "open_source"
    assert recommend(facts, policy).policy.fingerprint != recommend(facts).policy.fingerprint


@pytest.mark.parametrize(("edit", "message"), [
    (("niche = 1.0", "niche = -1.0"), "must not decrease"),
    (("open_source_at = 1.0", "open_source_at = -3.0"), "must not exceed"),
    (('self_host_profile = "a100-8b"', 'self_host_profile = "tpu"'), "is not one of"),
    (("weight = 2.5", "weight = -1"), "greater than or equal to 0"),
    (("[thresholds]", "[thresholds"), "not valid TOML"),
    (('basis = "computed"', 'basis = "median"'), r"volume\.basis: .*'computed' or 'rule_of_thumb'"),
])
def test_load_policy_rejects_bad_files_with_clear_message(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT_TEXT.replace(*edit, 1))
    with pytest.raises(PolicyError, match=message) as caught:
        load_policy(bad)
    assert str(bad) in str(caught.value)


def test_load_policy_without_volume_basis_scores_the_computed_break_even(tmp_path: Path) -> None:
    older = tmp_path / "older.toml"
    older.write_text(DEFAULT_TEXT.replace('basis = "computed"\n', "", 1))
    assert "basis =" not in older.read_text()
    policy = load_policy(older)
    assert policy.volume.basis == "computed"
    facts = WorkloadFacts(data_residency="unrestricted", specialization="moderate",
                          monthly_tokens=50_000_000, ml_expertise="some", latency="interactive")
    assert recommend(facts, policy).cost.break_even_basis == "computed"


def test_load_policy_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.toml")


def test_workload_facts_invalid_value_names_field_and_allowed_values() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkloadFacts.model_validate({"latency": "fast"})
    error = caught.value.errors()[0]
    assert error["loc"] == ("latency",)
    assert "'critical', 'interactive' or 'relaxed'" in error["msg"]


@pytest.mark.parametrize("bad", [{"monthly_tokens": -1}, {"monthly_tokens": 10**14},
                                 {"api_input_price_per_mtok": 1.0}, {"colour": "red"}])
def test_workload_facts_rejects_nonsense(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        WorkloadFacts.model_validate(bad)
