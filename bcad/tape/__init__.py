"""The tape: what was recorded while differentiating (design-notes section 6)."""
from .tape import Tape, Primitive, active, TRACKED_TYPES

__all__ = ["Tape", "Primitive", "active", "TRACKED_TYPES"]
