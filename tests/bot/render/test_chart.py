from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image, ImageFont

from bot import wording
from bot.render import chart
from bot.render.chart import (
    API_COLOUR,
    COMPUTED_COLOUR,
    HEIGHT,
    PLOT,
    SELF_HOST_COLOUR,
    USED_COLOUR,
    VOLUME_COLOUR,
    WIDTH,
    cost_chart_png,
)
from scoring import Policy, WorkloadFacts, load_policy
from scoring.comparison import cost_model

M = 1_000_000
Colour = tuple[int, int, int]


def _facts(**extra: object) -> WorkloadFacts:
    base: dict[str, object] = dict(monthly_tokens=300 * M, api_price_per_mtok=3.0, gpu_profile="a10g-8b")
    return WorkloadFacts.model_validate({**base, **extra})


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


class Picture:
    """A decoded chart with the pixel questions the tests ask of it."""

    def __init__(self, png: bytes) -> None:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG"
        self.size = image.size
        self.rgb = image.convert("RGB")
        pixels = self.rgb.load()
        assert pixels is not None
        self.pixels = pixels

    def near(self, x: int, y: int, colour: Colour, tolerance: int = 24) -> bool:
        pixel = self.pixels[x, y]
        assert isinstance(pixel, tuple)
        return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))

    def marker_columns(self, colour: Colour) -> list[int]:
        """Plot columns where a vertical line of `colour` covers at least a quarter of the height."""
        left, top, right, bottom = PLOT
        return [x for x in range(left + 1, right)
                if sum(self.near(x, y, colour) for y in range(top + 1, bottom)) >= (bottom - top) / 4]

    def columns_with(self, colour: Colour) -> set[int]:
        left, top, right, bottom = PLOT
        return {x for x in range(left + 1, right)
                if any(self.near(x, y, colour) for y in range(top + 1, bottom))}

    def outside_plot(self, colour: Colour) -> int:
        left, top, right, bottom = PLOT
        return sum(self.near(x, y, colour) for x in range(WIDTH) for y in range(HEIGHT)
                   if not (left - 1 <= x <= right + 1 and top - 1 <= y <= bottom + 1))


def _draw(facts: WorkloadFacts, policy: Policy, used: int | None = None) -> Picture:
    png = cost_chart_png(facts, policy, used)
    assert png is not None
    return Picture(png)


def _x_pixel(tokens: int, facts: WorkloadFacts, policy: Policy, used: int | None) -> float:
    model = cost_model(facts, policy)
    assert facts.monthly_tokens is not None
    top = max(facts.monthly_tokens, used or 0, model.break_even() or 0, M) * 2
    return PLOT[0] + (PLOT[2] - PLOT[0]) * tokens / top


def _assert_marker_at(picture: Picture, colour: Colour, expected: float) -> None:
    columns = picture.marker_columns(colour)
    assert columns, f"no vertical {colour} line"
    assert all(abs(x - expected) <= 3 for x in columns), (columns, expected)


def test_chart_is_a_png_of_the_expected_size(policy: Policy) -> None:
    assert _draw(_facts(), policy).size == (WIDTH, HEIGHT)


def test_no_chart_without_a_volume(policy: Policy) -> None:
    assert cost_chart_png(_facts(monthly_tokens=None), policy, 500 * M) is None


def test_both_cost_lines_cross_the_plot_and_stay_inside_it(policy: Policy) -> None:
    picture = _draw(_facts(), policy)
    width = PLOT[2] - PLOT[0]
    for colour in (API_COLOUR, SELF_HOST_COLOUR):
        assert len(picture.columns_with(colour)) >= 0.8 * width, colour
        assert picture.outside_plot(colour) == 0, colour


@pytest.mark.parametrize("volume", [300 * M, 2_000 * M, 6_000 * M])
def test_volume_marker_is_drawn_at_the_teams_volume(policy: Policy, volume: int) -> None:
    facts = _facts(monthly_tokens=volume)
    picture = _draw(facts, policy)
    _assert_marker_at(picture, VOLUME_COLOUR, _x_pixel(volume, facts, policy, None))


def test_break_even_markers_when_they_differ(policy: Policy) -> None:
    facts, used = _facts(), 500 * M
    computed = cost_model(facts, policy).break_even()
    assert computed is not None
    picture = _draw(facts, policy, used)
    _assert_marker_at(picture, COMPUTED_COLOUR, _x_pixel(computed, facts, policy, used))
    _assert_marker_at(picture, USED_COLOUR, _x_pixel(used, facts, policy, used))


def test_break_even_used_is_not_drawn_twice_when_it_is_the_computed_one(policy: Policy) -> None:
    facts = _facts()
    computed = cost_model(facts, policy).break_even()
    picture = _draw(facts, policy, computed)
    assert computed is not None
    _assert_marker_at(picture, COMPUTED_COLOUR, _x_pixel(computed, facts, policy, computed))
    assert picture.marker_columns(USED_COLOUR) == []


def test_no_break_even_marker_when_self_hosting_never_pays(policy: Policy) -> None:
    facts = _facts(monthly_tokens=5_000 * M, api_price_per_mtok=0.1)
    assert cost_model(facts, policy).break_even() is None
    picture = _draw(facts, policy)
    assert picture.marker_columns(COMPUTED_COLOUR) == []
    assert picture.marker_columns(USED_COLOUR) == []
    assert not any(picture.near(x, y, COMPUTED_COLOUR, 40) for x in range(WIDTH) for y in range(HEIGHT))
    _assert_marker_at(picture, VOLUME_COLOUR, _x_pixel(5_000 * M, facts, policy, None))


@pytest.mark.parametrize("volume", [0, 1, 10**13])
def test_extreme_volumes_still_draw(policy: Policy, volume: int) -> None:
    assert _draw(_facts(monthly_tokens=volume), policy).size == (WIDTH, HEIGHT)


def test_rendering_is_deterministic(policy: Policy) -> None:
    facts = _facts()
    assert cost_chart_png(facts, policy, 500 * M) == cost_chart_png(facts, policy, 500 * M)


def test_tick_steps_and_usd_labels() -> None:
    assert chart._nice_step(2.0, 6) == pytest.approx(0.5)
    assert chart._nice_step(8_336, 6) == pytest.approx(2_000)
    assert chart._nice_step(31_000, 6) == pytest.approx(10_000)
    assert chart._usd(0, 5_000, 30_000) == "$0"
    assert chart._usd(2_500, 500, 5_000) == "$2,500"
    assert chart._usd(15_000, 5_000, 30_000) == "$15k"
    assert chart._usd(1_500_000, 500_000, 3_000_000) == "$1.5M"


@pytest.fixture
def without_freetype(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def bitmap_only(size: float | None = None) -> ImageFont.ImageFont:
        if size is not None:
            raise ImportError("The _imagingft C module is not installed")
        return ImageFont.load_default_imagefont()

    monkeypatch.setattr(ImageFont, "load_default", bitmap_only)
    chart._font.cache_clear()
    chart._vertical_label.cache_clear()
    yield
    chart._font.cache_clear()
    chart._vertical_label.cache_clear()


@pytest.mark.usefixtures("without_freetype")
def test_chart_falls_back_to_the_bitmap_font(policy: Policy) -> None:
    assert isinstance(chart._font(11), ImageFont.ImageFont)
    picture = _draw(_facts(), policy, 500 * M)
    assert picture.size == (WIDTH, HEIGHT)
    assert picture.marker_columns(VOLUME_COLOUR)


def test_labels_sit_at_their_anchors(policy: Policy) -> None:
    picture = _draw(_facts(), policy)
    left, top, right, bottom = PLOT

    def dark(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
        return [(x, y) for x in range(x0, x1) for y in range(y0, y1) if picture.near(x, y, (30, 30, 30), 90)]

    title = dark(left, 0, WIDTH, top - 8)  # centred in the top margin, above the top tick label
    assert title and abs((min(x for x, _ in title) + max(x for x, _ in title)) / 2 - (left + right) / 2) <= 3
    zero = dark(0, bottom - 10, left - 4, bottom + 10)  # "$0" right-aligned against the bottom tick
    assert zero and left - 12 <= max(x for x, _ in zero) <= left - 6
    assert abs((min(y for _, y in zero) + max(y for _, y in zero)) / 2 - bottom) <= 3


def test_a_label_is_rendered_once_and_reused(policy: Policy) -> None:
    chart._text_mask.cache_clear()
    cost_chart_png(_facts(), policy, None)
    drawn = chart._text_mask.cache_info()
    cost_chart_png(_facts(), policy, None)

    assert chart._text_mask.cache_info().misses == drawn.misses


def test_alt_text_names_the_costs_at_the_volume_and_both_break_evens(policy: Policy) -> None:
    facts = _facts()
    model = cost_model(facts, policy)
    computed = model.break_even()
    assert computed is not None
    text = chart.cost_chart_alt_text(facts, policy, 500 * M)
    assert text == (
        "Chart of monthly cost against token volume: at your 300M tokens a month the API costs "
        f"{wording.money(model.api_cost(300 * M))} and self-hosting (a10g-8b) "
        f"{wording.money(model.self_host_cost(300 * M))} a month; self-hosting breaks even "
        f"at {wording.tokens(computed)} tokens a month (500M used for scoring).")
    assert chart.cost_chart_alt_text(_facts(monthly_tokens=None), policy, None) is None
