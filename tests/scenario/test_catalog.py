"""The built-in catalog: loads, covers the required systems, and cites a source per figure."""

from __future__ import annotations

import re

import pytest

from iads.scenario import builtin_catalog
from iads.scenario.equipment import EquipmentType

CATALOG = builtin_catalog()
ENTRIES = [
    (section, name, item)
    for section in ("radars", "interceptors", "launchers", "threats")
    for name, item in getattr(CATALOG, section).items()
]


def test_required_types_present():
    assert {"91N6E-class", "92N6E-class", "MPQ-65-class", "Sentinel-class"} <= set(CATALOG.radars)
    assert {"48N6-class", "40N6-class", "PAC-2-GEM-T-class", "AMRAAM-class"} <= set(
        CATALOG.interceptors
    )
    assert {"5P85-class", "M903-class", "NASAMS-launcher-class"} <= set(CATALOG.launchers)
    assert {
        "subsonic-cruise-missile",
        "supersonic-cruise-missile",
        "one-way-attack-drone",
        "fighter",
    } <= set(CATALOG.threats)


def _explicit_numeric_fields(item: EquipmentType) -> list[str]:
    return [
        f
        for f in item.model_fields_set
        if isinstance(getattr(item, f), int | float) and not isinstance(getattr(item, f), bool)
    ]


@pytest.mark.parametrize("section,name,item", ENTRIES, ids=[f"{s}:{n}" for s, n, _ in ENTRIES])
def test_every_figure_has_a_source(section, name, item):
    missing = sorted(set(_explicit_numeric_fields(item)) - set(item.sources))
    assert not missing, f"{section}.{name}: figures without a source: {missing}"
    unknown = sorted(set(item.sources) - set(type(item).model_fields))
    assert not unknown, f"{section}.{name}: sources for unknown fields: {unknown}"
    assert item.description


LABELS = {"description", "sources", "kind", "role", "band"}
"""Fields that name or classify an entry (``band`` restates the sourced ``frequency_hz``)."""


@pytest.mark.parametrize("section,name,item", ENTRIES, ids=[f"{s}:{n}" for s, n, _ in ENTRIES])
def test_every_modelling_choice_has_a_source(section, name, item):
    """Not only the numbers: a type's guidance (which seeker error law it gets), a radar's scan
    (rotating or sector) and what a launcher fires are figures too (issue 11 item 8)."""
    missing = sorted(set(item.model_fields_set) - LABELS - set(item.sources))
    assert not missing, f"{section}.{name}: fields without a source: {missing}"


def test_launchers_fire_known_interceptors():
    for name, launcher in CATALOG.launchers.items():
        for interceptor in launcher.interceptors:
            assert interceptor in CATALOG.interceptors, (name, interceptor)


def test_published_envelopes_ordered():
    ints = CATALOG.interceptors
    assert ints["40N6-class"].max_range_m > ints["48N6-class"].max_range_m
    assert ints["48N6-class"].max_range_m > ints["9M96E2-class"].max_range_m
    assert ints["PAC-2-GEM-T-class"].max_range_m > ints["AMRAAM-class"].max_range_m


REF_KEY = re.compile(r"\[([a-z0-9-]+)\]")
CONFIDENCE = re.compile(r"confidence (high|medium|low)")


def test_references_have_title_publisher_and_date():
    assert CATALOG.references
    for key, ref in CATALOG.references.items():
        assert ref.title and ref.publisher and ref.date, key


@pytest.mark.parametrize("section,name,item", ENTRIES, ids=[f"{s}:{n}" for s, n, _ in ENTRIES])
def test_every_source_cites_a_reference_and_a_confidence(section, name, item):
    for field, text in item.sources.items():
        keys = REF_KEY.findall(text)
        assert keys, f"{section}.{name}.{field}: no [reference] in {text!r}"
        unknown = [k for k in keys if k not in CATALOG.references]
        assert not unknown, f"{section}.{name}.{field}: unknown references {unknown}"
        assert CONFIDENCE.search(text), f"{section}.{name}.{field}: no confidence"
        body = REF_KEY.sub("", text).strip()
        # a derived figure says how: "derived: ..." or "derived from ..." with some words
        if body.startswith("derived"):
            how = re.sub(r"^derived( from| by|:)?", "", body).split("confidence")[0]
            assert len(how.strip(" ;:,")) > 10, f"{section}.{name}.{field}: no derivation"


def test_radar_antenna_heights_are_deployed_mast_options():
    """Issue 11 item 8: a catalog radar's antenna height is one of the deployments it is known
    in (own vehicle, mast or tower: ``antenna_mast_options_m``, each sourced), so the default
    is an as-deployed height and a site picks another option with an override."""
    for name, radar in CATALOG.radars.items():
        assert radar.antenna_mast_options_m, f"{name}: no mast options"
        assert radar.antenna_height_m in radar.antenna_mast_options_m, name
        assert "antenna_mast_options_m" in radar.sources, name
