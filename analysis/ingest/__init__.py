"""Ingest commands: build tables in data/ from openly licensed source releases.

Each command reads a source release, applies the corrections listed in data/corrections.yaml,
and writes one CSV through a temporary file and an atomic rename, so an interrupted run leaves
the previous table intact. Running a command twice gives byte-identical output.
"""
