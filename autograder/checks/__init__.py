"""The exercises of each chapter, as data: one module per chapter, twin of the d2lkit module."""
