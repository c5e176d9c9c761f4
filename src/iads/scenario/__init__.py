"""Scenario files: schema (pydantic v2), YAML loading with line-aware errors, catalog types."""

from iads.scenario.equipment import (
    Catalog,
    InterceptorType,
    LauncherType,
    RadarType,
    ThreatType,
)
from iads.scenario.load import (
    builtin_catalog,
    interceptor_type,
    launcher_type,
    load_catalog_file,
    load_scenario,
    radar_type,
    threat_type,
)
from iads.scenario.model import Scenario

__all__ = [
    "Catalog",
    "InterceptorType",
    "LauncherType",
    "RadarType",
    "Scenario",
    "ThreatType",
    "builtin_catalog",
    "interceptor_type",
    "launcher_type",
    "load_catalog_file",
    "load_scenario",
    "radar_type",
    "threat_type",
]
