"""The cost chart: API cost against volume, self-host cost in replica steps, the team's volume.

Drawn directly with Pillow on a fixed layout: nice 1/2/5 ticks, light grid, a legend placed where it
covers the least of the plotted data.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot import wording
from scoring import Policy, PriceCatalog, WorkloadFacts, cost_model

WIDTH, HEIGHT = 700, 400
PLOT = (74, 34, 688, 346)
"""Left, top, right and bottom edges of the plot area, in pixels."""
API_COLOUR = (31, 119, 180)
SELF_HOST_COLOUR = (255, 127, 14)
VOLUME_COLOUR = (0, 0, 0)
COMPUTED_COLOUR = (0, 128, 0)
USED_COLOUR = (128, 128, 128)
_GRID = (228, 228, 228)
_FRAME = (110, 110, 110)
_TEXT = (30, 30, 30)
_STYLES = {"solid": (0, 0), "dashed": (7, 4), "dotted": (2, 3)}
"""Dash and gap lengths in pixels; a zero dash is a continuous line."""

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Colour = tuple[int, int, int]


@lru_cache(maxsize=4)
def _font(size: int) -> Font:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # without FreeType: the small bitmap font
        return ImageFont.load_default()


@lru_cache(maxsize=2)
def _vertical_label(text: str, size: int) -> Image.Image:
    """The text as an opacity mask, turned to read bottom to top."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    mask = Image.new("L", (int(right - left) + 2, int(bottom - top) + 2), 0)
    ImageDraw.Draw(mask).text((1 - left, 1 - top), text, fill=255, font=font)
    return mask.transpose(Image.Transpose.ROTATE_90)


@lru_cache(maxsize=1024)
def _text_mask(text: str, size: int, anchor: str) -> tuple[Image.Image, int, int]:
    """The text as an opacity mask, and where its corner sits relative to the anchor point.
    Charts repeat most of their labels (titles, legend, round tick values): each is rendered once."""
    font = _font(size)
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor=anchor))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return mask, left, top


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font: Font, anchor: str) -> None:
    """Text placed by a two-letter anchor such as "rm" (right, middle), with either kind of font."""
    x, y = xy
    if isinstance(font, ImageFont.FreeTypeFont):
        mask, dx, dy = _text_mask(text, int(font.size), anchor)
        draw.bitmap((round(x) + dx, round(y) + dy), mask, fill=_TEXT)
        return
    # The bitmap font ignores anchors.
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x -= {"l": left, "m": (left + right) / 2, "r": right}[anchor[0]]
    y -= {"t": top, "m": (top + bottom) / 2}[anchor[1]]
    draw.text((x, y), text, fill=_TEXT, font=font)


def _nice_step(span: float, ticks: int) -> float:
    """The 1, 2 or 5 x 10^k step that splits `span` into about `ticks` intervals."""
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if raw <= m * power * (1 + 1e-9))


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _usd(value: float, step: float, top: float) -> str:
    """A USD tick label: "$0", "$2,500", "$40k" or "$1.5M", with as many decimals as the step needs."""
    if value == 0:
        return "$0"
    unit, suffix = (1e6, "M") if top >= 1e6 else (1e3, "k") if top >= 1e4 else (1.0, "")
    return f"${value / unit:,.{_decimals(step / unit)}f}{suffix}"


def _smooth_line(image: Image.Image, points: Sequence[tuple[float, float]], colour: Colour) -> None:
    """A 2 px polyline drawn at twice the resolution and scaled down, so slopes are not jagged."""
    left = max(0, int(min(x for x, _ in points)) - 3)
    top = max(0, int(min(y for _, y in points)) - 3)
    right = min(WIDTH, int(max(x for x, _ in points)) + 4)
    bottom = min(HEIGHT, int(max(y for _, y in points)) + 4)
    mask = Image.new("L", ((right - left) * 2, (bottom - top) * 2), 0)
    doubled = [((x - left) * 2, (y - top) * 2) for x, y in points]
    ImageDraw.Draw(mask).line(doubled, fill=255, width=4, joint="curve")
    image.paste(colour, (left, top), mask.reduce(2))


def _dashed_vertical(draw: ImageDraw.ImageDraw, x: float, colour: Colour, style: str) -> None:
    dash, gap = _STYLES[style]
    top, bottom = PLOT[1], PLOT[3]
    y = float(bottom)
    while y > top:
        end = max(top, y - dash)
        draw.line([(x, y), (x, end)], fill=colour, width=2)
        y = end - gap


def _legend(draw: ImageDraw.ImageDraw, entries: Sequence[tuple[str, Colour, str]],
            occupied: Sequence[tuple[float, float]]) -> None:
    """Draw the legend in the plot corner or side that hides the fewest plotted points."""
    font, pad, swatch, row = _font(11), 6, 26, 16
    width = pad * 3 + swatch + max(int(draw.textlength(label, font=font)) for label, _, _ in entries)
    height = pad * 2 + row * len(entries) - 2
    left, top, right, bottom = PLOT
    inset = 8
    xs = (left + inset, right - inset - width)
    ys = (top + inset, bottom - inset - height, (top + bottom - height) // 2)
    candidates = [(xs[0], ys[0]), (xs[1], ys[0]), (xs[1], ys[1]), (xs[0], ys[1]), (xs[0], ys[2]),
                  (xs[1], ys[2])]

    def covered(corner: tuple[int, int]) -> int:
        x0, y0 = corner
        return sum(x0 - 4 <= x <= x0 + width + 4 and y0 - 4 <= y <= y0 + height + 4 for x, y in occupied)

    x0, y0 = min(candidates, key=covered)
    draw.rectangle([x0, y0, x0 + width, y0 + height], fill=(255, 255, 255), outline=(200, 200, 200))
    for index, (label, colour, style) in enumerate(entries):
        middle = y0 + pad + index * row + row // 2 - 1
        dash, gap = _STYLES[style]
        x = float(x0 + pad)
        while x < x0 + pad + swatch:
            end = min(x0 + pad + swatch, x + (dash or swatch))
            draw.line([(x, middle), (end, middle)], fill=colour, width=2)
            x = end + gap
        _text(draw, (x0 + pad * 2 + swatch, middle), label, font, "lm")


ALT_TEXT_MAX = 1000
"""Slack's limit on a file's alt text."""


def cost_chart_alt_text(facts: WorkloadFacts, policy: Policy, break_even_used: int | None,
                        prices: PriceCatalog | None = None) -> str | None:
    """The chart's numbers in one sentence, for screen readers and anyone who can't see it;
    None without a volume (then there is no chart)."""
    if facts.monthly_tokens is None:
        return None
    model = cost_model(facts, policy, prices)
    volume = facts.monthly_tokens
    computed = model.break_even()
    if computed is None:
        crossing = "self-hosting does not get cheaper than the API at any volume charted"
    else:
        crossing = f"self-hosting breaks even at {wording.tokens(computed)} tokens a month"
    if break_even_used is not None and break_even_used != computed:
        crossing += f" ({wording.tokens(break_even_used)} used for scoring)"
    sentence = (f"Chart of monthly cost against token volume: at your {wording.tokens(volume)} "
                f"tokens a month the API costs {wording.money(model.api_cost(volume))} and "
                f"self-hosting ({model.profile.name}) {wording.money(model.self_host_cost(volume))} "
                f"a month; {crossing}.")
    return sentence[:ALT_TEXT_MAX]


def cost_chart_png(facts: WorkloadFacts, policy: Policy, break_even_used: int | None,
                   prices: PriceCatalog | None = None) -> bytes | None:
    """A PNG comparing monthly costs around the team's volume, or None without a volume."""
    if facts.monthly_tokens is None:
        return None
    model = cost_model(facts, policy, prices)
    volume = facts.monthly_tokens
    computed = model.break_even()
    top = max(volume, break_even_used or 0, computed or 0, 1_000_000) * 2
    steps = 120
    xs = [top * i / steps for i in range(steps + 1)]
    api = [model.api_cost(int(x)) for x in xs]
    self_host = [model.self_host_cost(int(x)) for x in xs]

    # A little headroom so the highest line does not run along the frame.
    highest = max(max(api), max(self_host), 1.0) * 1.04
    y_step = _nice_step(highest, 6)
    y_top = math.ceil(highest / y_step - 1e-9) * y_step
    x_top = top / 1e6
    x_step = _nice_step(x_top, 6)
    left, plot_top, right, bottom = PLOT

    def px(tokens: float) -> float:
        return left + (right - left) * tokens / top

    def py(usd: float) -> float:
        return bottom - (bottom - plot_top) * usd / y_top

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    small, label_font = _font(11), _font(12)

    # Grid, ticks and tick labels.
    for i in range(int(y_top / y_step + 1e-9) + 1):
        y = py(i * y_step)
        draw.line([(left, y), (right, y)], fill=_GRID)
        draw.line([(left - 4, y), (left, y)], fill=_FRAME)
        _text(draw, (left - 7, y), _usd(i * y_step, y_step, y_top), small, "rm")
    for i in range(int(x_top / x_step + 1e-9) + 1):
        x = px(i * x_step * 1e6)
        draw.line([(x, plot_top), (x, bottom)], fill=_GRID)
        draw.line([(x, bottom), (x, bottom + 4)], fill=_FRAME)
        text = f"{i * x_step:,.{_decimals(x_step)}f}"
        half = draw.textlength(text, font=small) / 2
        _text(draw, (min(x, WIDTH - 3 - half), bottom + 7), text, small, "mt")
    draw.rectangle([left, plot_top, right, bottom], outline=_FRAME)

    # The cost lines: the API price grows with volume, self-hosting steps up a whole replica at a time.
    api_points = [(px(x), py(y)) for x, y in zip(xs, api, strict=True)]
    host_points: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(zip(xs, self_host, strict=True)):
        host_points.append((px(x), py(y)))
        if i + 1 < len(xs):
            host_points.append((px(xs[i + 1]), py(y)))
    _smooth_line(image, api_points, API_COLOUR)
    _smooth_line(image, host_points, SELF_HOST_COLOUR)

    entries: list[tuple[str, Colour, str]] = [
        ("API (pay per token)", API_COLOUR, "solid"),
        (f"Self-hosted ({model.profile.name}, whole replicas)", SELF_HOST_COLOUR, "solid"),
        ("Your volume", VOLUME_COLOUR, "dashed"),
    ]
    markers: list[tuple[float, Colour, str]] = [(volume, VOLUME_COLOUR, "dashed")]
    if computed is not None and computed <= top:
        markers.append((computed, COMPUTED_COLOUR, "dotted"))
        entries.append(("Computed break-even", COMPUTED_COLOUR, "dotted"))
    if break_even_used is not None and break_even_used != computed and break_even_used <= top:
        markers.append((break_even_used, USED_COLOUR, "dotted"))
        entries.append(("Break-even used for scoring", USED_COLOUR, "dotted"))
    for tokens, colour, style in markers:
        _dashed_vertical(draw, px(tokens), colour, style)

    occupied = api_points + host_points + [
        (px(tokens), y) for tokens, _, _ in markers for y in range(plot_top, bottom, 6)
    ]
    _legend(draw, entries, occupied)

    centre = (left + right) / 2
    _text(draw, (centre, plot_top / 2), "Monthly cost: API vs self-hosted", _font(14), "mm")
    _text(draw, (centre, HEIGHT - 14), "Tokens per month (millions)", label_font, "mm")
    mask = _vertical_label("USD per month", 12)
    image.paste(_TEXT, (6, (plot_top + bottom - mask.height) // 2), mask)

    buffer = io.BytesIO()
    # Flat colours and a few text shades: a palette image encodes several times faster than RGB.
    palette = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
