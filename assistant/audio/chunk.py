"""The audio every source delivers: int16 mono blocks at RATE, gated in frames of FRAME samples."""

RATE = 16000
"""Hertz: the rate every source delivers and every recognizer expects."""
FRAME = 480
"""Samples in one 30 ms frame, the step of the voice gate."""
