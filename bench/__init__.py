"""`make bench`: the sync's cost in ORCID calls, its pace against ORCID's limit, and its start-up time.

Run with `python -m bench.run`; results go to bench/results.json and bench/RESULTS.md. Benchmarks run on
the local stack (moto and the loopback stand-ins) and are never part of `make test`.
"""
