"""Measuring tools beside the product: generated speech, the corpus, the benchmarks, the soak.

Run from the repository's root as modules, e.g. `.venv/bin/python -m scripts.bench`; the tests
import the speech generator from here (`from scripts.speechgen import speak`).
"""
