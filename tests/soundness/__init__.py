"""Generated soundness sweep of bcad's C boundary (see sweep.py)."""
