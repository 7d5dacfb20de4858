"""Optimisers as objects, shared by the learned tracks."""

from numlearn.learned.optim.levenberg_marquardt import LevenbergMarquardt, LMStep

__all__ = ["LMStep", "LevenbergMarquardt"]
