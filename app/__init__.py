"""Unroll: recurrent neural networks, unrolled through time and shown step by step."""

__version__ = "0.1.0"
