"""Scenario files: schema, YAML reading with line-precise errors, loading, lever tables, shipped scenarios."""

from qdsim.scenario.loader import load_scenario, loads_scenario
from qdsim.scenario.schema import Scenario
from qdsim.scenario.yamlfile import Problem, ScenarioError

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario", "loads_scenario"]
