"""The class report of a graded output folder (`autograder report`, docs/report.md): `make.write`."""
