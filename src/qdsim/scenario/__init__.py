"""Scenario files: schema, loading with line-precise errors, and lever tables."""

from qdsim.scenario.loader import ScenarioError, load_scenario, loads_scenario, validate_file
from qdsim.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario", "loads_scenario", "validate_file"]
