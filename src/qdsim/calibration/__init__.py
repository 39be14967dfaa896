"""Calibration: a posterior over the behavioural parameters (ABC), its report, and warnings outside the calibrated range.

Entry points: :func:`calibrate` (the ABC fit, the point runs use, its
verification), :func:`build_record` and :func:`write_calibrated`
(calibrated.yaml), :func:`write_report` (markdown and figures),
:func:`range_warnings` (levers far beyond anything reported).
"""

from qdsim.calibration.calibrate import CalibrationResult, TargetCheck, calibrate, check_targets
from qdsim.calibration.report import build_record, calibrated_path, read_calibrated, write_calibrated, write_report
from qdsim.calibration.targets import DEFAULT_REPLICATES, DEFAULT_SCALE, TARGETS, TOLERANCE, Target
from qdsim.scenario.ranges import RangeWarning, range_checks, range_warnings  # the rule lives with the scenario

__all__ = [
    "DEFAULT_REPLICATES", "DEFAULT_SCALE", "TARGETS", "TOLERANCE", "CalibrationResult", "RangeWarning", "Target", "TargetCheck",
    "build_record", "calibrate", "calibrated_path", "check_targets", "range_checks", "range_warnings", "read_calibrated",
    "write_calibrated", "write_report",
]
