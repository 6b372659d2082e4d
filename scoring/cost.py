"""The cost model: monthly API cost, monthly self-host cost, and the break-even between them.

API cost      = tokens / 1M x blended price per 1M tokens
Self-host     = replicas x GPUs per replica x GPU $/h x hours x (1 + operations overhead)
                + engineering time + amortised set-up
Throughput    = 1 / (output share / output tok/s + input share / input tok/s) per replica
Replicas      = max(minimum replicas, whole replicas that serve the peak rate at no more than
                the utilisation ceiling)
Break-even    = the smallest monthly volume at which self-hosting costs no more than the API;
                settled where it stays so at every larger volume (replica steps can part them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.facts import MAX_MONTHLY_TOKENS
from scoring.policy import GpuProfile

MTOK = 1_000_000
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class CostModel:
    """The resolved inputs for one workload; all money in USD per month."""

    blended_price: float
    profile: GpuProfile
    output_share: float
    engineering_fte: float
    hours_per_month: float
    min_replicas: int
    peak_to_average: float
    max_utilisation: float
    ops_overhead: float
    engineer_month_usd: float
    setup_engineer_months: float
    amortisation_months: float

    @property
    def tokens_per_second(self) -> float:
        """Input plus output tokens one replica processes per second at this workload's mix."""
        profile = self.profile
        seconds = (self.output_share / profile.output_tokens_per_second
                   + (1 - self.output_share) / profile.input_tokens_per_second)
        return 1 / seconds

    @property
    def replica_capacity_tokens(self) -> float:
        """Monthly tokens one replica serves when sized for peak traffic under the ceiling."""
        full = self.tokens_per_second * SECONDS_PER_HOUR * self.hours_per_month
        return full * self.max_utilisation / self.peak_to_average

    def utilisation(self, tokens: int) -> float:
        """Average share of the replicas' measured throughput that `tokens` a month uses."""
        full = self.tokens_per_second * SECONDS_PER_HOUR * self.hours_per_month
        return tokens / (self.replicas(tokens) * full)

    def replicas(self, tokens: int) -> int:
        return max(self.min_replicas, math.ceil(tokens / self.replica_capacity_tokens))

    def replica_cost(self) -> float:
        profile = self.profile
        gpu = profile.gpus_per_replica * profile.gpu_hourly_usd * self.hours_per_month
        return gpu * (1 + self.ops_overhead)

    def fixed_cost(self) -> float:
        engineering = self.engineering_fte * self.engineer_month_usd
        setup = self.setup_engineer_months * self.engineer_month_usd / self.amortisation_months
        return engineering + setup

    def self_host_cost(self, tokens: int) -> float:
        return self.replicas(tokens) * self.replica_cost() + self.fixed_cost()

    def api_cost(self, tokens: int) -> float:
        return tokens / MTOK * self.blended_price

    def self_host_no_dearer(self, tokens: int) -> bool:
        return self.self_host_cost(tokens) <= self.api_cost(tokens)

    def break_even(self) -> int | None:
        """Smallest volume at which self-hosting costs no more than the API, or None if never.

        Self-host cost is flat within one replica count, so the crossing is searched replica
        step by replica step, then confirmed against the cost functions themselves.
        """
        if self.blended_price <= 0:
            return None
        capacity = self.replica_capacity_tokens
        marginal_per_token = self.replica_cost() / capacity
        replicas = self.min_replicas
        low = 0
        while low <= MAX_MONTHLY_TOKENS:
            high = math.floor(replicas * capacity)
            cost = replicas * self.replica_cost() + self.fixed_cost()
            crossing = max(low, math.ceil(cost * MTOK / self.blended_price))
            if crossing <= high:
                return self._confirm(crossing)
            if marginal_per_token * MTOK >= self.blended_price:
                return None
            low = high + 1
            replicas = max(replicas + 1, math.ceil(low / capacity))
        return None

    def settled_break_even(self) -> int | None:
        """Smallest volume from which self-hosting costs no more than the API at every larger
        volume, or None if it never settles so.

        Equal to `break_even()` unless the jump to an extra replica makes self-hosting dearer
        again just past the break-even; then the cheaper option alternates until this volume.
        """
        first = self.break_even()
        if first is None or not self.self_host_no_dearer(MAX_MONTHLY_TOKENS):
            return None
        lowest, top = self.replicas(first), self.replicas(MAX_MONTHLY_TOKENS)
        if self.replica_cost() / self.replica_capacity_tokens * MTOK >= self.blended_price:
            return self._crossing_in(top)
        # When a replica's capacity is worth more at the API price than the replica costs, each
        # band opens with more room than the one before: once one opens no dearer, all later do.
        low, high = lowest + 1, top + 1
        while low < high:
            middle = (low + high) // 2
            if self.self_host_no_dearer(self._band(middle)[0]):
                high = middle
            else:
                low = middle + 1
        if low == lowest + 1:
            return first
        if low > top:
            return self._crossing_in(top)
        crossing = self._crossing_in(low - 1)
        return self._band(low)[0] if crossing is None else crossing

    def cheaper_changes(self, limit: int = 12) -> list[int]:
        """The volumes at which the cheaper option changes, ascending (at most `limit`).

        The first is the break-even; later ones appear only where an extra replica makes
        self-hosting dearer again, up to the settled break-even.
        """
        first = self.break_even()
        if first is None:
            return []
        changes = [first]
        settled = self.settled_break_even()
        replicas = self.replicas(first)
        while len(changes) < limit and changes[-1] != settled:
            replicas += 1
            start, _ = self._band(replicas)
            if start > MAX_MONTHLY_TOKENS or replicas > self.replicas(MAX_MONTHLY_TOKENS):
                break
            if not self.self_host_no_dearer(start):
                changes.append(start)
                crossing = self._crossing_in(replicas)
                if crossing is not None and len(changes) < limit:
                    changes.append(crossing)
        return changes

    def _band(self, replicas: int) -> tuple[int, int]:
        """The first and last volume served by exactly `replicas` replicas."""
        capacity = self.replica_capacity_tokens
        first = 0 if replicas <= self.min_replicas else math.floor((replicas - 1) * capacity) + 1
        while first > 0 and self.replicas(first - 1) >= replicas:
            first -= 1
        while self.replicas(first) < replicas:
            first += 1
        last = min(math.floor(replicas * capacity), MAX_MONTHLY_TOKENS)
        while last < MAX_MONTHLY_TOKENS and self.replicas(last + 1) <= replicas:
            last += 1
        while self.replicas(last) > replicas:
            last -= 1
        return first, last

    def _crossing_in(self, replicas: int) -> int | None:
        """Smallest volume in that replica band at which self-hosting costs no more, if any.

        Within one band the self-host cost is flat and the API cost rises, so once self-hosting
        costs no more it stays so to the end of the band.
        """
        first, last = self._band(replicas)
        cost = replicas * self.replica_cost() + self.fixed_cost()
        tokens = max(first, math.ceil(cost * MTOK / self.blended_price))
        while tokens > first and self.self_host_no_dearer(tokens - 1):
            tokens -= 1
        while tokens <= last and not self.self_host_no_dearer(tokens):
            tokens += 1
        return tokens if tokens <= last else None

    def _confirm(self, tokens: int) -> int | None:
        while tokens > 0 and self.self_host_no_dearer(tokens - 1):
            tokens -= 1
        while tokens <= MAX_MONTHLY_TOKENS and not self.self_host_no_dearer(tokens):
            tokens += 1
        return tokens if tokens <= MAX_MONTHLY_TOKENS else None


