"""The class report of a graded output folder (`autograder report`, docs/report.md): `make.write`.

This package's `__init__` imports nothing, so that the CLI's parser reads `similar.THRESHOLD`
without matplotlib."""
