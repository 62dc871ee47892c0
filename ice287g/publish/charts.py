"""Charts and the map, drawn at publish time into static SVG: Vega-Lite specs built with
Altair, rendered offline by vl-convert (no network, no JavaScript in the browser).

Each chart comes with a text alternative and the table of numbers behind it. Vega
numbers gradients and clip paths per process; those ids are renumbered per file so the
same data always gives the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert

from ice287g.publish import geo

MODEL_COLORS = {"JEM": "#1b6ca8", "TFM": "#d1495b", "WSO": "#edae49"}
_IDS = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True)
class Chart:
    """One drawn chart: its file name, title, SVG, text alternative and data table."""

    name: str
    title: str
    svg: str
    alt: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def render_svg(chart: alt.TopLevelMixin, datasets: dict[str, Any] | None = None) -> str:
    """The SVG of a chart, with Vega's per-process ids made per-file. ``datasets`` are
    named data sets added to the spec as they are (Altair would copy them deeply)."""
    spec = chart.to_dict(validate=False)
    if datasets:
        spec.setdefault("datasets", {}).update(datasets)
    svg = vl_convert.vegalite_to_svg(spec)
    for number, old in enumerate(dict.fromkeys(_IDS.findall(svg))):
        svg = re.sub(rf'(?<=["#(]){re.escape(old)}(?=[")])', f"v{number}", svg)
    return svg


def models_over_time(name: str, title: str, daily: Sequence[dict[str, Any]]) -> Chart:
    """Agreements on the list by model, day by day."""
    long = [
        {"date": row["date"], "model": model, "agreements": row[model]}
        for row in daily
        for model in MODEL_COLORS
    ]
    chart = (
        alt.Chart(alt.InlineData(values=long or [{"date": None, "model": "JEM", "agreements": 0}]))
        .mark_line(point=len(daily) < 40, interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="date of capture", scale=alt.Scale(type="utc")),
            y=alt.Y("agreements:Q", title="agreements on the list"),
            color=_model_color(),
        )
        .properties(width=640, height=260, title=title)
    )
    last = daily[-1] if daily else None
    text = (
        f"{title}: from {daily[0]['date']} to {last['date']}; on {last['date']}: "
        + ", ".join(f"{m} {last[m]}" for m in MODEL_COLORS)
        if last
        else f"{title}: no data yet."
    )
    columns = ("date", "JEM", "TFM", "WSO", "total")
    return Chart(name, title, render_svg(chart), text, columns, tuple(daily))


def monthly_flows(flows: Sequence[dict[str, Any]]) -> Chart:
    """Agreements added and withdrawn per month (grouped bars)."""
    title = "Agreements added and withdrawn per month"
    long = [
        {"month": row["month"], "change": change, "agreements": row[change]}
        for row in flows
        for change in ("added", "withdrawn")
    ]
    chart = (
        alt.Chart(
            alt.InlineData(values=long or [{"month": "", "change": "added", "agreements": 0}])
        )
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="month of the first capture showing the change"),
            xOffset="change:N",
            y=alt.Y("agreements:Q", title="agreements"),
            color=alt.Color(
                "change:N",
                scale=alt.Scale(domain=["added", "withdrawn"], range=["#2a9d8f", "#9d2a4a"]),
            ),
        )
        .properties(width=640, height=240, title=title)
    )
    added = sum(r["added"] for r in flows)
    withdrawn = sum(r["withdrawn"] for r in flows)
    text = (
        f"{title}: {added} added and {withdrawn} withdrawn over {len(flows)} months "
        "(agreements already listed when records begin are not counted as added)."
    )
    return Chart(
        "flows", title, render_svg(chart), text, ("month", "added", "withdrawn"), tuple(flows)
    )


def agreements_map(rows: Sequence[dict[str, Any]]) -> Chart:
    """Agreements on the list by county where the county is known, else by state."""
    title = "Agreements by county (where known) or state"
    by_county = Counter(r["county_fips"] for r in rows if r.get("county_fips"))
    by_state = Counter(
        r["state_fips"] for r in rows if r.get("state_fips") and not r["county_fips"]
    )
    states = alt.NamedData(name="states", format=alt.DataFormat(type="topojson", feature="states"))
    counties = alt.NamedData(
        name="counties", format=alt.DataFormat(type="topojson", feature="counties")
    )
    shapes = {
        "states": geo.topology("states"),
        "counties": geo.subset("counties", "counties", set(by_county)),
    }
    state_values = [{"id": k, "statewide": v} for k, v in sorted(by_state.items())]
    county_values = [{"id": k, "agreements": v} for k, v in sorted(by_county.items())]
    state_layer = (
        alt.Chart(states)
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.7)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(
                alt.InlineData(values=state_values or [{"id": "", "statewide": 0}]),
                "id",
                ["statewide"],
            ),
            default="0",
        )
        .encode(
            color=alt.Color(
                "statewide:Q",
                title="agreements, no county",
                scale=alt.Scale(range=["#f0f0f0", "#7a7a7a"]),
            )
        )
    )
    county_layer = (
        alt.Chart(counties)
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.2)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(
                alt.InlineData(values=county_values or [{"id": "", "agreements": 0}]),
                "id",
                ["agreements"],
            ),
        )
        .encode(
            color=alt.Color(
                "agreements:Q",
                title="agreements in the county",
                scale=alt.Scale(range=["#fdd49e", "#b30000"]),
            )
        )
    )
    chart = (
        alt.layer(state_layer, county_layer)
        .resolve_scale(color="independent")
        .project("albersUsa")
        .properties(width=760, height=460, title=title)
    )
    text = (
        f"{title}: {sum(by_county.values())} agreements in {len(by_county)} counties; "
        f"{sum(by_state.values())} agreements of agencies with no county (state agencies, "
        "cities) shaded by state."
    )
    table = tuple(
        [{"place": f"county {k}", "fips": k, "agreements": v} for k, v in sorted(by_county.items())]
        + [{"place": f"state {k}", "fips": k, "agreements": v} for k, v in sorted(by_state.items())]
    )
    return Chart(
        "map", title, render_svg(chart, shapes), text, ("place", "fips", "agreements"), table
    )


def _model_color() -> alt.Color:
    return alt.Color(
        "model:N",
        scale=alt.Scale(domain=list(MODEL_COLORS), range=list(MODEL_COLORS.values())),
    )
