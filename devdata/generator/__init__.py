"""Realistic, internally consistent generated records for benchmarks and load tests (see build.py)."""

from .build import Generator, generate
from .vocabulary import SCALES, Scale
from .writer import DatabaseNotEmpty, Summary

__all__ = ["SCALES", "DatabaseNotEmpty", "Generator", "Scale", "Summary", "generate"]
