"""Calibration: fit the free parameters to the reported 2021–2024 figures, report, and warn outside the calibrated range.

Entry points: :func:`fit` (the fit and its verification), :func:`build_record`
and :func:`write_calibrated` (calibrated.yaml), :func:`write_report` (markdown
and figures), :func:`range_warnings` (levers far beyond anything reported).
"""

from qdsim.calibration.fit import FitResult, TargetCheck, calibration_scenario, check_targets, fit, prior_values
from qdsim.calibration.report import build_record, calibrated_path, read_calibrated, write_calibrated, write_report
from qdsim.calibration.targets import DEFAULT_REPLICATES, DEFAULT_SCALE, TARGETS, TOLERANCE, Target
from qdsim.scenario.ranges import RangeWarning, range_checks, range_warnings  # the rule lives with the scenario

__all__ = [
    "DEFAULT_REPLICATES", "DEFAULT_SCALE", "TARGETS", "TOLERANCE", "FitResult", "RangeWarning", "Target", "TargetCheck",
    "build_record", "calibrated_path", "calibration_scenario", "check_targets", "fit", "prior_values", "range_checks",
    "range_warnings", "read_calibrated", "write_calibrated", "write_report",
]
