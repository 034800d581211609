"""Decoding: code object -> flat, normalized instruction array (cached)."""
from .decoder import Code, Instr, decode, NULL

__all__ = ["Code", "Instr", "decode", "NULL"]
