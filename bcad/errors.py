"""Errors bcad raises itself.  Each says what happened, where, and what to do."""


class BcadError(Exception):
    """Base class of bcad's own errors."""


class UnsupportedError(BcadError):
    """Code uses a construct or opcode bcad's interpreter does not support."""


class NonDifferentiableError(BcadError):
    """A tracked value reached code bcad cannot differentiate through."""
