"""The Dingxi model: households as arrays, villages and enterprises as Mesa agents."""

from qdsim.model.model import DingxiModel

__all__ = ["DingxiModel"]
