"""The campus dashboard and the manager reports (issue 5): filters (A1), panels (C1-C4,
Q1-Q3, B3), the key dates strip (C1, C2, B4-B6) and the reports (B1, B4, B5, B7)."""
