"""Jindu (禁毒): the work platform of a provincial Narcotics Control Office."""

__version__ = "0.1.0"
