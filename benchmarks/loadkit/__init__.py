"""The pieces of benchmarks/load.py (the live fan-out benchmark; its docstring says what
it measures and how): settings, the replayed traffic, the two servers and their clients,
the measurement both share, and the report.
"""
