"""bcad: differentiate ordinary Python code by interpreting its bytecode."""
from .errors import BcadError, UnsupportedError, NonDifferentiableError
from .interpreter import interpret, is_interpreting

__all__ = ["interpret", "is_interpreting", "BcadError", "UnsupportedError", "NonDifferentiableError"]
__version__ = "0.1.0"
