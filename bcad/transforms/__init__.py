"""Transforms built on the interpreter and the tape: reverse mode (vjp/grad)."""
