"""The tape: what was recorded while differentiating (design-notes section 6)."""
from .tape import Tape, Primitive, TRACKED_TYPES

__all__ = ["Tape", "Primitive", "TRACKED_TYPES"]
